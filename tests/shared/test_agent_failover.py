"""Two ``zoomadmin agent`` processes on one PostgreSQL database against a separately started
sandbox: one leads, one stands by; ``kill -9`` of the leader hands the jobs to the standby
within 15 s; ``agent status`` says so from a third process; SIGTERM ends an agent with 0."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.slow
TAKEOVER = 15.0
STATUS = ("agent", "status", "--json")


@pytest.fixture(scope="module")
def served() -> Iterator[dict[str, Any]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "zoomadmin", "sandbox", "serve", "--seed", "demo", "--speed", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        yield json.loads(proc.stdout.readline())
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)


def _environment(info: dict[str, Any], database: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZOOMADMIN_")}
    return env | {
        "ZOOMADMIN_ACCOUNT_ID": info["account_id"],
        "ZOOMADMIN_CLIENT_ID": info["client_id"],
        "ZOOMADMIN_CLIENT_SECRET": info["client_secret"],
        "ZOOMADMIN_API_URL": info["api_url"],
        "ZOOMADMIN_OAUTH_URL": info["oauth_url"],
        "ZOOMADMIN_SANDBOX_ADMIN_URL": info["admin_url"],
        "ZOOMADMIN_DATABASE_URL": database,
    }


def _agent(env: dict[str, str], basedir: Path, *extra: str) -> subprocess.Popen[str]:
    log = (basedir / "agent.log").open("w")
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "zoomadmin", "--basedir", str(basedir), "agent", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        text=True,
    )


def _status(env: dict[str, str], basedir: Path) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "zoomadmin", "--basedir", str(basedir), *STATUS],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def _wait_for(what: Any, seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = what()
        if got:
            return got
        time.sleep(0.3)
    return what()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_standby_takes_over_within_15_s_of_a_kill_9(
    served: dict[str, Any], postgres_url: str, tmp_path: Path
) -> None:
    env = _environment(served, postgres_url)
    folders = [tmp_path / name for name in ("a", "b", "status")]
    for folder in folders:
        folder.mkdir()
    port = _free_port()
    first = _agent(env, folders[0], "--health-listen", f"127.0.0.1:{port}")
    second: subprocess.Popen[str] | None = None
    try:
        led = _wait_for(lambda: (_status(env, folders[2])["leader"] or {}).get("pid"), 60)
        assert led == first.pid
        second = _agent(env, folders[1])
        status = _wait_for(lambda: (s := _status(env, folders[2]))["standbys"] and s, 60)
        assert status["leader"]["pid"] == first.pid
        assert [s["pid"] for s in status["standbys"]] == [second.pid]
        assert status["jobs"]["queue"]["state"] in ("running", "waiting")
        assert "queued" in status["queue"]
        health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
        assert health.status_code == 200 and health.json()["leading"] is True
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
        assert "zoomadmin_leading 1.0" in metrics
        assert 'zoomadmin_job_up{job="queue"} 1.0' in metrics

        killed = time.monotonic()
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        took = _wait_for(
            lambda: (
                (_status(env, folders[2])["leader"] or {}).get("pid") == second.pid
                and time.monotonic() - killed
            ),
            TAKEOVER + 5,
        )
        assert took and took <= TAKEOVER, f"no takeover within {TAKEOVER} s"
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0
        log = (folders[1] / "agent.log").read_text()
        lines = [json.loads(line) for line in log.splitlines() if line.strip()]
        assert any("leads the account's jobs" in line["msg"] for line in lines)
        assert lines[-1]["msg"] == "Stopped"
        assert served["client_secret"] not in log
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
