"""The request core: bearer auth, per-second budgets, daily quotas, retries and error mapping."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypedDict, Unpack

import httpx

from zoomadmin.core.enums import HOST_DAILY_LIMIT
from zoomadmin.zoom.auth import TokenProvider, ZoomCredentials
from zoomadmin.zoom.errors import (
    DailyQuotaExceeded,
    MissingScope,
    OutcomeUnknown,
    RateLimited,
    ZoomUnavailable,
    error_from_response,
)
from zoomadmin.zoom.limits import (
    Budget,
    MemoryQuotaLedger,
    Plan,
    QuotaLedger,
    RateCategory,
    Ticket,
    TokenBucketLimiter,
    budget_for,
    category_of,
    next_utc_midnight,
    utc_day,
)
from zoomadmin.zoom.scopes import missing_scope
from zoomadmin.zoom.tls import shared_ssl_context
from zoomadmin.zoom.wire import RetryPolicy, expand, int_header, json_object, parse_retry_after

log = logging.getLogger(__name__)
# httpx logs each request's full URL at INFO (queries, emails, download addresses); the
# transport logs its own line with the path only, so httpx keeps to warnings.
logging.getLogger("httpx").setLevel(logging.WARNING)

Sleep = Callable[[float], Awaitable[None]]


class TransportOptions(TypedDict, total=False):
    """Keyword options of :class:`Transport` (and of ``ZoomClient``, which passes them on)."""

    http: httpx.AsyncClient | None
    plan: Plan
    ledger: QuotaLedger | None
    max_concurrency: int
    retry: RetryPolicy | None
    now: Callable[[], datetime] | None
    sleep: Sleep
    rng: random.Random | None


class RequestOptions(TypedDict, total=False):
    """Keyword options of one request: path values, query, JSON body, quota host."""

    path: dict[str, str | int] | None
    params: dict[str, Any] | None
    json: Any
    quota_host: str | None


class Transport:
    """Sends one authorized request to Zoom and turns every failure into a typed error.

    Safe by construction: the token rides only in the ``Authorization`` header; each
    category keeps to its per-second budget and at most ``max_concurrency`` requests are in
    flight; per-second 429s wait and retry a bounded number of times; daily 429s raise
    :class:`DailyQuotaExceeded`; GET/PUT/PATCH/DELETE retry network errors and 5xx, while a
    POST (a create) whose answer is lost raises :class:`OutcomeUnknown` and is never re-sent.
    """

    def __init__(
        self,
        credentials: ZoomCredentials,
        *,
        http: httpx.AsyncClient | None = None,
        plan: Plan = Plan.PRO,
        ledger: QuotaLedger | None = None,
        max_concurrency: int = 8,
        retry: RetryPolicy | None = None,
        now: Callable[[], datetime] | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._owns_http = http is None
        self.http = http or httpx.AsyncClient(
            timeout=httpx.Timeout(30.0, connect=10.0), verify=shared_ssl_context()
        )
        self.base_url = credentials.api_url.rstrip("/")
        self.tokens = TokenProvider(credentials, self.http)
        self.ledger: QuotaLedger = ledger if ledger is not None else MemoryQuotaLedger()
        self.retry = retry or RetryPolicy()
        self._limiters = {c: TokenBucketLimiter(budget_for(plan, c)) for c in RateCategory}
        self._slots = asyncio.Semaphore(max_concurrency)
        # Checking a host's quota and counting the request are one step: two requests for
        # a host with one left must not both pass the check while the first is counted.
        self._quota_lock = asyncio.Lock()
        self._now = now or (lambda: datetime.now(UTC))
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.stats = TransportStats()

    async def aclose(self) -> None:
        """Close the HTTP connections if this transport opened them."""
        if self._owns_http:
            await self.http.aclose()

    def today(self) -> date:
        """The current UTC day (by the injectable clock)."""
        return utc_day(self._now())

    def limiter(self, category: RateCategory) -> TokenBucketLimiter:
        """The per-second limiter of a category."""
        return self._limiters[category]

    async def request(
        self, method: str, template: str, **options: Unpack[RequestOptions]
    ) -> httpx.Response:
        """Send ``method template`` and return the successful response (or raise ZoomError).

        ``path`` fills the template's ``{names}``; ``quota_host`` names the host whose daily
        meeting create/update quota this spends.
        """
        method = method.upper()
        await self._check_scope(method, template)
        host = options.get("quota_host")
        day = self.today() if host is not None else None
        url_path = expand(template, options.get("path"))
        params, body = options.get("params"), options.get("json")
        spec = _Spec(method, template, url_path, params, body, host, day)
        return await _Call(self, spec).run()

    async def _check_scope(self, method: str, template: str) -> None:
        await self.tokens.token()
        scope = missing_scope(self.tokens.scopes, method, template)
        if scope is not None:
            raise MissingScope(scope)

    async def check_quota(self, host_id: str, day: date) -> None:
        """Raise DailyQuotaExceeded, without asking Zoom, when the ledger shows none left."""
        if await self.ledger.exhausted(host_id, day):
            raise DailyQuotaExceeded(host_id, next_utc_midnight(day))

    async def count_request(self, host_id: str, day: date) -> None:
        """Refuse ``host_id`` locally when none is left, else count one request to send.

        Awaited before the request goes out, so the ledger never lags what Zoom counted.
        """
        async with self._quota_lock:
            await self.check_quota(host_id, day)
            await self.ledger.record_request(host_id, day)

    async def send_once(
        self,
        method: str,
        url_path: str,
        category: RateCategory,
        params: dict[str, Any] | None,
        json: Any,
    ) -> tuple[httpx.Response, str]:
        """One attempt within the budget; returns the response and the token it used."""
        token = await self.tokens.bearer()
        async with self._slots:
            ticket = await self._limiters[category].acquire()
            self.stats.requests += 1
            started = time.monotonic()
            response = await self.http.request(
                method,
                self.base_url + url_path,
                params=params,
                json=json,
                headers={"Authorization": f"Bearer {token}"},
            )
            self._learn_qps(response, category, ticket)
        log.debug(
            "%s %s -> %s in %.0f ms",
            method,
            url_path,
            response.status_code,
            (time.monotonic() - started) * 1000,
        )
        return response, token

    def _learn_qps(self, response: httpx.Response, category: RateCategory, ticket: Ticket) -> None:
        """Pace by Zoom's own figures: the real QPS budget and what is left of it."""
        if response.headers.get("x-ratelimit-type", "").lower() != "qps":
            return
        if response.headers.get("x-ratelimit-category", "") != category.value:
            return
        limiter = self._limiters[category]
        limit = int_header(response, "x-ratelimit-limit")
        per_second = category is not RateCategory.RESOURCE_INTENSIVE
        if per_second and limit and limit != limiter.budget.requests:
            # Zoom's own figure for this account's plan beats our configured guess.
            limiter.set_budget(Budget(limit, 1.0))
        remaining = int_header(response, "x-ratelimit-remaining")
        if remaining is not None:
            limiter.observe(ticket, remaining)

    async def observe_headers(
        self,
        response: httpx.Response,
        host_id: str | None,
        day: date | None,
    ) -> None:
        """Learn a host's daily meeting count from Zoom's rate-limit headers."""
        limit = int_header(response, "x-ratelimit-limit")
        remaining = int_header(response, "x-ratelimit-remaining")
        # Zoom quirk: only the per-host meeting counter has a limit of 100; account daily
        # counters (6,000 and up) say nothing about the host.
        if host_id and day and limit == HOST_DAILY_LIMIT and remaining is not None:
            await self.ledger.observe(host_id, day, limit, remaining)

    def now(self) -> datetime:
        """The current time by the injectable clock."""
        return self._now()

    async def sleep(self, seconds: float) -> None:
        """Wait (injectable for tests)."""
        self.stats.waited += seconds
        await self._sleep(seconds)

    def backoff(self, attempt: int) -> float:
        """The jittered delay before retry number ``attempt``."""
        return self.retry.backoff(attempt, self._rng)


@dataclass
class TransportStats:
    """Counters for benchmarks and diagnostics."""

    requests: int = 0
    unauthorized: int = 0
    retries: int = 0
    rate_limited: int = 0
    waited: float = 0.0


@dataclass(frozen=True)
class _Spec:
    method: str
    template: str
    url_path: str
    params: dict[str, Any] | None
    json: Any
    quota_host: str | None
    day: date | None


class _Call:
    """The retry loop of one request."""

    def __init__(self, transport: Transport, spec: _Spec) -> None:
        self.t = transport
        self.method = spec.method
        self.template = spec.template
        self.url_path = spec.url_path
        self.params = spec.params
        self.json = spec.json
        self.quota_host = spec.quota_host
        self.day = spec.day
        self.category = category_of(spec.method, spec.template)
        self.failures = 0
        self.rate_retries = 0
        self.renewed = False
        self.count_next = True

    @property
    def idempotent(self) -> bool:
        return self.method != "POST"

    async def run(self) -> httpx.Response:
        while True:
            await self._count_quota()
            try:
                response, token = await self.t.send_once(
                    self.method, self.url_path, self.category, self.params, self.json
                )
            except httpx.TransportError as exc:
                await self._on_network_error(exc)
                continue
            await self.t.observe_headers(response, self.quota_host, self.day)
            if response.is_success:
                return response
            await self._on_failure(response, token)

    async def _count_quota(self) -> None:
        if self.quota_host is None or self.day is None or not self.count_next:
            return
        await self.t.count_request(self.quota_host, self.day)
        # The next attempt counts again only if Zoom may have counted this one (a lost
        # answer or a 5xx); a 401 or a per-second 429 was never processed.
        self.count_next = False

    async def _on_network_error(self, exc: httpx.TransportError) -> None:
        what = type(exc).__name__
        self.count_next = True
        # A refused connection never carried the request, so even a create may go again.
        sent = not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
        if sent and not self.idempotent:
            raise OutcomeUnknown(code=None, http_status=None, zoom_message=what) from None
        # The exception's class name is for the log (zoom_message), never for the person.
        await self._retry_or(ZoomUnavailable(zoom_message=what))

    async def _on_failure(self, response: httpx.Response, token: str) -> None:
        status = response.status_code
        if status == 401 and not self.renewed:
            # The token expired or was revoked early: renew once and send again.
            self.renewed = True
            self.t.stats.unauthorized += 1
            self.t.tokens.invalidate(token)
            return
        if status == 429:
            await self._on_429(response)
            return
        if status >= 500:
            self.count_next = True
            if not self.idempotent:
                raise OutcomeUnknown(http_status=status)
            await self._retry_or(error_from_response(response))
            return
        raise error_from_response(response)

    async def _retry_or(self, error: Exception) -> None:
        self.failures += 1
        if self.failures >= self.t.retry.max_attempts:
            raise error
        self.t.stats.retries += 1
        log.info("%s %s failed (%s); retrying", self.method, self.template, type(error).__name__)
        await self.t.sleep(self.t.backoff(self.failures))

    async def _on_429(self, response: httpx.Response) -> None:
        self.t.stats.rate_limited += 1
        wait, moment = parse_retry_after(response.headers.get("retry-after"), self.t.now())
        if _is_daily(response):
            await self._raise_daily(response, moment)
        self.rate_retries += 1
        if self.rate_retries > self.t.retry.max_rate_retries:
            raise RateLimited(http_status=429, code=429, retry_after=wait)
        delay = wait if wait is not None else self.t.backoff(self.rate_retries)
        delay += self.t.backoff(1) / 4  # jitter, so a burst of waiters does not return at once
        self.t.limiter(self.category).pause(delay)
        self.t.stats.retries += 1
        await self.t.sleep(delay)

    async def _raise_daily(self, response: httpx.Response, moment: datetime | None) -> None:
        message = str(json_object(response).get("message", ""))
        day = self.day or self.t.today()
        resets_at = moment or next_utc_midnight(day)
        host: str | None = None
        if self.quota_host is not None and _is_per_host(response, message):
            host = self.quota_host
            await self.t.ledger.mark_exhausted(host, day)
        raise DailyQuotaExceeded(host, resets_at, code=429, http_status=429, zoom_message=message)


def _is_per_host(response: httpx.Response, message: str) -> bool:
    lowered = message.lower()
    if "particular user" in lowered or "single user" in lowered:
        return True
    return int_header(response, "x-ratelimit-limit") == HOST_DAILY_LIMIT


def _is_daily(response: httpx.Response) -> bool:
    if response.headers.get("x-ratelimit-type", "").lower() == "daily-limit":
        return True
    return "daily" in str(json_object(response).get("message", "")).lower()
