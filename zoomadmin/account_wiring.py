"""Composition for one open account (used by app.py): its event stream and its first open."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from zoomadmin.services.connection import ActiveAccount, AppClock
    from zoomadmin.services.first_open import FirstOpen
    from zoomadmin.services.tenants import TenantDraft
    from zoomadmin.zoom.events.poller import Poller
    from zoomadmin.zoom.events.stream import EventStream, StreamStatus

log = logging.getLogger(__name__)

POLL_INTERVAL = 60.0
"""Seconds between the poller's reconciliations (live meetings) on any account."""


def event_stream(account: ActiveAccount, clock: AppClock) -> tuple[EventStream, Poller]:
    """The account's events (and its poller): the WebSocket subscription when there is one,
    and the poller.

    The sandbox always streams (its SandboxInfo names the subscription); a real account
    streams when its profile has a WebSocket address and subscription id, else it is
    reconciled by polling only.
    """
    from zoomadmin.zoom.events.poller import Poller
    from zoomadmin.zoom.events.stream import EventStream
    from zoomadmin.zoom.events.websocket import WebSocketEventSource

    ws_url, subscription, account_id = "", "", ""
    if account.sandbox is not None:
        ws_url, subscription = account.sandbox.ws_url, account.sandbox.subscription_id
        account_id = account.sandbox.account_id
    elif account.profile is not None:
        ws_url = account.profile.ws_url or ""
        subscription = account.profile.ws_subscription_id or ""
        account_id = account.profile.account_id
    client = account.client
    sources = [WebSocketEventSource(ws_url, subscription, client.tokens)] if ws_url else []
    if ws_url and not subscription:
        sources = []
        log.warning("The account has a WebSocket address but no subscription id: polling only")
    poller = Poller(client, POLL_INTERVAL, account_id=account_id, now=clock.now)
    return EventStream(sources, poller), poller


class RunningEvents:
    """One account's event stream running as a task; :meth:`stop` before the client closes."""

    def __init__(
        self, stream: EventStream, poller: Poller, on_status: Callable[[StreamStatus], None]
    ) -> None:
        self.stream = stream
        self.poller = poller
        stream.add_status_listener(on_status)
        on_status(stream.status)
        self._task: asyncio.Task[None] = asyncio.ensure_future(stream.run())
        self._task.add_done_callback(_log_end)

    async def stop(self) -> None:
        """Cancel every source and wait until they have closed their connections."""
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


def _log_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("The event stream stopped", exc_info=task.exception())


def first_open(
    account: ActiveAccount,
    engine: Engine,
    clock: AppClock,
    actor: str,
    demo_tenants: Sequence[TenantDraft],
) -> FirstOpen:
    """What runs when an account opens: the demo set-up on the sandbox, else a first sync.

    The demo's changes are audited as :data:`~zoomadmin.services.first_open.DEMO_ACTOR`;
    ``demo_tenants`` is ignored on a real account.
    """
    from zoomadmin.services.first_open import DEMO_ACTOR, FirstOpen
    from zoomadmin.services.hosts import HostService
    from zoomadmin.services.sync import SyncService
    from zoomadmin.services.tenants import TenantService
    from zoomadmin.store.repositories import Store

    demo = list(demo_tenants) if account.is_sandbox else []
    who = DEMO_ACTOR if demo else actor
    store, zoom, now = Store.over(engine), account.client, clock.now
    return FirstOpen(
        store,
        tenants=TenantService(store, now=now, actor=who),
        hosts=HostService(store, zoom, now=now, actor=who),
        sync=SyncService(store, zoom, now=now, actor=who),
        demo_tenants=demo,
    )
