"""The webhook receiver served over HTTP (ASGI), and as an event source for ``EventStream``."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from zoomadmin.zoom.events.model import Event
from zoomadmin.zoom.events.source import EventSink, SourceState, StatusNotifier
from zoomadmin.zoom.events.webhook import WebhookReceiver, WebhookResponse

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]


async def _answer(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(payload))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it grows past ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def webhook_asgi_app(receiver: WebhookReceiver, queue: asyncio.Queue[Event]) -> AsgiApp:
    """An ASGI app that answers every POST at once and puts new events on ``queue``.

    Nothing is processed inline: Zoom gives up after 3 s and retries, so the app only checks
    the request (``receiver.handle``) and queues the event. Missing or malformed signature
    headers are refused (401) before the body is read. A body larger than
    ``receiver.max_body`` is refused with 413 from its Content-Length, or as soon as the
    bytes read pass the limit. A full queue answers 503 so that Zoom retries later.
    """

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if scope["method"] != "POST":
            await _answer(send, 405, {"error": "only POST"})
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refused = receiver.refuse_headers(headers)
        if refused is not None:  # malformed signature headers: 401 before the body is read
            await _answer(send, refused.status, refused.json_body)
            return
        declared = _declared_length(scope)
        body: bytes | None = None
        if declared is None or declared <= receiver.max_body:
            body = await _read_body(receive, receiver.max_body)
        if body is None:
            log.warning("Refused a webhook request: request body too large")
            await _answer(send, 413, {"error": "request body too large"})
            return
        if queue.full():
            # Refused before the receiver remembers the request or its event: Zoom's retry
            # must not then be taken for a replay or a duplicate and dropped.
            await _answer(send, 503, {"error": "busy, retry later"})
            return
        response: WebhookResponse = receiver.handle(headers, body)
        if response.event is not None:
            queue.put_nowait(response.event)  # room checked above; nothing awaited since
        await _answer(send, response.status, response.json_body)

    return app


class WebhookEventSource(StatusNotifier):
    """The receiver as an :class:`EventSource`: ``app`` for the HTTP server, ``run`` drains it.

    The HTTP server itself (uvicorn behind a TLS proxy, in a server deployment) is started by
    whoever wires the app; this source is CONNECTED while ``run`` is draining.
    """

    def __init__(self, receiver: WebhookReceiver, *, max_queued: int = 10_000) -> None:
        """Serve ``receiver``; at most ``max_queued`` events wait before requests get 503."""
        super().__init__("webhook")
        self.queue: asyncio.Queue[Event] = asyncio.Queue(max_queued)
        self.app = webhook_asgi_app(receiver, self.queue)

    async def run(self, sink: EventSink) -> None:
        """Hand queued events to ``sink`` until cancelled."""
        self._set_status(SourceState.CONNECTED)
        try:
            while True:
                event = await self.queue.get()
                await sink(event)
        finally:
            self._set_status(SourceState.STOPPED)
