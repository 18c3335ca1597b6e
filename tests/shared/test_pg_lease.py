"""The jobs lease on PostgreSQL: one leader, a standby that takes over when the leader's
session ends, a desk that yields to an agent, and a supervisor that stops its jobs when the
lease is lost."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import psycopg
import pytest

from zoomadmin.core.changes import ChangeBus
from zoomadmin.jobs.pg_lease import AGENT, DESKTOP, PostgresLease, lock_key
from zoomadmin.jobs.supervisor import JobReport, JobState, Supervisor
from zoomadmin.store.db import libpq_conninfo
from zoomadmin.store.repositories import Store

ACCOUNT = "acct-1"


@pytest.fixture
async def store(postgres_url: str) -> AsyncIterator[Store]:
    opened = await asyncio.to_thread(Store.open, postgres_url)
    yield opened
    await asyncio.to_thread(opened.close)


def _lease(store: Store, role: str = AGENT, **options: Any) -> PostgresLease:
    url = store.engine.url.render_as_string(hide_password=False)
    return PostgresLease(
        url, account=ACCOUNT, registry=store.processes, role=role, check_every=0.1, **options
    )


def _end_sessions_holding_the_lock(store: Store) -> int:
    """What ``kill -9`` of the leader does to its lock: the server ends its session."""
    url = store.engine.url.render_as_string(hide_password=False)
    key = lock_key(ACCOUNT)
    with psycopg.connect(libpq_conninfo(url), autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
            " AND granted AND ((classid::bigint << 32) | objid::bigint) = %s",
            (key & 0xFFFFFFFFFFFFFFFF,),
        ).fetchall()
    return len(rows)


async def test_one_leads_the_other_stands_by_and_takes_over(store: Store) -> None:
    first, second = _lease(store), _lease(store)
    try:
        assert await first.acquire()
        assert not await second.acquire()
        holder = await second.holder()
        assert holder is not None and "agent" in holder.host
        assert _end_sessions_holding_the_lock(store) == 1
        await asyncio.wait_for(first.lost(), 5)
        assert not first.held
        assert await second.acquire()
        alive = await asyncio.to_thread(store.processes.alive, ACCOUNT)
        assert [p.id for p in alive if p.leading] == [second.process_id]
    finally:
        await first.release()
        await second.release()


async def test_a_desk_leads_only_while_no_agent_is_alive(store: Store) -> None:
    desk = _lease(store, DESKTOP)
    agent = _lease(store, AGENT)
    try:
        assert await desk.acquire()
        # The agent arrives: it stands by (the desk holds the lock), and the desk yields.
        assert not await agent.acquire()
        await asyncio.wait_for(desk.lost(), 5)
        assert await agent.acquire()
        assert not await desk.acquire()
    finally:
        await desk.release()
        await agent.release()


class _Steady:
    name = "steady"

    def __init__(self) -> None:
        self.cancelled = asyncio.Event()

    async def run(self, report: JobReport) -> None:
        report.waiting(None, "idle")
        try:
            await asyncio.Event().wait()
        finally:
            self.cancelled.set()


async def test_a_supervisor_that_loses_the_lease_stops_its_jobs_and_stands_by(
    store: Store,
) -> None:
    job = _Steady()
    lease = _lease(store)
    supervisor = Supervisor([job], lease=lease, bus=ChangeBus(), lease_retry=0.1)
    supervisor.start()
    try:
        for _ in range(100):
            if supervisor.statuses[0].state is JobState.WAITING:
                break
            await asyncio.sleep(0.05)
        assert supervisor.leading
        other = psycopg.connect(libpq_conninfo(lease_url(store)), autocommit=True)
        try:
            assert _end_sessions_holding_the_lock(store) == 1
            # Another process takes the lock before this one reconnects.
            other.execute("SELECT pg_advisory_lock(%s)", (lock_key(ACCOUNT),))
            await asyncio.wait_for(job.cancelled.wait(), 5)
            await asyncio.sleep(0.3)
            assert supervisor.statuses[0].state is JobState.STANDBY
            assert not supervisor.leading
        finally:
            other.close()
        # The other process is gone: this one leads again.
        for _ in range(100):
            if supervisor.leading:
                break
            await asyncio.sleep(0.05)
        assert supervisor.leading
    finally:
        await supervisor.stop()


def lease_url(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)
