"""Agents, desks and a separately started sandbox for the shared-database tests.

Each agent is a real ``zoomadmin agent`` process whose JSON log goes to ``agent.log`` in its
own basedir; :meth:`Agents.logs` gives the tail of every log, which the tests put in their
failure messages (a process that never led says why there).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from zoomadmin.store.repositories import Store

LOG_TAIL = 40
"""Lines of each agent's log a failure message shows."""


def serve_sandbox(*options: str) -> Iterator[dict[str, Any]]:
    """``zoomadmin sandbox serve --seed demo OPTIONS...`` for as long as the caller iterates:
    its JSON line (URLs, account and credentials). A ``--seed`` in OPTIONS wins."""
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "zoomadmin", "sandbox", "serve", "--seed", "demo", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("{"), f"sandbox serve did not start (exit {proc.poll()})"
        yield json.loads(line)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def sandbox_environment(info: dict[str, Any], database: str | None) -> dict[str, str]:
    """The environment that opens the served sandbox's account on ``database`` (None: each
    basedir's own SQLite file)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZOOMADMIN_")}
    env |= {
        "ZOOMADMIN_ACCOUNT_ID": info["account_id"],
        "ZOOMADMIN_CLIENT_ID": info["client_id"],
        "ZOOMADMIN_CLIENT_SECRET": info["client_secret"],
        "ZOOMADMIN_API_URL": info["api_url"],
        "ZOOMADMIN_OAUTH_URL": info["oauth_url"],
        "ZOOMADMIN_SANDBOX_ADMIN_URL": info["admin_url"],
    }
    if database is not None:
        env["ZOOMADMIN_DATABASE_URL"] = database
    return env


def zoom_api(info: dict[str, Any], *, timeout: float = 10) -> httpx.Client:
    """A client of the served sandbox's Zoom API, signed in as its account (server-to-server
    OAuth), for a test or benchmark that looks at Zoom or sets it up itself."""
    token = httpx.post(
        info["oauth_url"],
        params={"grant_type": "account_credentials", "account_id": info["account_id"]},
        auth=(info["client_id"], info["client_secret"]),
        timeout=timeout,
    ).json()["access_token"]
    return httpx.Client(
        base_url=info["api_url"], headers={"Authorization": f"Bearer {token}"}, timeout=timeout
    )


def intent_states(store: Store) -> dict[str, int]:
    """How many schedule-queue entries are in each state, read straight from the database."""
    from sqlalchemy import text

    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT state, count(*) FROM schedule_intent GROUP BY state"))
        return {str(state): int(n) for state, n in rows}


def wait_for(what: Callable[[], Any], seconds: float, every: float = 0.3) -> Any:
    """``what()``'s first truthy answer within ``seconds``; its last answer otherwise."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = what()
        if got:
            return got
        time.sleep(every)
    return what()


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cli(env: dict[str, str], basedir: Path, *argv: str, timeout: float = 120) -> dict[str, Any]:
    """``zoomadmin --basedir DIR ARGV... --json``'s document (it must exit 0)."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "zoomadmin", "--basedir", str(basedir), *argv, "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return dict(json.loads(done.stdout))


class Agents:
    """The agent processes one test started; every one still running is killed at the end."""

    def __init__(self, env: dict[str, str], root: Path) -> None:
        self.env = env
        self._root = root
        self.started: list[tuple[str, subprocess.Popen[str]]] = []

    def folder(self, name: str) -> Path:
        """A basedir of its own under the test's folder."""
        folder = self._root / name
        folder.mkdir(exist_ok=True)
        return folder

    def start(self, name: str, *extra: str) -> subprocess.Popen[str]:
        """``zoomadmin --basedir ROOT/NAME agent EXTRA...``, its log in that basedir."""
        basedir = self.folder(name)
        with (basedir / "agent.log").open("a") as log:
            proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "zoomadmin", "--basedir", str(basedir), "agent", *extra],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=log,
                text=True,
            )
        self.started.append((name, proc))
        return proc

    def status(self) -> dict[str, Any]:
        """``zoomadmin agent status --json`` from a basedir of its own."""
        return cli(self.env, self.folder("status"), "agent", "status", timeout=60)

    def leader_pid(self) -> int | None:
        """The pid ``agent status`` names as the leader's (None: nobody leads)."""
        return (self.status()["leader"] or {}).get("pid")

    def log_lines(self, name: str) -> list[dict[str, Any]]:
        """One agent's JSON log lines."""
        text = (self._root / name / "agent.log").read_text()
        return [json.loads(line) for line in text.splitlines() if line.startswith("{")]

    def logs(self) -> str:
        """The tail of every agent's log, for a failure message."""
        parts = []
        for name, proc in self.started:
            lines = (self._root / name / "agent.log").read_text().splitlines()[-LOG_TAIL:]
            state = "running" if proc.poll() is None else f"exited {proc.returncode}"
            parts.append(f"--- agent {name} (pid {proc.pid}, {state}):\n" + "\n".join(lines))
        return "\n".join(parts)

    def stop(self, proc: subprocess.Popen[str], *, within: float = 30) -> int:
        """SIGTERM, then the exit code (killed when it does not end ``within`` s)."""
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout=within)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
            raise

    def kill_all(self) -> None:
        """Kill every agent still running."""
        for _, proc in self.started:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
