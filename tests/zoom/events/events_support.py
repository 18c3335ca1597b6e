"""Helpers for event tests: an ASGI app served by uvicorn on loopback, meetings, waiting."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

import uvicorn

from zoomadmin.sandbox import SandboxServer
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.events.webhook_app import AsgiApp
from zoomadmin.zoom.models import MeetingRequest


@asynccontextmanager
async def served(app: AsgiApp) -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn on 127.0.0.1 (a free port); yields its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(5):
            while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to await
                await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def eventually(predicate: Callable[[], bool], what: str, seconds: float = 5) -> None:
    """Wait (at most ``seconds``) until ``predicate`` holds."""
    try:
        async with asyncio.timeout(seconds):
            while not predicate():  # noqa: ASYNC110 - the state has no event to await
                await asyncio.sleep(0.01)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


async def schedule(sandbox: SandboxServer, zoom: ZoomClient, minutes_ahead: int) -> int:
    """A 30-minute meeting of the (Licensed) account owner, ``minutes_ahead`` from now."""
    start = sandbox.sandbox.clock.now() + timedelta(minutes=minutes_ahead)
    meeting = await zoom.create_meeting(
        "me", MeetingRequest(topic="Algebra", start_time=start, duration=30)
    )
    return meeting.id


def advance(sandbox: SandboxServer, minutes: float) -> None:
    """Step the sandbox clock; the simulation catches up before this returns."""
    sandbox.sandbox.clock.advance(timedelta(minutes=minutes))
