"""Two ``zoomadmin agent`` processes on one PostgreSQL database against a separately started
sandbox: one leads, one stands by; ``kill -9`` of the leader hands the jobs to the standby
within 15 s; ``agent status`` says so from a third process; SIGTERM ends an agent with 0."""

from __future__ import annotations

import signal
import time
from typing import Any

import httpx
import pytest
from agent_support import Agents, free_port, wait_for

pytestmark = pytest.mark.slow
TAKEOVER = 15.0
FIRST_LEAD = 90.0
"""Seconds the first agent may take to start and lead (migrations on a fresh database)."""


def test_the_standby_takes_over_within_15_s_of_a_kill_9(
    agents: Agents, served: dict[str, Any]
) -> None:
    port = free_port()
    first = agents.start("a", "--health-listen", f"127.0.0.1:{port}")
    led = wait_for(agents.leader_pid, FIRST_LEAD)
    assert led == first.pid, agents.logs()
    second = agents.start("b")
    # The leader's heartbeat carries its jobs as they run (a change rewrites it at once).
    status = wait_for(
        lambda: (
            (s := agents.status())["standbys"]
            and s["jobs"].get("queue", {}).get("state") in ("running", "waiting")
            and s
        ),
        60,
    )
    assert status, f"{agents.status()}\n{agents.logs()}"
    assert status["leader"]["pid"] == first.pid
    assert [s["pid"] for s in status["standbys"]] == [second.pid]
    assert "queued" in status["queue"]
    health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
    assert health.status_code == 200 and health.json()["leading"] is True
    metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    assert "zoomadmin_leading 1.0" in metrics
    assert 'zoomadmin_job_up{job="queue"} 1.0' in metrics

    killed = time.monotonic()
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    took = wait_for(
        lambda: agents.leader_pid() == second.pid and time.monotonic() - killed, TAKEOVER + 5
    )
    assert took and took <= TAKEOVER, f"no takeover within {TAKEOVER} s\n{agents.logs()}"
    assert agents.stop(second) == 0, agents.logs()
    lines = agents.log_lines("b")
    assert any("leads the account's jobs" in line["msg"] for line in lines)
    assert lines[-1]["msg"] == "Stopped"
    assert served["client_secret"] not in (agents.folder("b") / "agent.log").read_text()
