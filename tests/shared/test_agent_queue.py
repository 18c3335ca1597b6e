"""A curriculum submitted from a desk on the shared database wakes the leading agent's
queue: every entry is taken up at once, not at the agent's next wake-up."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_agent_failover import _agent, _environment, _wait_for

from zoomadmin.store.repositories import Store

pytestmark = pytest.mark.slow
HOSTS = 4
SESSIONS_PER_HOST = 12


@pytest.fixture(scope="module")
def served() -> Any:
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "zoomadmin",
            "sandbox",
            "serve",
            *("--seed", "demo", "--speed", "1"),
        ],
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


def _cli(env: dict[str, str], basedir: Path, *argv: str) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "zoomadmin", "--basedir", str(basedir), *argv, "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return dict(json.loads(done.stdout))


def _curriculum(path: Path, hosts: list[str]) -> None:
    day = (datetime.now(UTC) + timedelta(days=9)).date()
    rows = [
        "tenant,host_email,title,weekday,start_time,duration_minutes,first_date,last_date,skip_dates,timezone"
    ]
    for email in hosts:
        for n in range(SESSIONS_PER_HOST):
            on = day + timedelta(days=n)
            rows.append(f"Agents,{email},Session {n:02d},{on:%a},{8 + n % 8:02d}:00,45,{on},{on},,")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_a_desks_submission_wakes_the_leading_agents_queue(
    served: dict[str, Any], postgres_url: str, tmp_path: Path
) -> None:
    env = _environment(served, postgres_url)
    desk = tmp_path / "desk"
    desk.mkdir()
    _cli(env, desk, "tenants", "add", "Agents", "--timezone", "UTC")
    emails = [
        _cli(
            env,
            desk,
            "hosts",
            "add",
            "--tenant",
            "Agents",
            "--first-name",
            "Host",
            "--last-name",
            f"N{n}",
        )["host"]["email"]
        for n in range(HOSTS)
    ]
    first = _agent(env, _folder(tmp_path, "a"))
    second = _agent(env, _folder(tmp_path, "b"))
    store = Store.open(postgres_url)
    try:
        assert _wait_for(lambda: _leader(store) in (first.pid, second.pid), 60)
        csv = tmp_path / "term.csv"
        _curriculum(csv, emails)
        submitted = _cli(env, desk, "curriculum", "submit", str(csv))
        total = HOSTS * SESSIONS_PER_HOST
        assert submitted["intents"] == total
        # The desk's submission wakes the leader's queue (a notification, not a poll): every
        # entry is taken up within seconds, not at the leader's next wake-up (00:00 UTC).
        assert _wait_for(lambda: "queued" not in _states(store), 20), _states(store)
        assert sum(_states(store).values()) == total
    finally:
        store.close()
        for proc in (first, second):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=30)


def _folder(root: Path, name: str) -> Path:
    folder = root / name
    folder.mkdir()
    return folder


def _leader(store: Store) -> int | None:
    return next((p.pid for p in store.processes.alive(None) if p.leading), None)


def _states(store: Store) -> dict[str, int]:
    from sqlalchemy import text

    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT state, count(*) FROM schedule_intent GROUP BY state"))
        return {str(state): int(n) for state, n in rows}


def _reasons(store: Store) -> list[str]:
    from sqlalchemy import text

    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT DISTINCT reason FROM schedule_intent"))
        return [str(reason) for (reason,) in rows]


def _created(store: Store) -> int:
    return _states(store).get("created", 0)


def _zoom(info: dict[str, Any]) -> httpx.Client:
    token = httpx.post(
        info["oauth_url"],
        params={"grant_type": "account_credentials", "account_id": info["account_id"]},
        auth=(info["client_id"], info["client_secret"]),
        timeout=10,
    ).json()["access_token"]
    return httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=10)


def _active_users(info: dict[str, Any]) -> list[str]:
    """Active users of the demo account that are not its owner (they may host meetings)."""
    with _zoom(info) as client:
        users = client.get(f"{info['api_url']}/users", params={"page_size": 300}).json()
    return sorted(
        u["email"]
        for u in users["users"]
        if u.get("status") == "active" and u.get("role_id") != "0"
    )


def _zoom_meetings(info: dict[str, Any], emails: list[str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    with _zoom(info) as client:
        for email in emails:
            for _ in range(5):  # the sandbox's injected faults hit these reads too
                answer = client.get(
                    f"{info['api_url']}/users/{email}/meetings",
                    params={"type": "scheduled", "page_size": 300},
                )
                if answer.status_code == 200:
                    break
                time.sleep(0.2)
            assert answer.status_code == 200, answer.text
            found += answer.json()["meetings"]
    return found
