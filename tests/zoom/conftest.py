"""Fixtures for client tests: a ZoomClient on the sandbox, admin calls, bulk users."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

import httpx
import pytest

from zoomadmin.sandbox import SandboxServer
from zoomadmin.sandbox.state import User
from zoomadmin.zoom.auth import ZoomCredentials
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.limits import MemoryQuotaLedger
from zoomadmin.zoom.wire import RetryPolicy

#: A meeting-instance UUID that starts with "/" and holds "//": it must be double-encoded.
SLASHY = "/Ab//cdEfGhIjKlMnOpQr+=="

#: Short waits so retry tests stay fast; the logic is the same as in production.
FAST_RETRY = RetryPolicy(max_attempts=6, max_rate_retries=10, base_delay=0.01, max_delay=0.2)


def credentials_of(server: SandboxServer, *, secret: str | None = None) -> ZoomCredentials:
    """Credentials of the sandbox account (optionally with another secret)."""
    info = server.info
    return ZoomCredentials(
        account_id=info.account_id,
        client_id=info.client_id,
        client_secret=secret if secret is not None else info.client_secret,
        api_url=info.api_url,
        oauth_url=info.oauth_url,
    )


def client_for(server: SandboxServer, **kwargs: Any) -> ZoomClient:
    """A client on the sandbox whose clock is the sandbox clock (for UTC days)."""
    kwargs.setdefault("retry", FAST_RETRY)
    kwargs.setdefault("now", server.sandbox.clock.now)
    kwargs.setdefault("ledger", MemoryQuotaLedger())
    return ZoomClient(credentials_of(server), **kwargs)


@pytest.fixture
async def zoom(sandbox: SandboxServer) -> AsyncIterator[ZoomClient]:
    """A client on the empty sandbox."""
    async with client_for(sandbox) as client:
        yield client


@pytest.fixture
def admin(sandbox: SandboxServer) -> Callable[..., dict[str, Any]]:
    """Call the sandbox's admin API: ``admin("PUT", "/faults", json={...})``."""

    def call(method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = httpx.request(method, sandbox.info.admin_url + path, timeout=10, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else {}

    return call


def add_users(server: SandboxServer, count: int, *, prefix: str = "host") -> list[str]:
    """Put ``count`` Basic users straight into the sandbox state; returns their ids."""
    state = server.sandbox.state
    rng = random.Random(count)
    now: datetime = server.sandbox.clock.now()
    ids = []
    for n in range(count):
        user_id = state.new_user_id(rng)
        state.add_user(
            User(
                id=user_id,
                email=f"{prefix}+{n}@school.example.org",
                first_name="Host",
                last_name=str(n),
                type=1,
                status="active",
                created_at=now,
                pmi=rng.randrange(1_000_000_000, 9_999_999_999),
            )
        )
        ids.append(user_id)
    return ids


def add_meetings(server: SandboxServer, host_id: str, count: int) -> list[int]:
    """Put ``count`` scheduled meetings of ``host_id`` straight into the sandbox state."""
    from datetime import timedelta

    from zoomadmin.sandbox.state import Meeting

    state = server.sandbox.state
    rng = random.Random(f"{host_id}-{count}")
    now: datetime = server.sandbox.clock.now()
    ids = []
    for n in range(count):
        meeting_id = state.new_meeting_id(rng)
        state.add_meeting(
            Meeting(
                id=meeting_id,
                uuid=state.new_uuid(rng),
                host_id=host_id,
                topic=f"Session {n}",
                type=2,
                start_time=now + timedelta(days=1, hours=n % 48),
                duration=45,
                timezone="UTC",
                created_at=now,
            )
        )
        ids.append(meeting_id)
    return ids


def add_recording(
    server: SandboxServer,
    host_id: str,
    start: datetime,
    *,
    uuid: str | None = None,
    minutes: int = 2,
) -> str:
    """Put a completed cloud recording (an MP4 and a transcript) into the sandbox state."""
    from datetime import timedelta

    from zoomadmin.sandbox import media
    from zoomadmin.sandbox.state import Recording, RecordingFile, random_id

    state = server.sandbox.state
    rng = random.Random(f"{host_id}-{start.isoformat()}-{uuid}")
    uuid = uuid or state.new_uuid(rng)
    end = start + timedelta(minutes=minutes)
    files = []
    for file_type, extension, kind in (
        ("MP4", "MP4", "shared_screen_with_speaker_view"),
        ("TRANSCRIPT", "VTT", "audio_transcript"),
    ):
        file_id = random_id(rng, 36)
        size = media.file_size(file_type, kind, minutes * 60, file_id)
        files.append(RecordingFile(file_id, uuid, file_type, extension, kind, start, end, size))
    state.add_recording(
        Recording(
            uuid=uuid,
            meeting_id=state.new_meeting_id(rng),
            host_id=host_id,
            topic=f"Lesson {start:%Y-%m-%d %H:%M}",
            type=2,
            start_time=start,
            duration=minutes,
            timezone="UTC",
            password="",
            share_url="https://sandbox.invalid/rec/share",
            completed_at=end + timedelta(minutes=5),
            files=files,
        )
    )
    return uuid
