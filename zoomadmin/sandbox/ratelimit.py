"""Zoom's rate limits as the sandbox enforces them: per-second buckets per category, daily pools."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from zoomadmin.sandbox.errors import ZoomError
from zoomadmin.sandbox.state import Plan, SandboxState

LIGHT = "Light"
MEDIUM = "Medium"
HEAVY = "Heavy"
RESOURCE_INTENSIVE = "Resource-intensive"

#: Zoom allows each host this many meeting create/update requests per UTC day.
HOST_DAILY_LIMIT = 100

# FACTS §4.1: (requests, per seconds) per plan and category.
_PER_SECOND: dict[str, dict[str, tuple[int, float]]] = {
    "free": {LIGHT: (4, 1.0), MEDIUM: (2, 1.0), HEAVY: (1, 1.0), RESOURCE_INTENSIVE: (10, 60.0)},
    "pro": {LIGHT: (30, 1.0), MEDIUM: (20, 1.0), HEAVY: (10, 1.0), RESOURCE_INTENSIVE: (10, 60.0)},
    "business": {
        LIGHT: (80, 1.0),
        MEDIUM: (60, 1.0),
        HEAVY: (40, 1.0),
        RESOURCE_INTENSIVE: (20, 60.0),
    },
}

# FACTS §4.1 daily pools; Heavy and Resource-intensive share one pool on Pro and Business+.
_DAILY: dict[str, dict[str, tuple[str, int]]] = {
    "free": {
        LIGHT: ("light", 6000),
        MEDIUM: ("medium", 2000),
        HEAVY: ("heavy", 1000),
        RESOURCE_INTENSIVE: ("ri", 30000),
    },
    "pro": {HEAVY: ("heavy+ri", 30000), RESOURCE_INTENSIVE: ("heavy+ri", 30000)},
    "business": {HEAVY: ("heavy+ri", 60000), RESOURCE_INTENSIVE: ("heavy+ri", 60000)},
}

# FACTS §2.3: POST /users with action=create per day.
_USER_CREATE_DAILY: dict[str, int] = {"free": 50, "pro": 1500, "business": 10000}

PER_SECOND_MESSAGE = (
    "You have reached the maximum per-second rate limit for this API. Try again later."
)
DAILY_MESSAGE = (
    "You have reached the maximum daily rate limit for this API. "
    "Refer to the response header for details on when you can make another request."
)
HOST_DAILY_MESSAGE = (
    "You have exceeded the daily rate limit (100) of Meeting Create/Update API requests "
    "permitted for this particular user. You may resume these requests at GMT 00:00:00."
)


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float


def next_utc_midnight(now: datetime) -> str:
    """Zoom's ``Retry-After`` for daily limits: the next 00:00 UTC as ISO-8601."""
    day = now.date() + timedelta(days=1)
    return f"{day.isoformat()}T00:00:00Z"


def rate_headers(category: str, kind: str, limit: int, remaining: int) -> dict[str, str]:
    """The four ``X-RateLimit-*`` headers Zoom puts on every answer."""
    return {
        "X-RateLimit-Category": category,
        "X-RateLimit-Type": kind,
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(max(0, remaining)),
    }


class RateLimiter:
    """Per-account limits; per-second buckets run on real time, daily pools on the sandbox clock."""

    def __init__(
        self, state: SandboxState, now: Callable[[], datetime], monotonic: Callable[[], float]
    ) -> None:
        """``now`` is the sandbox clock (daily windows), ``monotonic`` real time (per second)."""
        self._state = state
        self._now = now
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._buckets: dict[str, _Bucket] = {}
        self._daily: dict[tuple[str, date], int] = {}

    @classmethod
    def for_state(cls, state: SandboxState, now: Callable[[], datetime]) -> RateLimiter:
        """A limiter on the process's monotonic clock."""
        return cls(state, now, time.monotonic)

    def reset(self) -> None:
        """Forget every counter (used when the account is re-seeded)."""
        with self._lock:
            self._buckets.clear()
            self._daily.clear()

    def _plan(self) -> Plan:
        return self._state.account.plan

    def peek(self, category: str) -> dict[str, str]:
        """Headers describing ``category``'s budget without taking from it."""
        limit, per = _PER_SECOND[self._plan()][category]
        with self._lock:
            bucket = self._buckets.get(category)
            if bucket is None:
                return rate_headers(category, "QPS", limit, limit)
            elapsed = self._monotonic() - bucket.stamp
            tokens = min(float(limit), bucket.tokens + elapsed * limit / per)
        return rate_headers(category, "QPS", limit, int(tokens))

    def check(self, category: str) -> dict[str, str]:
        """Take one request from ``category``'s budgets; headers to add, or raise 429."""
        plan = self._plan()
        limit, per = _PER_SECOND[plan][category]
        if not self._state.account.rate_limits:
            return rate_headers(category, "QPS", limit, limit)
        now_real = self._monotonic()
        with self._lock:
            bucket = self._buckets.get(category)
            if bucket is None:
                bucket = self._buckets[category] = _Bucket(float(limit), now_real)
            rate = limit / per
            bucket.tokens = min(float(limit), bucket.tokens + (now_real - bucket.stamp) * rate)
            bucket.stamp = now_real
            if bucket.tokens < 1.0:
                raise per_second_error(category, limit)
            daily = _DAILY[plan].get(category)
            if daily is not None:
                self._spend_daily(category, *daily)
            bucket.tokens -= 1.0
            return rate_headers(category, "QPS", limit, int(bucket.tokens))

    def _spend_daily(self, category: str, pool: str, limit: int) -> int:
        """Count one request against a daily pool (the caller holds the lock); 429 when spent."""
        now = self._now()
        key = (pool, now.date())
        used = self._daily.get(key, 0)
        if used >= limit:
            headers = rate_headers(category, "Daily-limit", limit, 0)
            headers["Retry-After"] = next_utc_midnight(now)
            raise ZoomError(429, 429, DAILY_MESSAGE, headers=headers)
        self._daily[key] = used + 1
        return used

    def take_user_create(self, headers: dict[str, str]) -> None:
        """Count one ``POST /users`` with ``action=create`` against the account's daily cap."""
        limit = _USER_CREATE_DAILY[self._plan()]
        with self._lock:
            used = self._spend_daily(LIGHT, "user_create", limit)
        headers["X-RateLimit-Limit"] = str(limit)
        headers["X-RateLimit-Remaining"] = str(limit - used - 1)

    def take_host(self, host_id: str, category: str) -> None:
        """Count one meeting create/update against the host's 100-per-UTC-day limit."""
        now = self._now()
        key = (host_id, now.date())
        with self._state.lock:
            used = self._state.quota.get(key, 0)
            if used >= HOST_DAILY_LIMIT:
                headers = rate_headers(category, "Daily-limit", HOST_DAILY_LIMIT, 0)
                headers["Retry-After"] = next_utc_midnight(now)
                raise ZoomError(429, 429, HOST_DAILY_MESSAGE, headers=headers)
            self._state.quota[key] = used + 1


def per_second_error(category: str, limit: int) -> ZoomError:
    """The per-second 429 Zoom sends (also used by the burst429 fault)."""
    headers = rate_headers(category, "QPS", limit, 0)
    return ZoomError(429, 429, PER_SECOND_MESSAGE, headers=headers)


def per_second_limit(plan: Plan, category: str) -> int:
    """The per-window request count of ``category`` on ``plan``."""
    return _PER_SECOND[plan][category][0]
