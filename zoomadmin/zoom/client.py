"""``ZoomClient``: one typed async method per Zoom endpoint zoomadmin uses."""

from __future__ import annotations

from types import TracebackType
from typing import Unpack

from zoomadmin.core.enums import HOST_DAILY_LIMIT
from zoomadmin.zoom.auth import TokenProvider, ZoomCredentials
from zoomadmin.zoom.groups_api import GroupsApi
from zoomadmin.zoom.limits import next_utc_midnight
from zoomadmin.zoom.meetings_api import MeetingsApi
from zoomadmin.zoom.models import QuotaStatus
from zoomadmin.zoom.recordings_api import RecordingsApi
from zoomadmin.zoom.transport import Transport, TransportOptions
from zoomadmin.zoom.users_api import UsersApi


class ZoomClient(UsersApi, MeetingsApi, RecordingsApi, GroupsApi):
    """The one door to Zoom (Qt-free): ``async with ZoomClient(credentials) as zoom: ...``.

    Every method raises a :class:`~zoomadmin.zoom.errors.ZoomError` subclass with a
    ``user_message`` on failure. ``tokens`` (the shared token provider) and ``request`` (the
    raw authorized request) serve code that needs more than the typed methods.
    """

    def __init__(self, credentials: ZoomCredentials, **options: Unpack[TransportOptions]) -> None:
        """A client for ``credentials``; ``options`` go to the :class:`Transport`."""
        self.transport = Transport(credentials, **options)
        self._meeting_hosts = {}
        self._account_id = credentials.account_id

    def __repr__(self) -> str:
        return f"ZoomClient(account_id={self._account_id!r})"

    @property
    def account_id(self) -> str:
        """The Zoom account this client works on."""
        return self._account_id

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

    async def quota(self, host_id: str) -> QuotaStatus:
        """How much of ``host_id``'s daily meeting create/update quota is used today."""
        day = self.transport.today()
        used = await self.transport.ledger.used(host_id, day)
        return QuotaStatus(
            host_id=host_id,
            used=min(HOST_DAILY_LIMIT, used),
            limit=HOST_DAILY_LIMIT,
            resets_at=next_utc_midnight(day),
        )
