"""Zoom's rate limits on our side: per-second budgets per category and the per-host daily ledger."""

from __future__ import annotations

import asyncio
import enum
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol, runtime_checkable

from zoomadmin.core.enums import HOST_DAILY_LIMIT


class RateCategory(enum.StrEnum):
    """Zoom's "Rate Limit Label" of an endpoint (the ``X-RateLimit-Category`` header)."""

    LIGHT = "Light"
    MEDIUM = "Medium"
    HEAVY = "Heavy"
    RESOURCE_INTENSIVE = "Resource-intensive"


class Plan(enum.StrEnum):
    """The account's plan, which sets its per-second budgets."""

    FREE = "free"
    PRO = "pro"
    BUSINESS = "business"


@dataclass(frozen=True)
class Budget:
    """At most ``requests`` requests in any window of ``per_seconds`` seconds."""

    requests: int
    per_seconds: float


# Zoom's per-account table (per plan, per category); Resource-intensive is per minute.
_BUDGETS: dict[Plan, dict[RateCategory, Budget]] = {
    Plan.FREE: {
        RateCategory.LIGHT: Budget(4, 1.0),
        RateCategory.MEDIUM: Budget(2, 1.0),
        RateCategory.HEAVY: Budget(1, 1.0),
        RateCategory.RESOURCE_INTENSIVE: Budget(10, 60.0),
    },
    Plan.PRO: {
        RateCategory.LIGHT: Budget(30, 1.0),
        RateCategory.MEDIUM: Budget(20, 1.0),
        RateCategory.HEAVY: Budget(10, 1.0),
        RateCategory.RESOURCE_INTENSIVE: Budget(10, 60.0),
    },
    Plan.BUSINESS: {
        RateCategory.LIGHT: Budget(80, 1.0),
        RateCategory.MEDIUM: Budget(60, 1.0),
        RateCategory.HEAVY: Budget(40, 1.0),
        RateCategory.RESOURCE_INTENSIVE: Budget(20, 60.0),
    },
}


def budget_for(plan: Plan, category: RateCategory) -> Budget:
    """Zoom's published per-window budget for ``category`` on ``plan``."""
    return _BUDGETS[plan][category]


# (method, path template) -> category, for every endpoint the client calls.
ENDPOINT_CATEGORIES: dict[tuple[str, str], RateCategory] = {
    ("GET", "/users"): RateCategory.MEDIUM,
    ("POST", "/users"): RateCategory.LIGHT,
    ("GET", "/users/email"): RateCategory.LIGHT,
    ("GET", "/users/summary"): RateCategory.LIGHT,
    ("GET", "/users/{userId}"): RateCategory.LIGHT,
    ("PATCH", "/users/{userId}"): RateCategory.LIGHT,
    ("DELETE", "/users/{userId}"): RateCategory.LIGHT,
    ("PUT", "/users/{userId}/status"): RateCategory.LIGHT,
    ("GET", "/users/{userId}/settings"): RateCategory.MEDIUM,
    ("PATCH", "/users/{userId}/settings"): RateCategory.MEDIUM,
    ("GET", "/accounts/me/lock_settings"): RateCategory.MEDIUM,
    ("GET", "/accounts/me/settings"): RateCategory.MEDIUM,
    ("GET", "/groups"): RateCategory.MEDIUM,
    ("POST", "/groups"): RateCategory.LIGHT,
    ("GET", "/groups/{groupId}"): RateCategory.LIGHT,
    ("DELETE", "/groups/{groupId}"): RateCategory.LIGHT,
    ("GET", "/groups/{groupId}/members"): RateCategory.MEDIUM,
    ("POST", "/groups/{groupId}/members"): RateCategory.MEDIUM,
    ("DELETE", "/groups/{groupId}/members/{memberId}"): RateCategory.LIGHT,
    ("GET", "/groups/{groupId}/settings"): RateCategory.MEDIUM,
    ("PATCH", "/groups/{groupId}/settings"): RateCategory.MEDIUM,
    ("GET", "/groups/{groupId}/lock_settings"): RateCategory.MEDIUM,
    ("PATCH", "/groups/{groupId}/lock_settings"): RateCategory.MEDIUM,
    ("GET", "/accounts/me/plans/usage"): RateCategory.HEAVY,
    ("POST", "/users/{userId}/meetings"): RateCategory.MEDIUM,
    ("GET", "/users/{userId}/meetings"): RateCategory.MEDIUM,
    ("GET", "/meetings/{meetingId}"): RateCategory.LIGHT,
    ("PATCH", "/meetings/{meetingId}"): RateCategory.LIGHT,
    ("DELETE", "/meetings/{meetingId}"): RateCategory.LIGHT,
    ("PUT", "/meetings/{meetingId}/status"): RateCategory.LIGHT,
    ("GET", "/past_meetings/{meetingUUID}"): RateCategory.LIGHT,
    ("GET", "/past_meetings/{meetingUUID}/participants"): RateCategory.MEDIUM,
    ("GET", "/metrics/meetings"): RateCategory.RESOURCE_INTENSIVE,
    ("GET", "/users/{userId}/recordings"): RateCategory.MEDIUM,
    ("GET", "/accounts/me/recordings"): RateCategory.MEDIUM,
    ("GET", "/meetings/{meetingId}/recordings"): RateCategory.LIGHT,
    ("DELETE", "/meetings/{meetingId}/recordings"): RateCategory.LIGHT,
    ("DELETE", "/meetings/{meetingId}/recordings/{recordingId}"): RateCategory.LIGHT,
    ("PUT", "/meetings/{meetingId}/recordings/status"): RateCategory.LIGHT,
}


def category_of(method: str, template: str) -> RateCategory:
    """The category of an endpoint; unknown endpoints count as Heavy, the safe side."""
    return ENDPOINT_CATEGORIES.get((method.upper(), template), RateCategory.HEAVY)


@dataclass(frozen=True)
class Ticket:
    """One request let through: its place in the sequence and when it was let through."""

    seq: int
    started: float


class TokenBucketLimiter:
    """Paces one rate category the way Zoom counts it: a bucket of ``budget.requests``
    tokens that refills at ``requests / per_seconds`` tokens per second.

    Zoom documents its limits only as "N per second (QPS)" per account and reports what
    is left in ``X-RateLimit-Remaining`` on every answer. We model that as a token bucket,
    as the sandbox enforces it: a full second's budget may go at once, then the bucket
    refills at the per-second rate, so a long listing runs at 100 % of the rate. (A
    sliding one-second log also stays within such a bucket, but only by waiting out whole
    windows, which wastes about one second's budget per listing.) Should Zoom count in
    some other way, :meth:`observe` follows its ``Remaining`` and a 429 is waited out.

    ``jitter`` is how much later than its neighbours a request may reach Zoom (event-loop
    stalls, a slower connection). That many seconds' worth of tokens is kept back from the
    burst, never from the rate, so late arrivals cannot push Zoom's bucket below empty.
    :meth:`observe` lowers the bucket to what Zoom reports is left, so other apps spending
    the same account budget (Zoom's limits are per account) slow us down instead of
    causing 429s.
    """

    def __init__(
        self,
        budget: Budget,
        *,
        jitter: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._jitter = jitter
        self._clock = clock
        self._lock = asyncio.Lock()
        self._issued = 0
        self._budget = budget
        self._rate = budget.requests / budget.per_seconds
        self._capacity = self._capacity_of(budget)
        self._tokens = self._capacity
        self._stamp = clock()

    def _capacity_of(self, budget: Budget) -> float:
        rate = budget.requests / budget.per_seconds
        return max(1.0, budget.requests - rate * self._jitter)

    @property
    def budget(self) -> Budget:
        """The budget in force."""
        return self._budget

    @property
    def capacity(self) -> float:
        """The largest burst let through at once (the budget less the jitter reserve)."""
        return self._capacity

    def set_budget(self, budget: Budget) -> None:
        """Adopt a budget Zoom told us about (``X-RateLimit-Limit`` on a QPS response)."""
        self._refill()
        self._budget = budget
        self._rate = budget.requests / budget.per_seconds
        self._capacity = self._capacity_of(budget)
        self._tokens = min(self._tokens, self._capacity)

    def _refill(self) -> float:
        now = self._clock()
        self._tokens = min(self._capacity, self._tokens + (now - self._stamp) * self._rate)
        self._stamp = now
        return now

    def delay_needed(self) -> float:
        """Seconds until one more request may start (0 if it may start now)."""
        self._refill()
        if self._tokens >= 1.0:
            return 0.0
        return (1.0 - self._tokens) / self._rate

    def take(self) -> Ticket:
        """Count one request as started now (call only when :meth:`delay_needed` is 0)."""
        self._tokens -= 1.0
        self._issued += 1
        return Ticket(self._issued, self._stamp)

    async def acquire(self) -> Ticket:
        """Wait until a request may start, then count it as started."""
        async with self._lock:
            delay = self.delay_needed()
            while delay > 0:
                await asyncio.sleep(delay)
                delay = self.delay_needed()
            return self.take()

    def observe(self, ticket: Ticket, remaining: int) -> None:
        """Adopt Zoom's ``X-RateLimit-Remaining`` from the answer to ``ticket``'s request.

        Zoom counted that request somewhere between its start and now, so what Zoom has
        left now is at most ``remaining`` (rounded down by Zoom, hence ``+ 1``) plus the
        refill since the start, less every request we started after it. Only a lower
        figure is adopted: our own count already covers what we sent.
        """
        now = self._refill()
        later = self._issued - ticket.seq
        ceiling = remaining + 1 + (now - ticket.started) * self._rate - later
        self._tokens = min(self._tokens, ceiling)

    def pause(self, seconds: float) -> None:
        """Let nothing start for ``seconds`` (after Zoom said 429 anyway)."""
        self._refill()
        self._tokens = min(self._tokens, 1.0 - seconds * self._rate)


def utc_day(moment: datetime | None = None) -> date:
    """The UTC calendar day that Zoom's daily counters use."""
    return (moment or datetime.now(UTC)).astimezone(UTC).date()


def next_utc_midnight(day: date) -> datetime:
    """When the counters of ``day`` reset: the next 00:00 UTC."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=UTC)


@runtime_checkable
class QuotaLedger(Protocol):
    """Per-host count of meeting create/update requests per UTC day (Zoom allows 100).

    Every method is ``async``: the client awaits it on the event loop, which is the GUI
    thread under qasync, so an implementation that needs the disk or the network must do
    that work elsewhere (the SQL ledger runs each statement in a worker thread) and never
    block the loop. ``day`` is always a UTC date. Counts never go down within a day.
    """

    async def used(self, host_id: str, day: date) -> int:
        """Requests counted for ``host_id`` on ``day`` (0 when none)."""
        ...

    async def used_on(self, day: date) -> dict[str, tuple[int, int]]:
        """Every counted host's ``(used, daily_limit)`` on ``day`` (for host lists)."""
        ...

    async def exhausted(self, host_id: str, day: date) -> bool:
        """Whether Zoom said (or the count shows) nothing is left for ``host_id`` on ``day``."""
        ...

    async def record_request(self, host_id: str, day: date) -> int:
        """Count one create/update about to be sent; returns the new count.

        The client awaits this before it sends the request, so a request is never sent
        uncounted (one cancelled in between is counted but not sent: the safe side).
        """
        ...

    async def observe(self, host_id: str, day: date, limit: int, remaining: int) -> None:
        """Adopt Zoom's own figures: used becomes at least ``limit - remaining``."""
        ...

    async def mark_exhausted(self, host_id: str, day: date) -> None:
        """Zoom answered the daily-limit 429: nothing is left for ``host_id`` on ``day``."""
        ...


class MemoryQuotaLedger:
    """A :class:`QuotaLedger` kept in memory (tests, the sandbox, a first run).

    Each call is a dictionary look-up on the loop's thread, so it never waits.
    """

    def __init__(self, limit: int = HOST_DAILY_LIMIT) -> None:
        self._limit = limit
        self._used: dict[tuple[str, date], int] = {}
        self._lock = threading.Lock()

    async def used(self, host_id: str, day: date) -> int:
        """Requests counted for ``host_id`` on ``day``."""
        with self._lock:
            return self._used.get((host_id, day), 0)

    async def used_on(self, day: date) -> dict[str, tuple[int, int]]:
        """Every counted host's ``(used, limit)`` on ``day``."""
        with self._lock:
            return {h: (n, self._limit) for (h, d), n in self._used.items() if d == day}

    async def exhausted(self, host_id: str, day: date) -> bool:
        """Whether the count reached the limit (Zoom's daily 429 raises it there)."""
        with self._lock:
            return self._used.get((host_id, day), 0) >= self._limit

    async def record_request(self, host_id: str, day: date) -> int:
        """Count one request and return the new count."""
        with self._lock:
            count = self._used.get((host_id, day), 0) + 1
            self._used[(host_id, day)] = count
            return count

    async def observe(self, host_id: str, day: date, limit: int, remaining: int) -> None:
        """Raise the count to what Zoom reports as used."""
        with self._lock:
            key = (host_id, day)
            self._used[key] = max(self._used.get(key, 0), limit - remaining)

    async def mark_exhausted(self, host_id: str, day: date) -> None:
        """Set the count to the daily limit."""
        with self._lock:
            key = (host_id, day)
            self._used[key] = max(self._used.get(key, 0), self._limit)
