"""``zoomadmin agent`` on the embedded sandbox (one machine, SQLite): it leads the account's
jobs, ``agent status`` names it the leader, and SIGTERM stops it with exit code 0."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _status(basedir: Path) -> dict[str, object]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "zoomadmin", "--basedir", str(basedir), "agent", "status", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def test_the_agent_leads_the_embedded_sandbox_and_stops_on_sigterm(tmp_path: Path) -> None:
    log = (tmp_path / "agent.log").open("w")
    agent = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "zoomadmin", "--basedir", str(tmp_path), "agent"],
        stdout=subprocess.DEVNULL,
        stderr=log,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        status = _status(tmp_path)
        while (status["leader"] or {}).get("pid") != agent.pid:  # type: ignore[attr-defined]
            assert time.monotonic() < deadline, f"{status}\n{(tmp_path / 'agent.log').read_text()}"
            time.sleep(0.5)
            status = _status(tmp_path)
        assert status["standbys"] == []
        agent.send_signal(signal.SIGTERM)
        assert agent.wait(timeout=30) == 0
    finally:
        if agent.poll() is None:
            agent.kill()
            agent.wait(timeout=10)
        log.close()
