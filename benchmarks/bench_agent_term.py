"""Benchmark: the 24,000-session term sent by ``zoomadmin agent``, on PostgreSQL against SQLite.

The term of ``bench_scheduler.py`` (200 hosts x 10 weekly slots x 12 weeks), this time the
way a server runs it: a ``zoomadmin sandbox serve`` of its own, the hosts made in it through
Zoom's API, a desk's command line adding the tenants, linking the hosts and submitting the
curriculum, then a ``zoomadmin agent`` process that sends the queue. Measured per backend,
from the agent's start: until it leads, and until every intent is created (read from the
database every 0.2 s). SQLite is the baseline of the same run (one machine, one file shared
by the desk's commands and the agent); PostgreSQL is a throw-away cluster
(``tests/postgres_support.py``). Target: PostgreSQL within 1.5x of SQLite's sending time.

Run: ``.venv/bin/python benchmarks/bench_agent_term.py [--hosts 200 --weeks 12]``
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_scheduler import ZONES, term_csv  # noqa: E402

from tests.postgres_support import postgres_server  # noqa: E402
from tests.shared.agent_support import (  # noqa: E402
    intent_states,
    sandbox_environment,
    serve_sandbox,
    zoom_api,
)
from zoomadmin.store.db import sqlite_url  # noqa: E402
from zoomadmin.store.repositories import Store  # noqa: E402

RATIO_TARGET = 1.5
SEND_LIMIT = 900.0
"""Seconds the agent may take to send the term before the run is called failed."""


@contextlib.contextmanager
def _sandbox() -> Iterator[dict[str, Any]]:
    served = serve_sandbox("--seed", "empty")  # the last --seed given is the one taken
    info = next(served)
    try:
        patch = {"plan": "business", "isv_partner": True}
        httpx.patch(f"{info['admin_url']}/config", json=patch, timeout=10).raise_for_status()
        yield info
    finally:
        served.close()


def _make_users(info: dict[str, Any], emails: list[str]) -> None:
    """The hosts as active Basic users of the sandbox (Zoom's ``custCreate``)."""
    with zoom_api(info, timeout=30) as zoom:
        for n, email in enumerate(emails):
            body = {
                "action": "custCreate",
                "user_info": {
                    "email": email,
                    "type": 1,
                    "first_name": "Teach",
                    "last_name": str(n),
                },
            }
            for _ in range(20):  # the sandbox's per-second limits apply to this script too
                answer = zoom.post("/users", json=body)
                if answer.status_code != 429:
                    break
                time.sleep(0.5)
            answer.raise_for_status()


def _cli(env: dict[str, str], basedir: Path, *argv: str) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "zoomadmin", "--basedir", str(basedir), *argv, "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:2])} failed: {done.stdout}{done.stderr}")
    return dict(json.loads(done.stdout))


def _leading(store: Store) -> bool:
    with contextlib.suppress(Exception):
        return any(p.leading for p in store.processes.alive(None))
    return False


def _first_monday() -> date:
    day = datetime.now(UTC).date() + timedelta(days=8)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _run(backend: str, database: str | None, args: argparse.Namespace) -> dict[str, float]:
    csv_text, people = term_csv(args.hosts, args.weeks, _first_monday())
    folder = Path(tempfile.mkdtemp(prefix=f"zoomadmin-term-{backend}-"))
    with _sandbox() as info:
        env = sandbox_environment(info, database)
        _make_users(info, [email for _, email in people])
        desk = folder / "desk"
        for tenant, zone in ZONES.items():
            _cli(env, desk, "tenants", "add", tenant, "--timezone", zone)
        for tenant in ZONES:
            emails = [email for t, email in people if t == tenant]
            _cli(env, desk, "hosts", "link", *emails, "--tenant", tenant)
        csv_path = folder / "term.csv"
        csv_path.write_text(csv_text, encoding="utf-8")
        submitted = _cli(env, desk, "curriculum", "submit", str(csv_path))
        intents = int(submitted["intents"])
        url = database or sqlite_url(_sqlite_file(desk))
        store = Store.open(url)
        # The agent shares the desk's basedir: on SQLite that is how they share one file.
        agent = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "zoomadmin", "--basedir", str(desk), "agent"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(folder / "agent.log").open("w"),
        )
        began = time.monotonic()
        led = first = None
        try:
            while time.monotonic() - began < SEND_LIMIT:
                states = intent_states(store)
                if led is None and _leading(store):
                    led = time.monotonic() - began
                if first is None and states.get("created"):
                    first = time.monotonic() - began
                if states.get("created", 0) == intents:
                    break
                time.sleep(0.2)
            done = time.monotonic() - began
            states = intent_states(store)
        finally:
            agent.send_signal(signal.SIGTERM)
            agent.wait(timeout=60)
            store.close()
    return {
        "intents": intents,
        "created": states.get("created", 0),
        "failed": states.get("failed", 0),
        "led_s": led or float("nan"),
        "first_s": first or float("nan"),
        "all_s": done,
        "exit": agent.returncode,
    }


def _sqlite_file(basedir: Path) -> Path:
    """The account database the desk's commands made in ``basedir`` (the one SQLite file)."""
    found = sorted(basedir.rglob("*.sqlite3"), key=lambda p: p.stat().st_size)
    if not found:
        raise RuntimeError(f"no account database under {basedir}")
    return found[-1]


def _seconds(value: float) -> str:
    """``1.23 s``; "not seen" when the heartbeat never showed it before the queue was done."""
    return "not seen" if math.isnan(value) else f"{value:.2f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--weeks", type=int, default=12)
    args = parser.parse_args()
    results = {"sqlite": _run("sqlite", None, args)}
    with postgres_server() as server:
        results["postgresql"] = _run("postgresql", server.new_database(), args)
    for name, r in results.items():
        print(
            f"{name:<11} {int(r['created'])}/{int(r['intents'])} intents created,"
            f" {int(r['failed'])} failed; led after {_seconds(r['led_s'])}, first created"
            f" {r['first_s']:.2f} s, all {r['all_s']:.1f} s; agent exit {int(r['exit'])}"
        )
    lite, pg = results["sqlite"], results["postgresql"]
    ratio = pg["all_s"] / lite["all_s"]
    complete = all(r["created"] == r["intents"] and r["exit"] == 0 for r in results.values())
    ok = complete and ratio <= RATIO_TARGET
    print(
        f"PostgreSQL against SQLite: {ratio:.2f}x (target <= {RATIO_TARGET}x):"
        f" {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
