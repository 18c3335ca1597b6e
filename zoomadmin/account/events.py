"""The event stream of an open account: its WebSocket subscription when it has one, and polling."""

from __future__ import annotations

import logging

from zoomadmin.core.clock import Clock
from zoomadmin.services.connection import ActiveAccount
from zoomadmin.zoom.events.poller import Poller
from zoomadmin.zoom.events.source import EventSource
from zoomadmin.zoom.events.stream import EventStream
from zoomadmin.zoom.events.websocket import WebSocketEventSource

log = logging.getLogger(__name__)

POLL_INTERVAL = 60.0
"""Seconds between the poller's reconciliations (live meetings) on any account."""


def event_stream(account: ActiveAccount, clock: Clock) -> tuple[EventStream, Poller]:
    """The account's events (and its poller).

    The sandbox always streams (its SandboxInfo names the subscription); a real account
    streams when its profile has a WebSocket address and subscription id, else it is
    reconciled by polling only.
    """
    ws_url, subscription, account_id = "", "", ""
    if account.sandbox is not None:
        ws_url, subscription = account.sandbox.ws_url, account.sandbox.subscription_id
        account_id = account.sandbox.account_id
    elif account.profile is not None:
        ws_url = account.profile.ws_url or ""
        subscription = account.profile.ws_subscription_id or ""
        account_id = account.profile.account_id
    client = account.client
    sources: list[EventSource] = []
    if ws_url and subscription:
        sources.append(WebSocketEventSource(ws_url, subscription, client.tokens))
    elif ws_url:
        log.warning("The account has a WebSocket address but no subscription id: polling only")
    poller = Poller(client, POLL_INTERVAL, account_id=account_id, now=clock.now)
    return EventStream(sources, poller), poller
