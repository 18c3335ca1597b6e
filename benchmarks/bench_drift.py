"""Benchmark: the drift report over 1,000 hosts against the floor the per-second limit sets.

A bulk sandbox account (business plan: Medium 60/s) holds 1,000 hosts of one tenant, each
given the tenant's default policy; 50 have a setting changed "from outside". The report reads
every host's effective settings (``GET /users/{id}/settings``, Medium) plus the account's
settings and locks once, and, with the tenant held in a Zoom group, the group's settings,
locks and member pages once. Every request is Medium, so the floor is the requests beyond
the first full bucket at 60 a second: ``(requests - 60) / 60``. Target: within 1.2x of it.

Run: ``.venv/bin/python benchmarks/bench_drift.py [--hosts 1000 --drifted 50]``
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from zoomadmin.account.runtime import AccountRuntime
from zoomadmin.core.policy import default_policy
from zoomadmin.sandbox import SandboxServer
from zoomadmin.sandbox.seed import seed_bulk
from zoomadmin.services.connection import ActiveAccount, sandbox_credentials
from zoomadmin.store.hosts import HostData
from zoomadmin.store.repositories import Store
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.limits import Plan

MEDIUM_PER_SECOND = 60
TARGET = 1.2
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class Round:
    """One timed drift report."""

    name: str
    seconds: float
    requests: int
    rate_limited: int
    rows: int

    @property
    def floor(self) -> float:
        """Seconds the Medium budget allows for these requests at best."""
        return max(self.requests - MEDIUM_PER_SECOND, 0) / MEDIUM_PER_SECOND

    @property
    def ratio(self) -> float:
        """How far above the floor the report took."""
        return self.seconds / self.floor if self.floor else 0.0


def _prepare(server: SandboxServer, store: Store, hosts: int, drifted: int) -> int:
    state = server.sandbox.state
    seed_bulk(state, users=hosts, meetings=0, now=server.sandbox.clock.now())
    users = [u for u in state.users.values() if u.id != state.owner_id][:hosts]
    tenant = store.tenants.create(name="Bench", timezone="UTC", mailbox="b", domain="bench.example")
    store.hosts.upsert([HostData(u.id, u.email, tenant_id=tenant.id) for u in users])
    # Every host holds the policy already (as new hosts get it), then some drift.
    patch = default_policy("Bench").settings_patch()
    for user in users:
        for group, values in patch.items():
            user.settings.setdefault(group, {}).update(values)
    admin = server.info.admin_url
    for user in users[:drifted]:
        body = {"schedule_meeting": {"join_before_host": True}}  # unlocked: drifts in a group too
        httpx.patch(f"{admin}/users/{user.id}/settings", json=body, timeout=10).raise_for_status()
    return tenant.id


async def _report(runtime: AccountRuntime, zoom: ZoomClient, name: str) -> Round:
    before = zoom.transport.stats.requests, zoom.transport.stats.rate_limited
    shown: list[tuple[int, int]] = []
    started = time.perf_counter()
    await runtime.services.drift.scan(progress=lambda d, t: shown.append((d, t)))
    rows = await runtime.services.drift.rows()
    seconds = time.perf_counter() - started
    stats = zoom.transport.stats
    requests, limited = stats.requests - before[0], stats.rate_limited - before[1]
    return Round(name, seconds, requests, limited, len(rows))


async def _run(hosts: int, drifted: int) -> list[Round]:
    server = SandboxServer(seed="empty", speed=0, start_time=START)
    server.start()
    folder = Path(tempfile.mkdtemp())
    store = Store.open_file(folder / "bench.sqlite3")
    try:
        tenant = _prepare(server, store, hosts, drifted)
        creds = sandbox_credentials(server.info)
        async with ZoomClient(creds, plan=Plan.BUSINESS, max_concurrency=12) as zoom:
            account = ActiveAccount("Sandbox: bench", zoom, sandbox=server.info)
            runtime = AccountRuntime(account=account, store=store, clock=server.sandbox.clock)
            await zoom.get_me()
            await asyncio.sleep(1.1)  # a full bucket for each round
            per_user = await _report(runtime, zoom, "per user (no group)")
            await runtime.services.policies.bind_group(tenant)
            await asyncio.sleep(1.1)
            grouped = await _report(runtime, zoom, "tenant held in a Zoom group")
        return [per_user, grouped]
    finally:
        store.close()
        server.stop()


def main() -> None:
    """Run both rounds and print them against the floor."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hosts", type=int, default=1000)
    parser.add_argument("--drifted", type=int, default=50)
    args = parser.parse_args()
    rounds = asyncio.run(_run(args.hosts, args.drifted))
    print(f"drift report over {args.hosts} hosts, plan business (Medium {MEDIUM_PER_SECOND}/s)")
    print("| Round | Seconds | Requests | 429s | Drift rows | Floor | Ratio | Verdict |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rounds:
        verdict = "PASS" if r.ratio <= TARGET and r.rows == args.drifted else "FAIL"
        print(
            f"| {r.name} | {r.seconds:.1f} | {r.requests:,} | {r.rate_limited} | {r.rows} "
            f"| {r.floor:.1f} s | {r.ratio:.2f}x | {verdict} |"
        )


if __name__ == "__main__":
    main()
