"""Fixtures for the recordings tests: the account's services over the sandbox, recordings in it."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from zoomadmin.account.runtime import AccountRuntime
from zoomadmin.sandbox import SandboxServer, media
from zoomadmin.sandbox.state import Recording, RecordingFile, User, random_id
from zoomadmin.services.connection import ActiveAccount, sandbox_credentials
from zoomadmin.store.repositories import Store
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.limits import MemoryQuotaLedger
from zoomadmin.zoom.wire import RetryPolicy

FAST_RETRY = RetryPolicy(max_attempts=6, max_rate_retries=20, base_delay=0.01, max_delay=0.1)


def put_user(server: SandboxServer, n: int, *, status: str = "active", prefix: str = "host") -> str:
    """A Licensed user straight into the sandbox state; returns its id."""
    state = server.sandbox.state
    rng = random.Random(f"{prefix}-{n}")
    user_id = state.new_user_id(rng)
    state.add_user(
        User(
            id=user_id,
            email=f"{prefix}{n}@school.example.org",
            first_name="Host",
            last_name=str(n),
            type=2,
            status=status,
            created_at=server.sandbox.clock.now() - timedelta(days=800),
            pmi=rng.randrange(1_000_000_000, 9_999_999_999),
        )
    )
    return user_id


def put_recording(
    server: SandboxServer,
    host_id: str,
    start: datetime,
    *,
    topic: str | None = None,
    seconds: int = 60,
    kinds: tuple[str, ...] = ("MP4", "TRANSCRIPT"),
    status: str = "completed",
) -> Recording:
    """A cloud recording with ``kinds`` of files straight into the sandbox state."""
    state = server.sandbox.state
    rng = random.Random(f"{host_id}-{start.isoformat()}-{topic}")
    uuid = state.new_uuid(rng)
    end = start + timedelta(seconds=seconds)
    files = []
    for kind in kinds:
        extension, recording_type = media.FILE_KINDS[kind]
        file_id = random_id(rng, 36)
        size = media.file_size(kind, recording_type, seconds, file_id)
        files.append(
            RecordingFile(
                file_id, uuid, kind, extension, recording_type, start, end, size, status=status
            )
        )
    rec = Recording(
        uuid=uuid,
        meeting_id=state.new_meeting_id(rng),
        host_id=host_id,
        topic=topic if topic is not None else f"Lesson {start:%Y-%m-%d %H:%M}",
        type=2,
        start_time=start,
        duration=max(1, seconds // 60),
        timezone="UTC",
        password="",
        share_url="https://sandbox.invalid/rec/share",
        completed_at=end + timedelta(minutes=5),
        files=files,
    )
    state.add_recording(rec)
    return rec


def client_of(server: SandboxServer) -> ZoomClient:
    """A client on ``server`` whose clock is the sandbox's."""
    return ZoomClient(
        sandbox_credentials(server.info),
        retry=FAST_RETRY,
        now=server.sandbox.clock.now,
        ledger=MemoryQuotaLedger(),
    )


def runtime_of(server: SandboxServer, store: Store, zoom: ZoomClient) -> AccountRuntime:
    """The account runtime the app, the CLI and the agent build."""
    account = ActiveAccount("Sandbox: test account", zoom, sandbox=server.info)
    return AccountRuntime(account=account, store=store, clock=server.sandbox.clock)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A migrated SQLite store under tmp_path."""
    opened = Store.open_file(tmp_path / "data" / "zoomadmin.sqlite3")
    yield opened
    opened.close()


@pytest.fixture
async def runtime(sandbox: SandboxServer, store: Store) -> AsyncIterator[AccountRuntime]:
    """The account's runtime on the empty sandbox (jobs not started)."""
    async with client_of(sandbox) as zoom:
        yield runtime_of(sandbox, store, zoom)
