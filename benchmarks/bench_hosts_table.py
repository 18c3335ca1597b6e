"""The hosts table with 10,000 hosts: load time, filter-as-you-type latency, longest UI stall.

Builds a real database (10,000 hosts in 20 tenants, a coming session for every fifth host,
today's quota use for some) under a temporary folder, then shows the real hosts panel
offscreen on a qasync loop and loads it exactly as the tab does (database read on a worker
thread, rows added in chunks). A 5 ms QTimer heartbeat runs throughout: the longest gap
between two beats is the longest time the event loop (and so the window) stood still.

    .venv/bin/python benchmarks/bench_hosts_table.py [--hosts N]

Targets: load (database to painted table) under 1.5 s; each filter keystroke under 100 ms;
no event-loop stall over 50 ms while loading.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from zoomadmin.account.runtime import AccountRuntime
from zoomadmin.services.connection import ActiveAccount
from zoomadmin.store.hosts import HostData
from zoomadmin.store.meetings import MeetingData
from zoomadmin.store.repositories import Store
from zoomadmin.ui.tenants.hosts_model import HostColumn
from zoomadmin.ui.tenants.hosts_panel import HostsPanel
from zoomadmin.zoom.auth import ZoomCredentials
from zoomadmin.zoom.client import ZoomClient

LOAD_TARGET_S = 1.5
KEYSTROKE_TARGET_MS = 100.0
STALL_TARGET_MS = 50.0
HEARTBEAT_MS = 5
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TYPED = "teach+t7-12"


def fill(store: Store, hosts: int) -> None:
    """``hosts`` hosts in 20 tenants, a coming session for every fifth, quota for some."""
    tenants = [
        store.tenants.create(
            name=f"Tenant {t}", timezone="Europe/London", mailbox="teach", domain="school.org"
        )
        for t in range(20)
    ]
    data = [
        HostData(
            zoom_user_id=f"user{n:06d}",
            email=f"teach+t{n % 20}-{n}@school.org",
            first_name=f"First{n}",
            last_name=f"Last{n}",
            user_type=2 if n % 10 == 0 else 1,
            status="pending" if n % 50 == 0 else "active",
            tenant_id=tenants[n % 20].id,
        )
        for n in range(hosts)
    ]
    store.hosts.upsert(data)
    ids = {h.zoom_user_id: h.id for h in store.hosts.all()}
    for n in range(0, hosts, 5):
        start = NOW + timedelta(hours=1 + n % 300)
        store.meetings.save(
            MeetingData(90_000_000_000 + n, ids[f"user{n:06d}"], "Class", start, 60)
        )
    for n in range(0, hosts, 3):
        for _ in range(n % 7):
            store.quota.blocking.record_request(f"user{n:06d}", NOW.date())


class Heartbeat:
    """A fast QTimer; the longest gap between beats is the longest event-loop stall."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(HEARTBEAT_MS)
        self._timer.timeout.connect(self._beat)

    def _beat(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last - HEARTBEAT_MS / 1000)
        self._last = now

    def start(self) -> None:
        """Start beating and forget earlier gaps."""
        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        """Stop beating."""
        self._timer.stop()


class _Fixed:
    """A clock stopped at :data:`NOW`."""

    speed = 0.0

    def now(self) -> datetime:
        """Always NOW."""
        return NOW


async def settle(app: QApplication) -> None:
    """Let Qt lay out and paint what changed."""
    app.processEvents()
    await asyncio.sleep(0)


async def measure(app: QApplication, store: Store, hosts: int) -> dict[str, float]:
    """Load, then type into the filter; returns the figures."""
    credentials = ZoomCredentials(account_id="a", client_id="c", client_secret="s")
    runtime = AccountRuntime(
        account=ActiveAccount("Zoom: bench", ZoomClient(credentials)), store=store, clock=_Fixed()
    )
    service = runtime.services.hosts
    panel = HostsPanel()
    panel.resize(1280, 760)
    panel.show()
    await settle(app)
    beat = Heartbeat()
    beat.start()
    await asyncio.sleep(0.05)
    started = time.perf_counter()
    rows = await service.rows()
    read = time.perf_counter() - started
    await panel.load(rows)
    await settle(app)
    loaded = time.perf_counter() - started
    await asyncio.sleep(0.05)
    beat.stop()
    assert panel.model.rowCount() == hosts, panel.model.rowCount()
    keystrokes = await type_filter(app, panel)
    sort = await timed(
        app, lambda: panel.view.sortByColumn(HostColumn.NEXT_SESSION, Qt.SortOrder.AscendingOrder)
    )
    panel.close()
    return {
        "read_s": read,
        "load_s": loaded,
        "stall_ms": beat.longest * 1000,
        "key_median_ms": statistics.median(keystrokes),
        "key_max_ms": max(keystrokes),
        "shown_after_typing": float(panel.proxy.rowCount()),
        "sort_ms": sort,
    }


async def timed(app: QApplication, action: Callable[[], None]) -> float:
    """Milliseconds for ``action`` and the repaint it causes."""
    started = time.perf_counter()
    action()
    await settle(app)
    return (time.perf_counter() - started) * 1000


async def type_filter(app: QApplication, panel: HostsPanel) -> list[float]:
    """Type ``TYPED`` one key at a time (then delete it); each keystroke's filter + paint."""
    times = []
    for end in range(1, len(TYPED) + 1):
        times.append(await timed(app, lambda e=end: panel.proxy.set_text(TYPED[:e])))  # type: ignore[misc]
    shown = panel.proxy.rowCount()
    for end in range(len(TYPED) - 1, -1, -1):
        times.append(await timed(app, lambda e=end: panel.proxy.set_text(TYPED[:e])))  # type: ignore[misc]
    panel.proxy.set_text(TYPED)
    assert panel.proxy.rowCount() == shown
    return times


def report(figures: dict[str, float], hosts: int) -> bool:
    """Print the figures against their targets; True when every target is met."""
    checks = [
        (
            "load (database read + table filled and painted)",
            figures["load_s"] * 1000,
            LOAD_TARGET_S * 1000,
        ),
        ("longest event-loop stall while loading", figures["stall_ms"], STALL_TARGET_MS),
        ("filter keystroke, median", figures["key_median_ms"], KEYSTROKE_TARGET_MS),
        ("filter keystroke, worst", figures["key_max_ms"], KEYSTROKE_TARGET_MS),
    ]
    print(f"hosts table, {hosts} hosts")
    print(f"  database read on a worker thread: {figures['read_s'] * 1000:.0f} ms")
    ok = True
    for name, value, target in checks:
        met = value <= target
        ok &= met
        print(f"  {name}: {value:.0f} ms (target < {target:.0f} ms) {'OK' if met else 'MISSED'}")
    print(f"  sort 10,000 rows by next session: {figures['sort_ms']:.0f} ms")
    print(f"  rows matching “{TYPED}”: {figures['shown_after_typing']:.0f}")
    return ok


def main() -> int:
    """Run the benchmark; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=10_000)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory(prefix="zoomadmin-bench-") as tmp:
        store = Store.open_file(Path(tmp) / "zoomadmin.sqlite3")
        fill(store, args.hosts)
        # The set-up leaves garbage behind: collected here, its full collection (40-80 ms)
        # does not land in whatever the load happens to run (in the app, start-up objects
        # are frozen and the GC runs only in the GUI thread, between events).
        gc.collect()
        with loop:
            figures = loop.run_until_complete(measure(app, store, args.hosts))
        store.close()
    return 0 if report(figures, args.hosts) else 1


if __name__ == "__main__":
    sys.exit(main())
