"""The change bus across processes on a shared PostgreSQL database: ``LISTEN/NOTIFY``.

Every change this process publishes after a commit is sent as a notification on one
channel; every notification another process sent comes back into this process's bus
through :meth:`ChangeBus.receive` (its own are dropped there by origin). PostgreSQL delivers
a notification only once its transaction commits, and to every session listening at that
moment, so a desk hears an agent's created session or moved seat within a fraction of a
second. A relay that loses its connection reconnects and tells its bus that everything may
have changed (what was sent meanwhile is not replayed), so screens read afresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

from zoomadmin.core.changes import Change, ChangeBus, ChangeKind
from zoomadmin.store.db import PG_KEEPALIVE

log = logging.getLogger(__name__)

CHANNEL = "zoomadmin_changes"
MAX_PAYLOAD = 7900
"""PostgreSQL's payload limit is 8000 bytes; a longer change goes as "everything"."""
POLL = 0.05
"""Seconds the relay's thread waits for notifications before it sends what is queued."""
RECONNECT = 2.0


def encode(change: Change) -> str:
    """A change as a notification payload (ids dropped when too long: "everything")."""
    ids = sorted(change.ids, key=str)
    payload = json.dumps({"k": str(change.kind), "i": ids, "o": change.origin})
    if len(payload.encode()) > MAX_PAYLOAD:
        payload = json.dumps({"k": str(change.kind), "i": [], "o": change.origin})
    return payload


def decode(payload: str) -> Change | None:
    """A notification payload as a change (None for one this version does not know)."""
    try:
        data = json.loads(payload)
        return Change(ChangeKind(data["k"]), frozenset(data["i"]), str(data["o"]))
    except (ValueError, KeyError, TypeError):
        return None


def _nothing() -> None:
    pass


class ChangeRelay:
    """Forwards a bus's own changes to other processes and hands theirs to it."""

    def __init__(self, conninfo: str, bus: ChangeBus) -> None:
        self._conninfo = conninfo
        self._bus = bus
        self._outbox: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._listening = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._unforward: Callable[[], None] = _nothing

    def start(self) -> None:
        """Start relaying (call on the running loop: changes come back on it)."""
        self._loop = asyncio.get_running_loop()
        self._unforward = self._bus.forward_to(lambda change: self._outbox.put(encode(change)))
        self._thread = threading.Thread(target=self._run, name="change-relay", daemon=True)
        self._thread.start()

    async def listening(self, within: float = 10.0) -> bool:
        """Wait (at most ``within`` seconds) until the relay listens."""
        return await asyncio.to_thread(self._listening.wait, within)

    async def stop(self) -> None:
        """Stop relaying; what was queued is sent first."""
        self._unforward()
        self._stopping.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            await asyncio.to_thread(thread.join, 10)

    def _run(self) -> None:
        first = True
        while not self._stopping.is_set():
            try:
                with self._connect() as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    if not first:  # what others sent while we were away is not replayed
                        for kind in ChangeKind:
                            self._deliver(Change(kind, frozenset(), "reconnected"))
                    first = False
                    self._relay(connection)
            except Exception as exc:  # the database is away: try again shortly
                self._listening.clear()
                log.warning("The change relay lost its connection: %s", exc)
                self._stopping.wait(RECONNECT)

    def _relay(self, connection: psycopg.Connection[Any]) -> None:
        while True:
            self._send_queued(connection)
            if self._stopping.is_set():
                return
            for notify in connection.notifies(timeout=POLL, stop_after=64):
                change = decode(notify.payload)
                if change is not None:
                    self._deliver(change)

    def _send_queued(self, connection: psycopg.Connection[Any]) -> None:
        while True:
            try:
                payload = self._outbox.get_nowait()
            except queue.Empty:
                return
            connection.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))

    def _deliver(self, change: Change) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(self._bus.receive, change)

    def _connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(
            make_conninfo(self._conninfo, application_name="zoomadmin changes", **PG_KEEPALIVE),
            autocommit=True,
        )
