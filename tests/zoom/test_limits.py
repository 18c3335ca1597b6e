"""Per-second budgets, the per-host daily ledger, backoff and Retry-After parsing."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest

from zoomadmin.zoom.limits import (
    Budget,
    MemoryQuotaLedger,
    Plan,
    QuotaLedger,
    RateCategory,
    TokenBucketLimiter,
    budget_for,
    category_of,
    next_utc_midnight,
)
from zoomadmin.zoom.models import QuotaStatus
from zoomadmin.zoom.wire import RetryPolicy, encode_segment, parse_retry_after


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_zoom_table_budgets() -> None:
    assert budget_for(Plan.PRO, RateCategory.MEDIUM) == Budget(20, 1.0)
    assert budget_for(Plan.BUSINESS, RateCategory.LIGHT) == Budget(80, 1.0)
    assert budget_for(Plan.FREE, RateCategory.RESOURCE_INTENSIVE) == Budget(10, 60.0)
    assert category_of("post", "/users/{userId}/meetings") is RateCategory.MEDIUM
    assert category_of("PATCH", "/meetings/{meetingId}") is RateCategory.LIGHT
    assert category_of("GET", "/not/a/known/endpoint") is RateCategory.HEAVY


def test_token_bucket_allows_a_burst_less_the_jitter_reserve_then_the_rate() -> None:
    clock = FakeClock()
    limiter = TokenBucketLimiter(Budget(10, 1.0), jitter=0.1, clock=clock)
    # One request's worth (0.1 s at 10/s) is kept back for requests that arrive late.
    assert limiter.capacity == pytest.approx(9.0)
    tickets = []
    for _ in range(9):
        assert limiter.delay_needed() == 0
        tickets.append(limiter.take())
    assert [t.seq for t in tickets] == list(range(1, 10))
    assert limiter.delay_needed() == pytest.approx(0.1)
    clock.now += 0.05
    assert limiter.delay_needed() == pytest.approx(0.05)
    clock.now += 0.05
    assert limiter.delay_needed() == pytest.approx(0.0, abs=1e-9)
    # The bucket never holds more than its capacity, however long it stays idle.
    clock.now += 60
    for _ in range(9):
        assert limiter.delay_needed() == 0
        limiter.take()
    assert limiter.delay_needed() > 0


async def test_acquire_stays_within_a_token_bucket_of_the_budget() -> None:
    import time

    limiter = TokenBucketLimiter(Budget(5, 0.2), jitter=0.0)
    starts = []
    for _ in range(12):
        await limiter.acquire()
        starts.append(time.monotonic())
    # Zoom's bucket holds 5 and refills 25 per second: no span may hold more than that.
    for i, first in enumerate(starts):
        for j in range(i, len(starts)):
            assert j - i + 1 <= 5 + 25 * (starts[j] - first) + 1e-6
    # And the rate is used in full: 7 requests after the burst take about 7 / 25 s.
    assert starts[-1] - starts[0] >= 7 / 25 - 1e-3


def test_observe_adopts_a_lower_remaining_from_zoom() -> None:
    clock = FakeClock()
    limiter = TokenBucketLimiter(Budget(10, 1.0), jitter=0.0, clock=clock)
    first = limiter.take()
    second = limiter.take()
    # Another app on the account spent most of the budget: Zoom says 3 are left after
    # our first request; our second one, sent since, leaves at most 3.
    limiter.observe(first, remaining=3)
    for _ in range(3):
        assert limiter.delay_needed() == 0
        limiter.take()
    assert limiter.delay_needed() == pytest.approx(0.1)
    # A higher figure than our own count changes nothing.
    limiter.observe(second, remaining=9)
    assert limiter.delay_needed() == pytest.approx(0.1)


def test_pause_and_a_smaller_budget_from_zoom() -> None:
    clock = FakeClock()
    limiter = TokenBucketLimiter(Budget(10, 1.0), jitter=0.0, clock=clock)
    limiter.pause(2.0)
    assert limiter.delay_needed() == pytest.approx(2.0)
    clock.now += 10
    limiter.set_budget(Budget(4, 1.0))
    assert limiter.budget == Budget(4, 1.0)
    for _ in range(4):
        assert limiter.delay_needed() == 0
        limiter.take()
    assert limiter.delay_needed() == pytest.approx(0.25)


async def test_memory_ledger_counts_observes_and_exhausts() -> None:
    ledger = MemoryQuotaLedger()
    assert isinstance(ledger, QuotaLedger)
    day = date(2026, 3, 4)
    assert await ledger.used("h", day) == 0
    assert await ledger.record_request("h", day) == 1
    await ledger.observe("h", day, limit=100, remaining=60)
    assert await ledger.used("h", day) == 40
    await ledger.observe("h", day, limit=100, remaining=90)  # counts never go down
    assert await ledger.used("h", day) == 40
    assert not await ledger.exhausted("h", day)
    await ledger.mark_exhausted("h", day)
    assert await ledger.used("h", day) == 100
    assert await ledger.exhausted("h", day)
    assert await ledger.used("h", date(2026, 3, 5)) == 0
    assert await ledger.used("other", day) == 0
    await ledger.record_request("other", day)
    assert await ledger.used_on(day) == {"h": (100, 100), "other": (1, 100)}


def test_quota_status_describes_itself() -> None:
    status = QuotaStatus(
        host_id="h", used=37, limit=100, resets_at=next_utc_midnight(date(2026, 3, 4))
    )
    assert status.describe() == "37 of 100 used today, resets 00:00 UTC"
    assert status.remaining == 63
    assert status.resets_at == datetime(2026, 3, 5, tzinfo=UTC)


def test_backoff_grows_with_jitter_and_a_cap() -> None:
    policy = RetryPolicy(base_delay=0.2, max_delay=2.0)
    rng = random.Random(1)
    first = [policy.backoff(1, rng) for _ in range(50)]
    assert all(0.1 <= d <= 0.2 for d in first)
    assert len(set(first)) > 40
    assert all(1.0 <= policy.backoff(10, rng) <= 2.0 for _ in range(50))


def test_retry_after_seconds_iso_and_http_date() -> None:
    now = datetime(2026, 3, 4, 23, 0, tzinfo=UTC)
    assert parse_retry_after("2", now) == (2.0, None)
    wait, moment = parse_retry_after("2026-03-05T00:00:00Z", now)
    assert wait == 3600
    assert moment == datetime(2026, 3, 5, tzinfo=UTC)
    wait, moment = parse_retry_after("Thu, 05 Mar 2026 00:00:00 GMT", now)
    assert wait == 3600
    assert parse_retry_after("soon", now) == (None, None)
    assert parse_retry_after(None, now) == (None, None)


def test_uuids_with_slashes_are_double_encoded() -> None:
    assert encode_segment("/abc==") == "%252Fabc%253D%253D"
    assert encode_segment("ab//c==") == "ab%252F%252Fc%253D%253D"
    assert encode_segment("a/bc==") == "a%2Fbc%3D%3D"
    assert encode_segment(85746065432) == "85746065432"
