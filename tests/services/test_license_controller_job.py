"""The license controller as a supervised job, on the sandbox's running clock: Zoom's events
come through the account's event stream, and the seats follow the sessions."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from pool_support import pool_day
from tenancy_support import Tenancy, store, tenancy

from zoomadmin.core import clock as core_clock
from zoomadmin.jobs.event_stream import EventStreamJob
from zoomadmin.jobs.lease import LocalLease
from zoomadmin.jobs.license_controller import LicenseControllerJob
from zoomadmin.jobs.supervisor import JobState, Supervisor

__all__ = ["store", "tenancy"]

SPEED = 600.0
"""Sandbox seconds per real second: ten sandbox minutes a second."""


async def test_the_job_attaches_before_and_detaches_after_each_session(
    tenancy: Tenancy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core_clock, "MAX_NAP", 0.05)
    day = await pool_day(tenancy, slots=1, per_slot=2, first=tenancy.now() + timedelta(minutes=15))
    runtime = tenancy.runtime
    job = LicenseControllerJob(
        runtime.events, day.control, tenancy.server.sandbox.clock, runtime.bus
    )
    supervisor = Supervisor(
        [EventStreamJob(runtime.events), job], lease=LocalLease(), bus=runtime.bus
    )
    users = tenancy.server.sandbox.state.users
    hosts = [users[s.host_id] for s in day.sessions]
    supervisor.start()
    try:
        await asyncio.sleep(0.5)  # the stream connects while the clock stands
        tenancy.server.sandbox.clock.set_speed(SPEED)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while not all(h.type == 2 for h in hosts):
            assert loop.time() < deadline, "no seat went on before the sessions"
            await asyncio.sleep(0.02)
        attached_at = tenancy.now()
        assert attached_at < day.sessions[0].start
        while any(h.type == 2 for h in hosts) or len(tenancy.server.sandbox.state.past) < 2:
            assert loop.time() < deadline, "the seats did not go back after the sessions"
            await asyncio.sleep(0.02)
        tenancy.server.sandbox.clock.set_speed(0)
        assert all(day.started_licensed(s, run) for s, run in day.runs())
        status = next(s for s in supervisor.statuses if s.name == "pool")
        assert status.state in (JobState.WAITING, JobState.RUNNING)
        assert job.steps >= 3
    finally:
        tenancy.server.sandbox.clock.set_speed(0)
        await supervisor.stop()
