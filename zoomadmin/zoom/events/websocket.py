"""Zoom's WebSocket event subscription: outbound, heartbeats, reconnects with a fresh token."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

from zoomadmin.zoom.errors import AuthenticationFailed, ZoomError, scrub
from zoomadmin.zoom.events.model import MalformedEventError, decode_envelope, parse_event
from zoomadmin.zoom.events.source import EventSink, SourceState, StatusNotifier

log = logging.getLogger(__name__)

#: Close codes Zoom (and the sandbox) use on the event stream.
CLOSE_BAD_TOKEN = 4001
CLOSE_UNKNOWN_SUBSCRIPTION = 4004
CLOSE_REPLACED = 4000
#: Close code of our own close before the token expires (a normal closure).
CLOSE_RENEWAL = 1000
#: A connection is kept at least this long, however soon its token is due for renewal.
MIN_CONNECTION_SECONDS = 1.0


class _ScrubFilter(logging.Filter):
    """The websockets library logs the request line, which carries the token: scrub it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = scrub(record.getMessage()), ()
        return True


# The library's own log gets its own logger: never below INFO, and scrubbed all the same.
_wire_log = logging.getLogger(__name__ + ".wire")
_wire_log.setLevel(logging.INFO)
_wire_log.addFilter(_ScrubFilter())


class BearerSource(Protocol):
    """What the source needs of :class:`~zoomadmin.zoom.auth.TokenProvider`."""

    async def bearer(self) -> str:
        """A valid access token."""
        ...

    def invalidate(self, value: str | None = None) -> None:
        """Forget a token Zoom refused."""
        ...

    def renew_in(self) -> float | None:
        """Seconds until the current token is due for renewal."""
        ...


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with jitter: attempt n waits between half and all of the base."""

    initial: float = 1.0
    maximum: float = 60.0
    factor: float = 2.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait before try ``attempt`` (0-based) after a failure."""
        base = min(self.maximum, self.initial * self.factor ** min(attempt, 32))
        return base * (0.5 + rng.random() / 2)


@dataclass
class _Outcome:
    """How one connection ended: a close code and whether it ever worked."""

    code: int | None = None
    detail: str = ""
    worked: bool = False
    terminal: bool = False
    renewal: bool = False


class WebSocketEventSource(StatusNotifier):
    """Events from Zoom's WebSocket event subscription (works from a desktop: outbound only).

    Sends ``{"module":"heartbeat"}`` every ``heartbeat_interval`` seconds (and once at once,
    which confirms the connection); a connection silent for two intervals is closed and
    opened again. Every (re)connect asks ``tokens`` for a token, so a renewed one is used;
    shortly before that token is due for renewal (60 s before Zoom's one-hour expiry) the
    connection is closed and opened again at once with a fresh token.
    The token travels in the URL as Zoom requires; logs and errors only show it as ``***``.
    Close code 4001 (token refused) renews the token and retries; twice in a row, or 4004
    (unknown subscription) or 4000 (another connection took the subscription over), ends
    ``run`` in FAILED state with words for the user.
    """

    def __init__(
        self,
        ws_url: str,
        subscription_id: str,
        token_provider: BearerSource,
        *,
        heartbeat_interval: float = 30.0,
        backoff: Backoff | None = None,
        open_timeout: float = 10.0,
        rng: random.Random | None = None,
    ) -> None:
        """Stream ``subscription_id`` from ``ws_url`` (``wss://ws.zoom.us/ws`` for Zoom)."""
        super().__init__("websocket")
        self._ws_url = ws_url
        self._subscription_id = subscription_id
        self._tokens = token_provider
        self._heartbeat_interval = heartbeat_interval
        self._backoff = backoff or Backoff()
        self._open_timeout = open_timeout
        self._rng = rng or random.Random()
        self._last_heard = 0.0  # loop time of the last message received
        self._silent = False  # this connection was closed for not answering heartbeats
        self._renewing = False  # this connection was closed because its token is due
        self.connections = 0  # successful connections so far (for the status bar and tests)

    def __repr__(self) -> str:
        return f"WebSocketEventSource({self.redacted_url!r})"

    @property
    def redacted_url(self) -> str:
        """The stream URL as it may be logged or shown."""
        query = urlencode({"subscriptionId": self._subscription_id})
        return f"{self._ws_url}?{query}&access_token=***"

    async def run(self, sink: EventSink) -> None:
        """Connect, deliver, reconnect after a drop; returns only in FAILED state."""
        attempt, refused = 0, 0
        try:
            while True:
                outcome = await self._connect_once(sink)
                if outcome.worked:
                    attempt, refused = 0, 0
                if outcome.code == CLOSE_BAD_TOKEN:
                    refused += 1
                    outcome.terminal = refused >= 2
                if outcome.terminal:
                    log.error("Event stream stopped: %s", outcome.detail)
                    self._set_status(SourceState.FAILED, detail=outcome.detail)
                    return
                if outcome.renewal:
                    # No backoff; the status change makes the poller catch up on the gap.
                    log.info("Event stream: reconnecting with a renewed access token")
                    self._set_status(SourceState.RECONNECTING, retry_in=0.0, detail=outcome.detail)
                    continue
                delay = self._backoff.delay(attempt, self._rng)
                attempt += 1
                log.info("Event stream: %s; reconnecting in %.1f s", outcome.detail, delay)
                self._set_status(SourceState.RECONNECTING, retry_in=delay, detail=outcome.detail)
                await asyncio.sleep(delay)
        finally:
            if self.status.state is not SourceState.FAILED:
                self._set_status(SourceState.STOPPED)

    async def _connect_once(self, sink: EventSink) -> _Outcome:
        try:
            token = await self._tokens.bearer()
        except AuthenticationFailed as exc:
            return _Outcome(detail=exc.user_message, terminal=True)
        except ZoomError as exc:
            return _Outcome(detail=exc.user_message)
        renew_in = self._tokens.renew_in()
        query = urlencode({"subscriptionId": self._subscription_id, "access_token": token})
        try:
            async with connect(
                f"{self._ws_url}?{query}",
                open_timeout=self._open_timeout,
                ping_interval=None,  # Zoom wants its own heartbeat message instead
                close_timeout=2,
                logger=_wire_log,
            ) as ws:
                outcome = await self._serve(ws, sink, renew_in)
        except InvalidStatus as exc:
            return _Outcome(detail=f"Zoom refused the connection (HTTP {exc.response.status_code})")
        except (OSError, TimeoutError, WebSocketException) as exc:
            # Never the exception's text: some carry the URL, and the URL carries the token.
            return _Outcome(detail=f"could not connect ({type(exc).__name__})")
        if outcome.code == CLOSE_BAD_TOKEN:
            self._tokens.invalidate(token)
        return outcome

    async def _serve(
        self, ws: ClientConnection, sink: EventSink, renew_in: float | None
    ) -> _Outcome:
        outcome = _Outcome()
        self._last_heard = asyncio.get_running_loop().time()
        self._silent = self._renewing = False
        helpers = [asyncio.create_task(self._heartbeat(ws))]
        if renew_in is not None:
            helpers.append(asyncio.create_task(self._close_before_expiry(ws, renew_in)))
        try:
            async for raw in ws:
                if not outcome.worked:
                    outcome.worked = True
                    self.connections += 1
                    log.info("Event stream connected: %s", self.redacted_url)
                    self._set_status(SourceState.CONNECTED)
                await self._on_message(raw, sink)
        except ConnectionClosed:
            pass
        finally:
            for helper in helpers:
                helper.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)
        outcome.code = ws.close_code
        outcome.detail, outcome.terminal = _describe_close(ws.close_code, ws.close_reason)
        if self._silent:
            outcome.detail = "Zoom stopped answering heartbeats"
        elif self._renewing and not outcome.terminal:
            outcome.renewal = True
            outcome.detail = "renewing the access token"
        return outcome

    async def _close_before_expiry(self, ws: ClientConnection, renew_in: float) -> None:
        """Close the connection when its token is due for renewal, so a fresh one is used.

        Zoom quirk: the stream is authorised once, by the token in its URL, and Zoom asks
        clients to reconnect with a fresh token before that token's one-hour expiry. The
        short gap is covered by the poller, which catches up on every reconnect.
        """
        await asyncio.sleep(max(renew_in, MIN_CONNECTION_SECONDS))
        self._renewing = True
        with contextlib.suppress(ConnectionClosed):
            await ws.close(code=CLOSE_RENEWAL, reason="access token renewal")

    async def _heartbeat(self, ws: ClientConnection) -> None:
        loop = asyncio.get_running_loop()
        beat = json.dumps({"module": "heartbeat"})
        with contextlib.suppress(ConnectionClosed):
            while True:
                await ws.send(beat)
                sent = loop.time()
                await asyncio.sleep(self._heartbeat_interval)
                if self._last_heard < sent - self._heartbeat_interval:
                    log.warning("Event stream silent for two heartbeats; reconnecting")
                    self._silent = True
                    await ws.close(code=1011, reason="heartbeat timeout")
                    return

    async def _on_message(self, raw: str | bytes, sink: EventSink) -> None:
        self._last_heard = asyncio.get_running_loop().time()
        try:
            message: Any = json.loads(raw)
        except ValueError:
            log.warning("Ignored a stream message that is not JSON")
            return
        if not isinstance(message, dict) or message.get("module") != "message":
            return  # heartbeat answers and anything Zoom adds later
        content = message.get("content")
        try:
            envelope = decode_envelope(content) if isinstance(content, str | bytes) else {}
            event = parse_event(envelope, "websocket")
        except MalformedEventError as exc:
            log.warning("Ignored a malformed event from the stream: %s", exc)
            return
        if event is not None:
            await sink(event)


def _describe_close(code: int | None, reason: str | None) -> tuple[str, bool]:
    """Plain words for a close code, and whether retrying cannot help."""
    if code == CLOSE_BAD_TOKEN:
        return "Zoom refused the access token for the event stream", False
    if code == CLOSE_UNKNOWN_SUBSCRIPTION:
        return (
            "Zoom does not know this event subscription; check the subscription id in "
            "the Zoom app's Event Subscriptions",
            True,
        )
    if code == CLOSE_REPLACED:
        return (
            "another connection took over this event subscription (is zoomadmin running "
            "elsewhere with the same account?)",
            True,
        )
    return f"connection closed ({code or 'no code'}{': ' + reason if reason else ''})", False
