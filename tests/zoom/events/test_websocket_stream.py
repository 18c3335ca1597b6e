"""The WebSocket source and the EventStream over loopback: events as the sandbox clock moves,
a dropped connection that reconnects while the poller fills the gap, refused tokens, and an
unknown subscription."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from tests.zoom.conftest import credentials_of
from tests.zoom.events.events_support import advance, eventually, schedule
from zoomadmin.sandbox import SandboxServer
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.events.model import Event, EventKind
from zoomadmin.zoom.events.poller import Poller
from zoomadmin.zoom.events.source import SourceState
from zoomadmin.zoom.events.stream import EventStream, StreamStatus
from zoomadmin.zoom.events.websocket import Backoff, WebSocketEventSource

#: Quick heartbeats and reconnects; the logic is the same as with Zoom's 30 s.
FAST = Backoff(initial=0.3, maximum=0.5)


@dataclass
class Running:
    stream: EventStream
    source: WebSocketEventSource
    got: list[Event] = field(default_factory=list)
    states: list[str] = field(default_factory=list)

    def texts(self) -> list[str]:
        """The status texts shown, repeats folded (a source's detail may change meanwhile)."""
        return [t for i, t in enumerate(self.states) if i == 0 or self.states[i - 1] != t]

    def kinds(self) -> list[tuple[EventKind, str]]:
        return [(e.kind, e.source) for e in self.got]


def ws_source(
    sandbox: SandboxServer, zoom: ZoomClient, subscription: str = ""
) -> WebSocketEventSource:
    info = sandbox.info
    return WebSocketEventSource(
        info.ws_url,
        subscription or info.subscription_id,
        zoom.tokens,
        heartbeat_interval=0.2,
        backoff=FAST,
    )


@asynccontextmanager
async def running(
    source: WebSocketEventSource, poller: Poller | None = None
) -> AsyncIterator[Running]:
    stream = EventStream([source], poller)
    run = Running(stream, source)

    async def collect(event: Event) -> None:
        run.got.append(event)

    def on_status(status: StreamStatus) -> None:
        run.states.append(status.text)

    stream.subscribe(collect)
    stream.add_status_listener(on_status)
    task = asyncio.create_task(stream.run())
    try:
        yield run
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert source.status.state in (SourceState.STOPPED, SourceState.FAILED)


async def test_stream_delivers_meeting_started_and_ended(
    sandbox: SandboxServer, zoom: ZoomClient
) -> None:
    async with running(ws_source(sandbox, zoom)) as run:
        await eventually(lambda: run.stream.status.text == "connected", "the connection")
        assert run.stream.status.pushed
        meeting_id = await schedule(sandbox, zoom, 5)
        advance(sandbox, 5)
        await eventually(lambda: len(run.got) == 1, "meeting.started")
        advance(sandbox, 40)
        await eventually(lambda: len(run.got) >= 2, "meeting.ended")
        await asyncio.sleep(0.5)  # two heartbeat rounds: the connection stays up
    started, ended = run.got[:2]
    assert run.kinds()[:2] == [
        (EventKind.MEETING_STARTED, "websocket"),
        (EventKind.MEETING_ENDED, "websocket"),
    ]
    assert started.meeting_id == ended.meeting_id == meeting_id
    assert started.meeting_uuid == ended.meeting_uuid
    assert ended.end_time is not None and ended.start_time is not None
    assert run.source.connections == 1
    assert run.texts() == ["connected", "stopped"]


async def _drop(sandbox: SandboxServer) -> None:
    async with httpx.AsyncClient(trust_env=False) as client:
        (await client.post(sandbox.info.admin_url + "/ws/drop")).raise_for_status()


async def test_dropped_connection_reconnects_and_the_poller_fills_the_gap(
    sandbox: SandboxServer, zoom: ZoomClient
) -> None:
    # The poller's own schedule never comes round: only the reconnect makes it look.
    poller = Poller(zoom, interval=3600, account_id=sandbox.info.account_id)
    async with running(ws_source(sandbox, zoom), poller) as run:
        await eventually(lambda: run.source.connections == 1, "the connection")
        await schedule(sandbox, zoom, 5)
        advance(sandbox, 5)
        await eventually(lambda: len(run.got) == 1, "meeting.started")
        await _drop(sandbox)
        await eventually(lambda: run.stream.status.text.startswith("reconnecting in"), "the drop")
        await eventually(
            lambda: not sandbox.sandbox.bus.stream.connected(), "the server side closed"
        )
        advance(sandbox, 40)  # the meeting ends while nobody listens: Zoom does not replay it
        await eventually(lambda: len(run.got) == 2, "meeting.ended from the poller")
        assert run.source.connections == 2
        await asyncio.sleep(0.3)  # nothing else turns up (no second copy from anywhere)
    assert [kind for kind, _ in run.kinds()] == [EventKind.MEETING_STARTED, EventKind.MEETING_ENDED]
    ended = run.got[1]
    assert ended.source == "poller"
    assert ended.meeting_uuid == run.got[0].meeting_uuid
    assert ended.end_time is not None and ended.end_time > run.got[0].event_ts
    assert run.texts() == [
        "polling only",
        "connected",
        "reconnecting in 1 s",
        "connected",
        "stopped",
    ]
    assert poller.live_uuids == frozenset()


async def test_refused_token_is_renewed_and_never_logged(
    sandbox: SandboxServer, zoom: ZoomClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    stale = await zoom.tokens.bearer()
    sandbox.sandbox.state.tokens.pop(stale)  # Zoom no longer knows it: the stream says 4001
    async with running(ws_source(sandbox, zoom)) as run:
        await eventually(lambda: run.stream.status.text == "connected", "the second connection")
        fresh = await zoom.tokens.bearer()
    assert fresh != stale
    assert zoom.tokens.renewals == 2
    assert (
        run.states[:2] == ["starting", "reconnecting in 1 s"] or "reconnecting in 1 s" in run.states
    )
    text = caplog.text + "".join(repr(r.args) for r in caplog.records)
    assert stale not in text and fresh not in text
    assert "access_token=***" in caplog.text


async def test_unknown_subscription_is_a_clear_failure_and_polling_goes_on(
    sandbox: SandboxServer, zoom: ZoomClient
) -> None:
    poller = Poller(zoom, interval=3600)
    async with running(
        ws_source(sandbox, zoom, subscription="no-such-subscription"), poller
    ) as run:
        await eventually(lambda: run.source.status.state is SourceState.FAILED, "the failure")
        status = run.stream.status
        assert status.text == "polling only" and not status.pushed
        assert "does not know this event subscription" in status.detail
        assert run.source.connections == 0


async def test_wrong_credentials_fail_with_the_sign_in_message(sandbox: SandboxServer) -> None:
    async with ZoomClient(credentials_of(sandbox, secret="wrong")) as bad:
        source = ws_source(sandbox, bad)
        async with running(source) as run:
            await eventually(lambda: source.status.state is SourceState.FAILED, "the failure")
            assert run.stream.status.text == "failed"
            assert "client secret" in run.stream.status.detail
            assert source.connections == 0


async def test_a_silent_connection_is_closed_and_opened_again(zoom: ZoomClient) -> None:
    # A server that takes heartbeats but never answers, like a half-dead connection.
    heard: list[str] = []
    connections: list[int] = []

    async def silent(ws: ServerConnection) -> None:
        connections.append(1)
        with contextlib.suppress(ConnectionClosed):
            async for message in ws:
                heard.append(str(message))

    async with serve(silent, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        source = WebSocketEventSource(
            f"ws://127.0.0.1:{port}/ws", "sub", zoom.tokens, heartbeat_interval=0.1, backoff=FAST
        )
        details: list[str] = []
        source.add_status_listener(lambda status: details.append(status.detail))
        async with running(source) as run:
            await eventually(lambda: len(connections) >= 2, "a second connection")
    assert heard and all(json.loads(m) == {"module": "heartbeat"} for m in heard)
    assert source.connections == 0  # never heard a word: never shown as connected
    assert "reconnecting in 1 s" in run.texts()
    assert "Zoom stopped answering heartbeats" in details


async def test_connection_is_renewed_before_its_token_expires(
    sandbox: SandboxServer, zoom: ZoomClient, admin: Callable[..., dict[str, Any]]
) -> None:
    # A 2 s token is due for renewal after 1.5 s; Zoom's hour works the same way.
    admin("PATCH", "/config", json={"token_lifetime_seconds": 2})
    poller = Poller(zoom, interval=3600, account_id=sandbox.info.account_id)
    async with running(ws_source(sandbox, zoom), poller) as run:
        await eventually(lambda: run.source.connections == 1, "the connection")
        first = await zoom.tokens.bearer()
        polls = poller.polls
        await eventually(lambda: run.source.connections == 2, "the renewed connection")
        second = await zoom.tokens.bearer()
        await eventually(lambda: poller.polls > polls, "the poller's catch-up")
        await schedule(sandbox, zoom, 5)
        advance(sandbox, 5)
        await eventually(lambda: len(run.got) == 1, "meeting.started")
    assert second != first
    assert run.got[0].source == "websocket"
    assert run.texts()[1:4] == ["connected", "reconnecting", "connected"]
    assert all(not text.startswith("reconnecting in") for text in run.texts())
