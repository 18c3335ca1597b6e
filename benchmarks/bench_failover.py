"""Benchmark: agent failover on PostgreSQL, from ``kill -9`` of the leader to the standby
leading, against the 15 s target.

Starts a throw-away PostgreSQL cluster (``tests/postgres_support.py``) and a sandbox
(``zoomadmin sandbox serve``), then two ``zoomadmin agent`` processes on one database; kills
the leader with SIGKILL, measures until the standby's heartbeat says it leads (read straight
from the database every 20 ms), starts a new standby, and repeats.

Run: ``.venv/bin/python benchmarks/bench_failover.py [--rounds N]``
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.postgres_support import postgres_server  # noqa: E402
from tests.shared.agent_support import sandbox_environment  # noqa: E402
from zoomadmin.store.repositories import Store  # noqa: E402

TARGET = 15.0


def _agent(env: dict[str, str], basedir: Path) -> subprocess.Popen[bytes]:
    basedir.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "zoomadmin", "--basedir", str(basedir), "agent"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(basedir / "agent.log").open("wb"),
    )


def _leader_pid(store: Store) -> int | None:
    alive = store.processes.alive(None)
    return next((p.pid for p in alive if p.leading), None)


def _wait_leader(store: Store, pid: int, within: float) -> float | None:
    began = time.monotonic()
    while time.monotonic() - began < within:
        if _leader_pid(store) == pid:
            return time.monotonic() - began
        time.sleep(0.02)
    return None


def _standing_by(store: Store, pid: int, within: float) -> bool:
    began = time.monotonic()
    while time.monotonic() - began < within:
        if any(p.pid == pid and not p.leading for p in store.processes.alive(None)):
            return True
        time.sleep(0.1)
    return False


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "zoomadmin", "sandbox", "serve", "--seed", "demo", "--speed", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert sandbox.stdout is not None
    info: dict[str, Any] = json.loads(sandbox.stdout.readline())
    folder = Path(tempfile.mkdtemp(prefix="zoomadmin-failover-"))
    took: list[float] = []
    agents: list[subprocess.Popen[bytes]] = []
    try:
        with postgres_server() as server:
            url = server.new_database()
            env = sandbox_environment(info, url)
            store = Store.open(url)
            leader = _agent(env, folder / "agent-0")
            agents.append(leader)
            if _wait_leader(store, leader.pid, 60) is None:
                print("the first agent never led", file=sys.stderr)
                return 1
            for n in range(1, rounds + 1):
                standby = _agent(env, folder / f"agent-{n}")
                agents.append(standby)
                if not _standing_by(store, standby.pid, 60):
                    print("the standby never reported", file=sys.stderr)
                    return 1
                leader.send_signal(signal.SIGKILL)
                leader.wait()
                seconds = _wait_leader(store, standby.pid, TARGET * 2)
                if seconds is None:
                    print(f"round {n}: no takeover within {TARGET * 2:.0f} s")
                    return 1
                print(f"round {n}: the standby led {seconds:.3f} s after kill -9")
                took.append(seconds)
                leader = standby
            store.close()
    finally:
        for agent in agents:
            if agent.poll() is None:
                agent.send_signal(signal.SIGTERM)
                agent.wait(timeout=30)
        sandbox.send_signal(signal.SIGINT)
        sandbox.wait(timeout=20)
    worst = max(took)
    verdict = "PASS" if worst <= TARGET else "FAIL"
    print(
        f"failover: median {statistics.median(took):.2f} s, worst {worst:.2f} s "
        f"over {len(took)} kills (target <= {TARGET:.0f} s): {verdict}"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
