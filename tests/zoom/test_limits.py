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
    SlidingWindowLimiter,
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


def test_sliding_window_allows_budget_then_waits_for_the_oldest() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(Budget(3, 1.0), margin=0.05, clock=clock)
    for _ in range(3):
        assert limiter.delay_needed() == 0
        limiter._starts.append(clock())
        clock.now += 0.1
    # Three started at 100.0, 100.1, 100.2; the fourth may start at 101.05.
    assert limiter.delay_needed() == pytest.approx(101.05 - 100.3)
    clock.now = 101.06
    assert limiter.delay_needed() == 0


async def test_acquire_never_exceeds_budget_in_any_window() -> None:
    limiter = SlidingWindowLimiter(Budget(5, 0.2), margin=0.0)
    import time

    starts = []
    for _ in range(12):
        await limiter.acquire()
        starts.append(time.monotonic())
    for i, t in enumerate(starts):
        in_window = [s for s in starts[i:] if s - t < 0.2 - 1e-3]
        assert len(in_window) <= 5


def test_memory_ledger_counts_observes_and_exhausts() -> None:
    ledger = MemoryQuotaLedger()
    assert isinstance(ledger, QuotaLedger)
    day = date(2026, 3, 4)
    assert ledger.used("h", day) == 0
    assert ledger.record_request("h", day) == 1
    ledger.observe("h", day, limit=100, remaining=60)
    assert ledger.used("h", day) == 40
    ledger.observe("h", day, limit=100, remaining=90)  # counts never go down
    assert ledger.used("h", day) == 40
    ledger.mark_exhausted("h", day)
    assert ledger.used("h", day) == 100
    assert ledger.used("h", date(2026, 3, 5)) == 0
    assert ledger.used("other", day) == 0


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
