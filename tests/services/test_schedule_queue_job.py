"""The schedule queue as a supervised job: sends after a submit, sleeps to 00:00 UTC."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from schedule_support import curriculum_csv, tenant_with_hosts
from tenancy_support import Tenancy, store, tenancy

from zoomadmin.core import clock as core_clock
from zoomadmin.core.changes import ChangeKind
from zoomadmin.core.schedule import IntentState
from zoomadmin.jobs.lease import LocalLease
from zoomadmin.jobs.schedule_queue import ScheduleQueueJob
from zoomadmin.jobs.supervisor import JobState, Supervisor

__all__ = ["store", "tenancy"]


async def _until(condition_met: object, what: str, seconds: float = 20.0) -> None:
    """Wait (on events, checked as they come) until ``condition_met()`` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition_met():  # type: ignore[operator]
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def test_the_job_sends_a_submission_and_wakes_at_utc_midnight(
    tenancy: Tenancy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core_clock, "MAX_NAP", 0.05)  # the stepped clock jumps: look often
    _, (email,) = await tenant_with_hosts(tenancy, "Acme", "UTC", 1)
    services = tenancy.runtime.services
    queue = services.queue
    job = ScheduleQueueJob(queue, tenancy.server.sandbox.clock)
    supervisor = Supervisor([job], lease=LocalLease(), bus=tenancy.bus)
    created: set[object] = set()
    tenancy.bus.subscribe(
        lambda c: created.update(c.ids) if c.kind is ChangeKind.SESSIONS else None
    )
    supervisor.start()
    try:
        rows = [f"Acme,{email},Algebra,Tue,09:00,30,2026-03-03,2026-03-03,,"]
        submitted = await services.curricula.submit_csv(curriculum_csv(rows))
        await _until(lambda: created, "the first meeting")
        user = submitted.preview.hosts[email].zoom_user_id
        tenancy.server.sandbox.state.quota[(user, tenancy.now().date())] = 100  # spent in Zoom
        later = [f"Acme,{email},Physics,Wed,09:00,30,2026-03-04,2026-03-04,,"]
        await services.curricula.submit_csv(curriculum_csv(later))
        midnight = datetime(2026, 3, 3, tzinfo=UTC)

        def waits_for_midnight() -> bool:
            return supervisor.statuses[0].until == midnight

        await _until(waits_for_midnight, "the job to wait for 00:00 UTC")
        status = supervisor.statuses[0]
        assert status.state is JobState.WAITING and "1 wait for Tue 00:00 UTC" in status.detail
        tenancy.server.sandbox.clock.advance(midnight - tenancy.now() + timedelta(seconds=1))

        open_states = [IntentState.WAITING, IntentState.QUEUED, IntentState.SENDING]
        for _ in range(400):  # about 20 s at most
            if not await queue.intents(open_states):
                break
            await asyncio.sleep(0.05)
        assert not await queue.intents(open_states), "nothing was sent after midnight"
        assert len(await queue.intents([IntentState.CREATED])) == 2
    finally:
        await supervisor.stop()


async def test_a_submit_during_a_pass_is_not_slept_through(
    tenancy: Tenancy, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue = tenancy.runtime.services.queue
    schedule = tenancy.store.schedule
    real = schedule.open_hosts

    def open_hosts() -> list[str]:
        queue.wake()  # a curriculum submitted while the pass reads the queue
        return real()

    monkeypatch.setattr(schedule, "open_hosts", open_hosts)
    await queue.run_once()
    await asyncio.wait_for(queue.wait_for_work(tenancy.server.sandbox.clock, None), timeout=10)
