"""Benchmark: the license pool's planner against the lower bound and today's practice.

Two loads, pure planning (no Zoom):

1. a term like the demo's: 15 Basic hosts in 3 tenants, 1 or 2 weekly sessions each of 50 to
   70 minutes, 12 weeks;
2. a week of 200 Basic hosts, 5 to 10 sessions each of 40 to 90 minutes in school hours.

For each: seats needed against the peak concurrency of the lead/grace windows (the lower
bound; target equal) and against mod_zoom's practice (a seat given at creation and never
released: one per host); seat-minutes held against the minimum for the same lead and grace
(target at most 1.05x) and against the sessions' own minutes; license moves per session
against two (attach and detach every time) and against mod_zoom's (one per host, then none);
sessions without a seat while seats suffice (target 0); planning time.

Then the controller itself over a sandbox day (the same harness as the tests'
``tests/services/pool_support.py``): 60 sessions of 45 minutes on 30 Basic hosts with 5 pool
seats and a peak of 5, run minute by minute: sessions that started Licensed, were cut at 40
minutes (target 0) and have their cloud recording, against the same day with no pool (every
host Basic); license moves per session (target 2.00: one attach, one detach); the real
time a sandbox day takes.

Run: ``.venv/bin/python benchmarks/bench_pool.py``
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from zoomadmin.core.license_plan import PoolRules, SeatNeed, plan_pool

MONDAY = datetime(2026, 3, 2, tzinfo=UTC)
TARGET_MINUTES = 1.05


def demo_term(seed: int = 0) -> list[SeatNeed]:
    """15 hosts, 1-2 weekly sessions each, 12 weeks."""
    rng = random.Random(seed)
    needs = []
    for host in range(15):
        days = sorted(rng.sample(range(5), 2 if host % 2 else 1))
        hour, minute = rng.randrange(8, 16), rng.choice((0, 30))
        length = 50 + 10 * (host % 3)
        for week in range(12):
            for day in days:
                start = MONDAY + timedelta(weeks=week, days=day, hours=hour, minutes=minute)
                key = f"h{host}-w{week}-d{day}"
                needs.append(SeatNeed(key, f"h{host}", start, start + timedelta(minutes=length)))
    return needs


def busy_week(hosts: int = 200, seed: int = 1) -> list[SeatNeed]:
    """``hosts`` hosts, 5-10 sessions each in one week, 40-90 minutes, 07:00-19:00."""
    rng = random.Random(seed)
    needs = []
    for host in range(hosts):
        taken: list[tuple[datetime, datetime]] = []
        for n in range(rng.randrange(5, 11)):
            for _ in range(20):  # a host runs one meeting at a time
                day, hour = rng.randrange(5), rng.randrange(7, 18)
                start = MONDAY + timedelta(
                    days=day, hours=hour, minutes=rng.choice((0, 15, 30, 45))
                )
                end = start + timedelta(minutes=rng.choice((40, 50, 60, 90)))
                if all(end <= a or start >= b for a, b in taken):
                    taken.append((start, end))
                    needs.append(SeatNeed(f"h{host}-{n}", f"h{host}", start, end))
                    break
    return needs


def minimum_seat_minutes(needs: list[SeatNeed], rules: PoolRules) -> float:
    """Each host's windows merged where they overlap: what any plan must hold at least."""
    total = 0.0
    by_host: dict[str, list[tuple[datetime, datetime]]] = {}
    for need in needs:
        by_host.setdefault(need.host, []).append((need.start - rules.lead, need.end + rules.grace))
    for windows in by_host.values():
        windows.sort()
        start, end = windows[0]
        for a, b in windows[1:]:
            if a <= end:
                end = max(end, b)
            else:
                total += (end - start).total_seconds() / 60
                start, end = a, b
        total += (end - start).total_seconds() / 60
    return total


def report(name: str, needs: list[SeatNeed]) -> None:
    """Plan with as many seats as the peak, then print the figures against their targets."""
    rules = PoolRules()
    probe = plan_pool(needs, seats=10_000, rules=rules)
    seats = probe.peak
    began = time.perf_counter()
    plan = plan_pool(needs, seats=seats, rules=rules)
    took = time.perf_counter() - began
    hosts = len({n.host for n in needs})
    used = len({h.seat for h in plan.holdings})
    least = minimum_seat_minutes(needs, rules)
    ratio = plan.seat_minutes / least
    per_session = len(plan.moves) / len(needs)
    print(f"{name}: {len(needs)} sessions of {hosts} hosts, planned in {took * 1000:.0f} ms")
    print(
        f"  seats needed {used} against the peak of the windows {plan.peak} "
        f"({'PASS' if used == plan.peak else 'FAIL'}: target equal) and mod_zoom's {hosts}"
    )
    print(
        f"  seat-minutes {plan.seat_minutes:.0f} against the minimum {least:.0f} ({ratio:.3f}x, "
        f"target <= {TARGET_MINUTES}x: {'PASS' if ratio <= TARGET_MINUTES else 'FAIL'}) and the "
        f"sessions' own {plan.session_minutes:.0f}"
    )
    print(
        f"  license moves {len(plan.moves)}: {per_session:.2f} per session against 2.00 "
        f"(attach and detach every time) and mod_zoom's {hosts / len(needs):.2f} (one per host, "
        f"never given back, so {hosts} seats held)"
    )
    print(
        f"  sessions without a seat: {len(plan.unseated)} "
        f"({'PASS' if not plan.unseated else 'FAIL'}: target 0)"
    )


async def controller_day(*, pool: bool) -> None:
    """The 60-session day through the controller (``pool``) or with every host Basic."""
    sys.path[:0] = [str(Path(__file__).parents[1] / "tests" / d) for d in ("services", "")]
    from pool_support import pool_day  # the tests' sandbox day
    from tenancy_support import build_tenancy, sandbox_client

    from zoomadmin.sandbox import SandboxServer
    from zoomadmin.store.repositories import Store

    server = SandboxServer(seed="empty", speed=0, start_time=MONDAY + timedelta(hours=6))
    server.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            store = Store.open_file(Path(folder) / "zoomadmin.sqlite3")
            async with sandbox_client(server) as zoom:
                day = await pool_day(build_tenancy(server, store, zoom))
                if not pool:
                    await day.control.set_enabled(False)
                began = time.perf_counter()
                await day.run_until(day.over)
                took = time.perf_counter() - began
            runs = day.runs()
            licensed = sum(day.started_licensed(s, r) for s, r in runs)
            cut = sum(day.cut_at_40(r) for _, r in runs)
            recorded = sum(day.recorded(r) for _, r in runs)
            moves = len(store.audit.entries(object_type="license", limit=10_000))
            store.close()
    finally:
        server.stop()
    name = "controller" if pool else "no pool"
    target = "" if not pool else f" ({'PASS' if cut == 0 else 'FAIL'}: target 0)"
    print(
        f"  {name}: {licensed} of {len(runs)} started Licensed, {cut} cut at 40 minutes{target}, "
        f"{recorded} with their cloud recording; {moves} license moves "
        f"({moves / len(runs):.2f} per session); the day ran in {took:.1f} s"
    )


def main() -> None:
    """Both loads, then the controller's sandbox day."""
    report("demo term (12 weeks)", demo_term())
    report("busy week (200 hosts)", busy_week())
    print("sandbox day: 60 sessions, 30 Basic hosts, 5 pool seats, peak 5")
    asyncio.run(controller_day(pool=True))
    asyncio.run(controller_day(pool=False))


if __name__ == "__main__":
    main()
