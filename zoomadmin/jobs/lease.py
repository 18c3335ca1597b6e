"""Which process runs an account's jobs: one leader at a time, the others stand by."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Protocol

from zoomadmin.core.clock import utc_now


@dataclass(frozen=True)
class LeaseHolder:
    """The process that runs the jobs."""

    host: str
    pid: int
    since: datetime

    def describe(self) -> str:
        """``zoomadmin on desk-3 (pid 4242) since 2026-03-02 08:00 UTC``."""
        return f"zoomadmin on {self.host} (pid {self.pid}) since {self.since:%Y-%m-%d %H:%M} UTC"


LEASE_RETRY = 15.0
"""Real seconds between tries to take a lock file's lease while another process holds it."""


class LeadershipLease(Protocol):
    """A lease only one process holds at a time (a lock file, or PostgreSQL's advisory lock)."""

    retry_every: float
    """Real seconds a standby waits between tries to take the lease."""

    @property
    def held(self) -> bool:
        """Whether this process holds it."""
        ...

    async def acquire(self) -> bool:
        """Take the lease if it is free; True when this process holds it afterwards."""
        ...

    async def release(self) -> None:
        """Give the lease back (nothing when not held)."""
        ...

    async def holder(self) -> LeaseHolder | None:
        """Who holds it, as far as can be told."""
        ...

    async def lost(self) -> None:
        """Return once this process, having held the lease, no longer does."""
        ...


class FileLease:
    """A lease held as an exclusive lock on a file beside the account's database.

    The operating system drops the lock when the process ends, however it ends, so a crash
    never leaves a stale lease; the file's text names the holder for the others to show.
    """

    retry_every = LEASE_RETRY

    def __init__(self, path: Path) -> None:
        self._path = path
        self._file: IO[str] | None = None

    @property
    def held(self) -> bool:
        """Whether this process holds the lock."""
        return self._file is not None

    async def acquire(self) -> bool:
        """Try the lock once (never waits for it)."""
        if self._file is None:
            self._file = await asyncio.to_thread(self._try_lock)
        return self._file is not None

    async def release(self) -> None:
        """Unlock and close the file."""
        file, self._file = self._file, None
        if file is not None:
            await asyncio.to_thread(_unlock_and_close, file)

    async def holder(self) -> LeaseHolder | None:
        """The holder the lock file names (None when it names none)."""
        return await asyncio.to_thread(self._read_holder)

    async def lost(self) -> None:
        """Never: the lock is this process's until it lets go (or ends)."""
        await asyncio.Event().wait()

    def _try_lock(self) -> IO[str] | None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        file = self._path.open("a+", encoding="utf-8")
        if not _lock(file):
            file.close()
            return None
        file.seek(0)
        file.truncate()
        holder = {"host": socket.gethostname(), "pid": os.getpid(), "since": utc_now().isoformat()}
        file.write(json.dumps(holder))
        file.flush()
        return file

    def _read_holder(self) -> LeaseHolder | None:
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
            return LeaseHolder(
                str(data["host"]), int(data["pid"]), datetime.fromisoformat(data["since"])
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None


class LocalLease:
    """A lease that is always this process's (tests, and a command that runs no jobs)."""

    retry_every = LEASE_RETRY

    def __init__(self) -> None:
        self._held = False

    @property
    def held(self) -> bool:
        """Whether :meth:`acquire` was called (and not released)."""
        return self._held

    async def acquire(self) -> bool:
        """Always granted."""
        self._held = True
        return True

    async def release(self) -> None:
        """Given back."""
        self._held = False

    async def holder(self) -> LeaseHolder | None:
        """Nobody else ever holds it."""
        return None

    async def lost(self) -> None:
        """Never."""
        await asyncio.Event().wait()


def _lock(file: IO[str]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock_and_close(file: IO[str]) -> None:
    with contextlib.suppress(OSError):
        file.seek(0)
        file.truncate()
    file.close()
