"""The WebSocket event stream: one connection per subscription, heartbeats, no replay."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from zoomadmin.sandbox.clock import SandboxClock
from zoomadmin.sandbox.state import SandboxState

#: Close codes: a bad or expired token (Zoom's), an unknown subscription, a newer connection.
CLOSE_BAD_TOKEN = 4001
CLOSE_UNKNOWN_SUBSCRIPTION = 4004
CLOSE_REPLACED = 4000
CLOSE_DROPPED = 1001


@dataclass(slots=True)
class _Connection:
    websocket: WebSocket
    loop: asyncio.AbstractEventLoop
    outbox: asyncio.Queue[str | int] = field(default_factory=asyncio.Queue)

    def push(self, item: str | int) -> None:
        """Queue a message (str) or a close code (int) from any thread."""
        with contextlib.suppress(RuntimeError):  # the loop is closing: nothing to deliver
            self.loop.call_soon_threadsafe(self.outbox.put_nowait, item)


class EventStream:
    """Open WebSocket connections by subscription id; events reach only open connections."""

    def __init__(self, state: SandboxState, clock: SandboxClock) -> None:
        """Serve subscriptions of ``state``, checking tokens against ``clock``."""
        self.state = state
        self.clock = clock
        self._lock = threading.Lock()
        self._connections: dict[str, _Connection] = {}

    def send(self, subscription_id: str, event_json: str) -> bool:
        """Push an event to the subscription's open connection; False when none is open."""
        with self._lock:
            connection = self._connections.get(subscription_id)
        if connection is None:
            return False
        connection.push(json.dumps({"module": "message", "content": event_json}))
        return True

    def connected(self) -> list[str]:
        """Subscription ids with an open connection."""
        with self._lock:
            return list(self._connections)

    def drop_all(self) -> None:
        """Close every open connection (clients are expected to reconnect)."""
        with self._lock:
            connections = list(self._connections.values())
        for connection in connections:
            connection.push(CLOSE_DROPPED)

    def _token_ok(self, value: str, now: datetime) -> bool:
        token = self.state.tokens.get(value)
        return token is not None and token.kind == "access" and token.expires_at > now

    def _known(self, subscription_id: str) -> bool:
        if subscription_id == self.state.account.subscription_id:
            return True
        sub = self.state.webhook_subscriptions.get(subscription_id)
        return sub is not None and not sub.url

    async def endpoint(self, websocket: WebSocket) -> None:
        """Serve ``/ws?subscriptionId=&access_token=`` until either side closes."""
        await websocket.accept()
        subscription_id = websocket.query_params.get("subscriptionId", "")
        if not self._token_ok(websocket.query_params.get("access_token", ""), self.clock.now()):
            await websocket.close(code=CLOSE_BAD_TOKEN, reason="Invalid access token.")
            return
        if not self._known(subscription_id):
            await websocket.close(code=CLOSE_UNKNOWN_SUBSCRIPTION, reason="Unknown subscription.")
            return
        connection = _Connection(websocket, asyncio.get_running_loop())
        with self._lock:
            previous = self._connections.get(subscription_id)
            self._connections[subscription_id] = connection
        if previous is not None:
            previous.push(CLOSE_REPLACED)
        try:
            await self._serve(connection)
        finally:
            with self._lock:
                if self._connections.get(subscription_id) is connection:
                    del self._connections[subscription_id]

    async def _serve(self, connection: _Connection) -> None:
        reader = asyncio.create_task(self._read(connection))
        writer = asyncio.create_task(self._write(connection))
        done, pending = await asyncio.wait({reader, writer}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
                await task
        websocket = connection.websocket
        if websocket.application_state == WebSocketState.CONNECTED:
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                await websocket.close()
        for task in done:
            with contextlib.suppress(WebSocketDisconnect, RuntimeError):
                task.result()

    async def _read(self, connection: _Connection) -> None:
        """Answer heartbeats; ignore anything else (Zoom sends nothing back for it)."""
        while True:
            text = await connection.websocket.receive_text()
            try:
                message: Any = json.loads(text)
            except ValueError:
                continue
            if isinstance(message, dict) and message.get("module") == "heartbeat":
                connection.push(json.dumps({"module": "heartbeat", "success": True}))

    async def _write(self, connection: _Connection) -> None:
        while True:
            item = await connection.outbox.get()
            if isinstance(item, int):
                await connection.websocket.close(code=item)
                return
            await connection.websocket.send_text(item)
