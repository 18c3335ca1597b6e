"""Benchmark: list 10,000 users and the meetings of 1,000 hosts with ZoomClient vs a plain loop.

The sandbox (business plan: Medium 60/s) runs in this process with a bulk account; each way
of listing runs in its own child process so its time and peak memory (max RSS) are its own.
The plain loop is what scripts usually do: one request after another, ``time.sleep`` on a
429. ZoomClient lists a host's meetings while the users pages are still coming in, as an
async caller can. Two rounds: loopback as is, and with every answer delayed ``--latency``
seconds (the sandbox's ``slow`` fault), as over a real connection to Zoom.

Run: ``.venv/bin/python benchmarks/bench_client.py [--users 10000 --hosts 1000 --per-host 50]``
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import resource
import time
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

import httpx

from zoomadmin.sandbox import SandboxInfo, SandboxServer
from zoomadmin.sandbox.seed import seed_bulk
from zoomadmin.sandbox.state import User
from zoomadmin.zoom.auth import ZoomCredentials
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.limits import Plan


@dataclass
class Result:
    """What one way of listing saw and cost."""

    name: str
    seconds: float
    requests: int
    rate_limited: int
    users: int
    meetings: int
    max_rss_mib: float


def _seed(server: SandboxServer, users: int, hosts: int, per_host: int) -> None:
    state = server.sandbox.state
    now = server.sandbox.clock.now()
    seed_bulk(state, users=hosts, meetings=hosts * per_host, now=now)
    rng = random.Random(7)
    for index in range(users - len(state.users)):
        state.add_user(
            User(
                id=state.new_user_id(rng),
                email=f"staff+bulk-{index}@bench.example.org",
                first_name="Staff",
                last_name=f"{index:05d}",
                type=1,
                status="active",
                created_at=now - timedelta(days=30),
                pmi=3_000_000_000 + index,
            )
        )


async def _ours(info: SandboxInfo) -> tuple[int, int, int, int]:
    creds = ZoomCredentials(
        info.account_id, info.client_id, info.client_secret, info.api_url, info.oauth_url
    )
    async with ZoomClient(creds, plan=Plan.BUSINESS, max_concurrency=12) as zoom:

        async def count(host: str) -> int:
            return sum([1 async for _ in zoom.iter_meetings(host)])

        # Each host's meetings are listed as soon as the host appears on a users page, so
        # the budget is spent while the (necessarily sequential) users pages come in.
        users = []
        counts: list[asyncio.Task[int]] = []
        async with asyncio.TaskGroup() as group:
            async for user in zoom.iter_users():
                users.append(user)
                if user.email.startswith("host+bulk-"):
                    counts.append(group.create_task(count(user.id)))
        meetings = sum(task.result() for task in counts)
        stats = zoom.transport.stats
        return stats.requests + 1, stats.rate_limited, len(users), meetings


def _plain_get(http: httpx.Client, url: str, params: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """GET with the usual script's 429 handling; returns (body, 429s seen)."""
    seen = 0
    while True:
        response = http.get(url, params=params)
        if response.status_code != 429:
            response.raise_for_status()
            return response.json(), seen
        seen += 1
        retry = response.headers.get("retry-after", "1")
        time.sleep(float(retry) if retry.replace(".", "", 1).isdigit() else 1.0)


def _plain_pages(http: httpx.Client, url: str, key: str, counter: list[int]) -> list[Any]:
    items: list[Any] = []
    token = ""
    while True:
        params: dict[str, Any] = {"page_size": 300}
        if token:
            params["next_page_token"] = token
        body, limited = _plain_get(http, url, params)
        counter[0] += 1 + limited
        counter[1] += limited
        items.extend(body.get(key, []))
        token = body.get("next_page_token") or ""
        if not token:
            return items


def _plain(info: SandboxInfo) -> tuple[int, int, int, int]:
    with httpx.Client(timeout=30) as http:
        response = http.post(
            info.oauth_url,
            auth=(info.client_id, info.client_secret),
            data={"grant_type": "account_credentials", "account_id": info.account_id},
        )
        http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
        counter = [1, 0]
        users = _plain_pages(http, info.api_url + "/users", "users", counter)
        hosts = [u["id"] for u in users if u["email"].startswith("host+bulk-")]
        meetings = sum(
            len(_plain_pages(http, f"{info.api_url}/users/{h}/meetings", "meetings", counter))
            for h in hosts
        )
    return counter[0], counter[1], len(users), meetings


def _measure(name: str, info: SandboxInfo, queue: Any) -> None:
    started = time.perf_counter()
    if name == "zoomadmin ZoomClient":
        requests, limited, users, meetings = asyncio.run(_ours(info))
    else:
        requests, limited, users, meetings = _plain(info)
    seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(asdict(Result(name, seconds, requests, limited, users, meetings, rss)))


def _run_child(name: str, info: SandboxInfo) -> Result:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_measure, args=(name, info, queue))
    child.start()
    result = Result(**queue.get(timeout=900))
    child.join()
    return result


def _print(title: str, results: list[Result]) -> None:
    print(f"\n{title}")
    columns = ("seconds", "requests", "429s", "users", "meetings", "max RSS MiB")
    print(f"{'':22} " + " ".join(f"{c:>8}" for c in columns))
    for r in results:
        print(
            f"{r.name:22} {r.seconds:8.1f} {r.requests:8d} {r.rate_limited:8d} {r.users:8d} "
            f"{r.meetings:8d} {r.max_rss_mib:8.0f}"
        )
    plain, ours = results
    assert (ours.users, ours.meetings) == (plain.users, plain.meetings), "listings differ"
    print(
        f"speed-up: {plain.seconds / ours.seconds:.2f}x; 429s with ZoomClient: {ours.rate_limited}"
    )
    passed = ours.seconds < plain.seconds and ours.rate_limited == 0
    verdict = "PASS" if passed else "FAIL"
    print(f"{verdict}: ZoomClient faster than the plain loop with no 429 ({title})")


def main() -> None:
    """Seed, run both ways one after the other in each round, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=1_000)
    parser.add_argument("--per-host", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    names = ("plain httpx loop", "zoomadmin ZoomClient")
    with SandboxServer(seed="empty", speed=0) as server:
        _seed(server, args.users, args.hosts, args.per_host)
        state = server.sandbox.state
        print(f"sandbox: {len(state.users)} users, {len(state.meetings)} meetings, ", end="")
        print("plan business (Medium 60/s)")
        _print("loopback", [_run_child(n, server.info) for n in names])
        server.sandbox.set_faults(f"slow=1:{args.latency}")
        _print(
            f"{args.latency * 1000:.0f} ms per answer", [_run_child(n, server.info) for n in names]
        )


if __name__ == "__main__":
    main()
