"""Store speed: bulk host sync, the hosts view and the quota ledger on a real SQLite file.

Targets: a 10,000-host upsert (insert, no-change and all-changed passes) each well under 1 s;
the hosts view of 10,000 hosts (60,000 sessions) with their next sessions under 0.5 s.

    .venv/bin/python benchmarks/bench_store.py [--hosts N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from zoomadmin.store.hosts import HostData
from zoomadmin.store.meetings import MeetingData, OccurrenceData
from zoomadmin.store.repositories import Store

UPSERT_TARGET_S = 1.0
OVERVIEW_TARGET_S = 0.5


def timed(label: str, target: float | None, action: Callable[[], object]) -> float:
    """Run ``action`` once, print its time against ``target`` and return the seconds."""
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    verdict = "" if target is None else (" ok" if seconds < target else f" SLOW (> {target} s)")
    print(f"{label:<40} {seconds:7.3f} s{verdict}")
    return seconds


def main() -> int:
    """Build a database under a temporary folder and time the store's bulk paths."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hosts", type=int, default=10_000)
    n = parser.parse_args().hosts
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open_file(Path(tmp) / "bench.sqlite3")
        hosts = [HostData(f"zu-{i}", f"t+{i}@x.org", "A", str(i)) for i in range(n)]
        changed = [HostData(f"zu-{i}", f"t+{i}@x.org", "B", str(i), 2) for i in range(n)]
        slow = [
            timed(f"upsert {n} new hosts", UPSERT_TARGET_S, lambda: store.hosts.upsert(hosts)),
            timed(f"upsert {n} unchanged", UPSERT_TARGET_S, lambda: store.hosts.upsert(hosts)),
            timed(f"upsert {n} changed", UPSERT_TARGET_S, lambda: store.hosts.upsert(changed)),
        ]
        ids = [h.id for h in store.hosts.all()]
        for k, host_id in enumerate(ids[: n // 2]):
            start = now + timedelta(hours=k % 500)
            weekly = [OccurrenceData(start + timedelta(weeks=w), 60, str(w)) for w in range(12)]
            store.meetings.save(MeetingData(10_000_000_000 + k, host_id, "x", start, 60, 8), weekly)
        slow.append(
            timed(f"hosts view of {n}", OVERVIEW_TARGET_S, lambda: store.hosts.overview(now))
        )
        day = now.date()
        timed(
            "1,000 quota record_request calls",
            None,
            lambda: [store.quota.blocking.record_request("zu-1", day) for _ in range(1000)],
        )
        store.close()
    targets = [UPSERT_TARGET_S] * 3 + [OVERVIEW_TARGET_S]
    return 0 if all(s < t for s, t in zip(slow, targets, strict=True)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
