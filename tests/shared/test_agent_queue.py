"""A curriculum submitted from a desk on the shared database wakes the leading agent's
queue: every entry is taken up at once, not at the agent's next wake-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from agent_support import Agents, cli, intent_states, wait_for

from zoomadmin.store.repositories import Store

pytestmark = pytest.mark.slow
HOSTS = 4
SESSIONS_PER_HOST = 12


def add_hosts(agents: Agents, desk: Path, tenant: str, count: int) -> list[str]:
    """A tenant (UTC) and ``count`` new hosts made by the desk in Zoom; their emails."""
    cli(agents.env, desk, "tenants", "add", tenant, "--timezone", "UTC")
    return [
        cli(
            agents.env,
            desk,
            *("hosts", "add", "--tenant", tenant, "--first-name", "Host"),
            *("--last-name", f"N{n}"),
        )["host"]["email"]
        for n in range(count)
    ]


def write_curriculum(path: Path, tenant: str, hosts: list[str], per_host: int) -> int:
    """One 45-minute session a day per host, from nine days on; the number of sessions."""
    day = (datetime.now(UTC) + timedelta(days=9)).date()
    rows = [
        "tenant,host_email,title,weekday,start_time,duration_minutes,"
        "first_date,last_date,skip_dates,timezone"
    ]
    for email in hosts:
        for n in range(per_host):
            on = day + timedelta(days=n)
            at = f"{8 + n % 8:02d}:00"
            rows.append(f"{tenant},{email},Session {n:02d},{on:%a},{at},45,{on},{on},,")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(hosts) * per_host


def leader(store: Store) -> int | None:
    """The leading process's pid as the registry has it."""
    return next((p.pid for p in store.processes.alive(None) if p.leading), None)


def test_a_desks_submission_wakes_the_leading_agents_queue(
    agents: Agents, postgres_url: str, tmp_path: Path
) -> None:
    desk = agents.folder("desk")
    emails = add_hosts(agents, desk, "Agents", HOSTS)
    first, second = agents.start("a"), agents.start("b")
    store = Store.open(postgres_url)
    try:
        assert wait_for(lambda: leader(store) in (first.pid, second.pid), 60), agents.logs()
        csv = tmp_path / "term.csv"
        total = write_curriculum(csv, "Agents", emails, SESSIONS_PER_HOST)
        submitted = cli(agents.env, desk, "curriculum", "submit", str(csv))
        assert submitted["intents"] == total
        # The desk's submission wakes the leader's queue (a notification, not a poll): every
        # entry is taken up within seconds, not at the leader's next wake-up (00:00 UTC).
        assert wait_for(lambda: "queued" not in intent_states(store), 20), (
            intent_states(store),
            agents.logs(),
        )
        assert sum(intent_states(store).values()) == total
    finally:
        store.close()
        for proc in (first, second):
            if proc.poll() is None:
                agents.stop(proc)
