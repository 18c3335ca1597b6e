"""Benchmark: a term of 24,000 sessions planned and sent to the sandbox through the queue.

200 hosts x 10 weekly slots (5 weekdays x 2 times of day) x 12 weeks, the hosts spread over
tenants in New York, London and Sydney (the EU and Australian clock changes fall inside the
term). Measures: planning time (CSV parse, zoneinfo expansion, the planner and its cost:
target under 2 s, and the whole preview through the service with its store and Zoom look-ups),
Zoom requests against one request per session (target at least 25 sessions per request), the
sandbox-clock time until every session exists in the sandbox (target: the same UTC day, zero
429 answers; the sandbox clock runs at real speed), and peak memory.

Run: ``.venv/bin/python benchmarks/bench_scheduler.py [--hosts 200 --weeks 12]``
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from zoomadmin.account.runtime import AccountRuntime
from zoomadmin.core.actor import set_default_actor
from zoomadmin.core.curriculum import CSV_COLUMNS, expand, parse_csv
from zoomadmin.core.planner import cost, plan
from zoomadmin.core.schedule import IntentState
from zoomadmin.sandbox import SandboxServer
from zoomadmin.sandbox.recurrence import occurrences
from zoomadmin.sandbox.state import User
from zoomadmin.services.connection import ActiveAccount, sandbox_credentials
from zoomadmin.services.tenants import TenantDraft
from zoomadmin.store.repositories import Store
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.limits import Plan

PLAN_TARGET_S = 2.0
RATIO_TARGET = 25.0
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # a Monday morning
FIRST = date(2026, 3, 9)
ZONES = {"nyc": "America/New_York", "ldn": "Europe/London", "syd": "Australia/Sydney"}
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")


def term_csv(hosts: int, weeks: int, first: date = FIRST) -> tuple[str, list[tuple[str, str]]]:
    """The term's curriculum CSV from the Monday ``first``, and each host's tenant and email."""
    last = first + timedelta(weeks=weeks) - timedelta(days=3)
    rows, people = [",".join(CSV_COLUMNS)], []
    names = list(ZONES)
    for n in range(hosts):
        tenant = names[n % len(names)]
        email = f"teach+{tenant}-{n}@bench.example.org"
        people.append((tenant, email))
        for at in ("09:00", "14:00"):
            for day in DAYS:
                rows.append(f"{tenant},{email},Course {n} {at},{day},{at},50,{first},{last},,")
    return "\n".join(rows) + "\n", people


def _plan_once(text: str) -> tuple[int, int]:
    slots, problems = parse_csv(text)
    assert not problems, problems[:3]
    sessions = [s for slot in slots for s in expand(slot, ZONES[slot.tenant])[0]]
    the_plan = plan(sessions)
    cost(the_plan, {}, START)
    return the_plan.sessions, the_plan.requests


def _plan_only(text: str) -> tuple[float, int, int, int]:
    """Parse, expand, plan and cost with no I/O: best of 3 seconds, sessions, requests, and
    the peak traced memory of one more (traced, so slower) run."""
    times = []
    for _ in range(3):
        began = time.perf_counter()
        sessions, requests = _plan_once(text)
        times.append(time.perf_counter() - began)
    tracemalloc.start()
    _plan_once(text)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return min(times), sessions, requests, peak


async def _setup(
    runtime: AccountRuntime, server: SandboxServer, people: list[tuple[str, str]]
) -> None:
    services = runtime.services
    for key, tz in ZONES.items():
        await services.tenants.create(
            TenantDraft(name=key, timezone=tz, mailbox="teach", domain="bench.example.org")
        )
    tenants = {t.name: t.id for t in await asyncio.to_thread(runtime.store.tenants.all)}
    state = server.sandbox.state
    for n, (tenant, email) in enumerate(people):
        state.add_user(
            User(
                id=f"benchhost{n:05d}",
                email=email,
                first_name="Teach",
                last_name=str(n),
                type=2,
                status="active",
                created_at=START - timedelta(days=30),
                pmi=4_000_000_000 + n,
            )
        )
        await services.hosts.link_email(email, tenants[tenant])


def _sessions_in_sandbox(server: SandboxServer) -> int:
    total = 0
    for meeting in server.sandbox.state.meetings.values():
        if meeting.deleted:
            continue
        if meeting.type == 8:
            total += sum(o.status == "available" for o in occurrences(meeting))
        else:
            total += 1
    return total


async def _send(
    server: SandboxServer, store: Store, text: str, people: list[tuple[str, str]]
) -> dict[str, float]:
    clock = server.sandbox.clock
    client = ZoomClient(
        sandbox_credentials(server.info), plan=Plan.BUSINESS, now=clock.now, ledger=store.quota
    )
    async with client:
        account = ActiveAccount("Sandbox: benchmark", client, sandbox=server.info)
        runtime = AccountRuntime(account=account, store=store, clock=clock)
        await _setup(runtime, server, people)
        services = runtime.services
        began = time.perf_counter()
        preview = await services.curricula.preview_csv(text)
        preview_s = time.perf_counter() - began
        assert preview.ok, (preview.problems[:3], preview.conflicts[:3])
        await services.curricula.submit_csv(text)
        sim_start, real_start = clock.now(), time.perf_counter()
        report = await services.queue.run_until_idle()
        real_s = time.perf_counter() - real_start
        sim_end = clock.now()
        left = await services.queue.intents([IntentState.QUEUED, IntentState.WAITING])
        stats = client.transport.stats
        return {
            "preview_s": preview_s,
            "send_real_s": real_s,
            "send_sim_s": (sim_end - sim_start).total_seconds(),
            "same_utc_day": float(sim_end.date() == sim_start.date() and not left),
            "created_intents": report.created,
            "failed": report.failed,
            "rate_limited": stats.rate_limited,
            "in_sandbox": _sessions_in_sandbox(server),
        }


def main() -> int:
    """Plan the term, then send it to an in-process sandbox; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--weeks", type=int, default=12)
    args = parser.parse_args()
    set_default_actor("benchmark")
    text, people = term_csv(args.hosts, args.weeks)
    plan_s, sessions, requests, peak = _plan_only(text)
    ratio = sessions / requests
    server = SandboxServer(seed="empty", speed=1, start_time=START)
    server.start()
    try:
        server.sandbox.config.plan = "business"
        with tempfile.TemporaryDirectory() as tmp:
            store = Store.open_file(Path(tmp) / "bench.sqlite3")
            sent = asyncio.run(_send(server, store, text, people))
            store.close()
    finally:
        server.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    checks = [
        ("planning (parse, expand, plan, cost)", f"{plan_s:.3f} s", plan_s < PLAN_TARGET_S),
        ("preview through the service", f"{sent['preview_s']:.3f} s", None),
        ("sessions / requests", f"{sessions} / {requests} = {ratio:.1f}", ratio >= RATIO_TARGET),
        ("vs one request per session", f"{sessions} requests", None),
        ("sent: real seconds", f"{sent['send_real_s']:.1f} s", None),
        ("sent: sandbox-clock time", f"{sent['send_sim_s']:.1f} s", None),
        (
            "all created within the same UTC day",
            str(bool(sent["same_utc_day"])),
            bool(sent["same_utc_day"]),
        ),
        ("429 answers", str(int(sent["rate_limited"])), sent["rate_limited"] == 0),
        ("sessions in the sandbox", str(int(sent["in_sandbox"])), sent["in_sandbox"] == sessions),
        ("failed intents", str(int(sent["failed"])), sent["failed"] == 0),
        ("planning peak (tracemalloc)", f"{peak / 2**20:.1f} MiB", None),
        ("process peak RSS (sandbox in-process)", f"{rss:.0f} MiB", None),
    ]
    for label, figure, ok in checks:
        verdict = "" if ok is None else (" PASS" if ok else " FAIL")
        print(f"{label:<42} {figure}{verdict}")
    return 0 if all(ok is not False for _, _, ok in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
