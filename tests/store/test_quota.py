"""The SQL quota ledger honours the client's QuotaLedger protocol, survives a restart, and
never makes the event loop wait for the database."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from zoomadmin.store.quota import SqlQuotaLedger
from zoomadmin.store.repositories import Store
from zoomadmin.zoom.limits import QuotaLedger

DAY = date(2030, 3, 1)
#: How long the worker below keeps the database's write lock.
HOLD_S = 1.0


def test_is_a_quota_ledger(store: Store) -> None:
    ledger: QuotaLedger = store.quota
    assert isinstance(ledger, QuotaLedger)


async def test_counts_per_host_and_day(store: Store) -> None:
    q = store.quota
    assert await q.used("zu-1", DAY) == 0
    assert [await q.record_request("zu-1", DAY) for _ in range(3)] == [1, 2, 3]
    assert await q.record_request("zu-2", DAY) == 1
    assert await q.record_request("zu-1", date(2030, 3, 2)) == 1
    assert await q.used("zu-1", DAY) == 3
    assert not await q.exhausted("zu-1", DAY)
    assert await q.used_on(DAY) == {"zu-1": (3, 100), "zu-2": (1, 100)}


async def test_observe_only_raises_the_count(store: Store) -> None:
    q = store.quota
    for _ in range(5):
        await q.record_request("zu-1", DAY)
    await q.observe("zu-1", DAY, limit=100, remaining=98)
    assert await q.used("zu-1", DAY) == 5
    await q.observe("zu-1", DAY, limit=100, remaining=60)
    assert await q.used("zu-1", DAY) == 40
    await q.observe("zu-3", DAY, limit=100, remaining=90)
    assert await q.used("zu-3", DAY) == 10
    await q.observe("zu-3", DAY, limit=100, remaining=0)
    assert await q.exhausted("zu-3", DAY)


async def test_mark_exhausted(store: Store) -> None:
    q = store.quota
    await q.record_request("zu-1", DAY)
    await q.mark_exhausted("zu-1", DAY)
    assert await q.exhausted("zu-1", DAY)
    # Nothing is left: the count says so too, as the memory ledger's does.
    assert await q.used("zu-1", DAY) == 100
    await q.mark_exhausted("zu-2", DAY)
    assert await q.used("zu-2", DAY) == 100
    assert await q.exhausted("zu-2", DAY)


async def test_counts_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    first = Store.open_file(path)
    for _ in range(7):
        await first.quota.record_request("zu-1", DAY)
    first.close()
    second = Store.open_file(path)
    try:
        assert await SqlQuotaLedger(second.engine).used("zu-1", DAY) == 7
    finally:
        second.close()


@dataclass
class _Ticker:
    """Measures how long the event loop goes without running a 5 ms sleeper."""

    longest: float = 0.0
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        while not self.stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            self.longest = max(self.longest, time.perf_counter() - before - 0.005)


class _WriteLockHolder:
    """A worker thread that holds SQLite's write lock (BEGIN IMMEDIATE + an insert)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self.held = threading.Event()
        self.released_at = 0.0
        self.thread = threading.Thread(target=self._hold, name="writer", daemon=True)

    def _hold(self) -> None:
        conn = sqlite3.connect(self._path, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO quota_ledger (host_id, day, used, daily_limit, exhausted, updated_at)"
                " VALUES ('zu-worker', ?, 1, 100, 0, '2030-03-01 00:00:00.000000')",
                (DAY.isoformat(),),
            )
            self.held.set()
            time.sleep(HOLD_S)
            self.released_at = time.perf_counter()
            conn.execute("COMMIT")
        finally:
            conn.close()


async def test_ledger_waits_for_a_worker_write_without_stalling_the_loop(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    store = Store.open_file(path)
    try:
        await store.quota.record_request("zu-1", DAY)  # the file and its row exist
        holder = _WriteLockHolder(path)
        holder.thread.start()
        assert await asyncio.to_thread(holder.held.wait, 5.0)
        ticker = _Ticker()
        ticking = asyncio.create_task(ticker.run())
        finished: list[float] = []

        async def timed(call: Awaitable[object]) -> None:
            await call
            finished.append(time.perf_counter())

        q = store.quota
        await timed(q.record_request("zu-1", DAY))
        await timed(q.observe("zu-2", DAY, limit=100, remaining=90))
        await timed(q.mark_exhausted("zu-3", DAY))
        await timed(q.record_request("zu-1", DAY))
        ticker.stop.set()
        await ticking
        await asyncio.to_thread(holder.thread.join)
        assert ticker.longest < 0.050, f"the loop stalled {ticker.longest * 1000:.0f} ms"
        # Each write waited for the lock (SQLite's busy timeout), off the loop's thread.
        assert all(at >= holder.released_at for at in finished)
        assert await q.used("zu-1", DAY) == 3
        assert await q.used_on(DAY) == {
            "zu-1": (3, 100),
            "zu-2": (10, 100),
            "zu-3": (100, 100),
            "zu-worker": (1, 100),
        }
    finally:
        store.close()
