"""A tiny webhook receiver on 127.0.0.1 for event tests: records requests, answers validation."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from zoomadmin.sandbox.events import url_validation_response


async def eventually(predicate: Callable[[], bool], what: str) -> None:
    """Poll ``predicate`` (state owned by another thread or task) for up to 5 s."""
    try:
        async with asyncio.timeout(5):
            while not predicate():  # noqa: ASYNC110 - the state has no event to await
                await asyncio.sleep(0.01)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


@dataclass
class Received:
    """One request the receiver got."""

    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, object]:
        value = json.loads(self.body)
        assert isinstance(value, dict)
        return value


@dataclass
class WebhookReceiver:
    """HTTP/1.1 server answering ``status_for(event)``; validation answered with ``secret``."""

    secret: str
    status_for: Callable[[str], int] = lambda _event: 200
    validate: bool = True
    requests: list[Received] = field(default_factory=list)
    _server: asyncio.Server | None = None
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/zoom/events"

    async def __aenter__(self) -> WebhookReceiver:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    def events(self, name: str | None = None) -> list[Received]:
        """Requests other than URL validation (optionally only event ``name``)."""
        found = [r for r in self.requests if r.json()["event"] != "endpoint.url_validation"]
        return [r for r in found if name is None or r.json()["event"] == name]

    async def wait_for(self, count: int, name: str | None = None) -> None:
        """Wait (at most 5 s) until ``count`` events (``name`` if given) have arrived."""
        async with asyncio.timeout(5):
            while len(self.events(name)) < count:
                self._arrived.clear()
                await self._arrived.wait()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")[1:]
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines if line)
                }
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                received = Received(headers, body)
                self.requests.append(received)
                self._arrived.set()
                await self._answer(writer, received)
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def _answer(self, writer: asyncio.StreamWriter, received: Received) -> None:
        message = received.json()
        status, payload = 200, b""
        if message["event"] == "endpoint.url_validation":
            if self.validate:
                plain = message["payload"]["plainToken"]  # type: ignore[index]
                payload = json.dumps(url_validation_response(self.secret, plain)).encode()
            else:
                status = 404
        else:
            status = self.status_for(str(message["event"]))
        head = (
            f"HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n"
            f"content-length: {len(payload)}\r\n\r\n"
        )
        writer.write(head.encode("ascii") + payload)
        await writer.drain()
