"""``ZoomClient``: one typed async method per Zoom endpoint zoomadmin uses."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from types import TracebackType

import httpx

from zoomadmin.zoom.auth import TokenProvider, ZoomCredentials
from zoomadmin.zoom.limits import HOST_DAILY_LIMIT, Plan, QuotaLedger, next_utc_midnight
from zoomadmin.zoom.meetings_api import MeetingsApi
from zoomadmin.zoom.models import QuotaStatus
from zoomadmin.zoom.recordings_api import RecordingsApi
from zoomadmin.zoom.transport import Sleep, Transport
from zoomadmin.zoom.users_api import UsersApi
from zoomadmin.zoom.wire import RetryPolicy


class ZoomClient(UsersApi, MeetingsApi, RecordingsApi):
    """The one door to Zoom (Qt-free): ``async with ZoomClient(credentials) as zoom: ...``.

    Every method raises a :class:`~zoomadmin.zoom.errors.ZoomError` subclass with a
    ``user_message`` on failure. ``tokens`` (the shared token provider) and ``request`` (the
    raw authorized request) serve code that needs more than the typed methods.
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
        sleep: Sleep | None = None,
        rng: random.Random | None = None,
    ) -> None:
        extra = {"sleep": sleep} if sleep is not None else {}
        self.transport = Transport(
            credentials,
            http=http,
            plan=plan,
            ledger=ledger,
            max_concurrency=max_concurrency,
            retry=retry,
            now=now,
            rng=rng,
            **extra,
        )
        self._meeting_hosts = {}
        self._account_id = credentials.account_id

    def __repr__(self) -> str:
        return f"ZoomClient(account_id={self._account_id!r})"

    @property
    def tokens(self) -> TokenProvider:
        """The shared access-token provider (for the WebSocket event stream, say)."""
        return self.transport.tokens

    async def __aenter__(self) -> ZoomClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP connections this client opened."""
        await self.transport.aclose()

    def quota(self, host_id: str) -> QuotaStatus:
        """How much of ``host_id``'s daily meeting create/update quota is used today."""
        day = self.transport.today()
        return QuotaStatus(
            host_id=host_id,
            used=min(HOST_DAILY_LIMIT, self.transport.ledger.used(host_id, day)),
            limit=HOST_DAILY_LIMIT,
            resets_at=next_utc_midnight(day),
        )
