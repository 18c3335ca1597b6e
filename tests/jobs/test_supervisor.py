"""The jobs supervisor: restarts a crashed job, reports states, and runs only with the lease."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from zoomadmin.core.changes import Change, ChangeBus, ChangeKind
from zoomadmin.jobs.lease import FileLease
from zoomadmin.jobs.supervisor import JobReport, JobState, Supervisor, jobs_summary

FAST = (0.01, 0.05)


class Flaky:
    """Crashes the first ``crashes`` times it runs, then runs until cancelled."""

    name = "flaky"

    def __init__(self, crashes: int) -> None:
        self.crashes = crashes
        self.runs = 0
        self.running = asyncio.Event()

    async def run(self, report: JobReport) -> None:
        self.runs += 1
        if self.runs <= self.crashes:
            raise RuntimeError(f"crash {self.runs}")
        report.running("steady")
        self.running.set()
        await asyncio.Future()


class Steady:
    """Runs until cancelled and notes that it was cancelled."""

    name = "steady"

    def __init__(self) -> None:
        self.cancelled = False

    async def run(self, report: JobReport) -> None:
        report.waiting(None, "for work")
        try:
            await asyncio.Future()
        finally:
            self.cancelled = True


async def test_a_crashed_job_is_restarted_and_the_others_keep_running(tmp_path: Path) -> None:
    bus = ChangeBus()
    heard: list[Change] = []
    bus.subscribe(heard.append)
    flaky, steady = Flaky(crashes=3), Steady()
    supervisor = Supervisor(
        [flaky, steady], lease=FileLease(tmp_path / "jobs.lock"), bus=bus, backoff=FAST
    )
    supervisor.start()
    await asyncio.wait_for(flaky.running.wait(), 5)
    states = {s.name: s for s in supervisor.statuses}
    assert states["flaky"].state is JobState.RUNNING and states["flaky"].restarts == 3
    assert states["flaky"].detail == "steady"
    assert states["steady"].state is JobState.WAITING and not steady.cancelled
    assert any(c.kind is ChangeKind.JOBS and "flaky" in c.ids for c in heard)
    await supervisor.stop()
    assert steady.cancelled
    assert {s.state for s in supervisor.statuses} == {JobState.STOPPED}


async def test_a_failing_job_says_why_until_it_runs_again(tmp_path: Path) -> None:
    flaky = Flaky(crashes=1_000)
    supervisor = Supervisor(
        [flaky], lease=FileLease(tmp_path / "jobs.lock"), bus=ChangeBus(), backoff=(5.0, 5.0)
    )
    supervisor.start()
    for _ in range(100):
        await asyncio.sleep(0.01)
        if supervisor.statuses[0].state is JobState.FAILED:
            break
    status = supervisor.statuses[0]
    assert status.state is JobState.FAILED and "RuntimeError: crash 1" in status.detail
    assert jobs_summary(supervisor.statuses, None)[0] == "Jobs: 1 failed"
    await supervisor.stop()


HOLD = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from zoomadmin.jobs.lease import FileLease

    async def main():
        lease = FileLease(Path(sys.argv[1]))
        assert await lease.acquire()
        print("held", flush=True)
        sys.stdin.readline()

    asyncio.run(main())
    """
)


async def test_while_another_process_holds_the_lease_the_jobs_stand_by(tmp_path: Path) -> None:
    lock = tmp_path / "jobs.lock"
    holder = subprocess.Popen(  # noqa: ASYNC220, S603 - our own child holds the lock meanwhile
        [sys.executable, "-c", HOLD, str(lock)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert await asyncio.to_thread(holder.stdout.readline) == "held\n"
        steady = Steady()
        supervisor = Supervisor(
            [steady], lease=FileLease(lock), bus=ChangeBus(), backoff=FAST, lease_retry=0.05
        )
        supervisor.start()
        await asyncio.sleep(0.3)
        status = supervisor.statuses[0]
        assert status.state is JobState.STANDBY and f"pid {holder.pid}" in status.detail
        assert supervisor.holder is not None and supervisor.holder.pid == holder.pid
        assert jobs_summary(supervisor.statuses, supervisor.holder)[0] == "Jobs: run elsewhere"
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        await asyncio.to_thread(holder.wait, 10)
        for _ in range(100):  # the lock is free again: this process takes over
            await asyncio.sleep(0.02)
            if supervisor.leading:
                break
        assert supervisor.leading and supervisor.holder is None
        await asyncio.sleep(0.05)
        assert supervisor.statuses[0].state is JobState.WAITING
        await supervisor.stop()
    finally:
        holder.kill()
        holder.wait()


async def test_a_lease_is_free_again_once_released(tmp_path: Path) -> None:
    first, second = FileLease(tmp_path / "jobs.lock"), FileLease(tmp_path / "jobs.lock")
    assert await first.acquire()
    assert not await second.acquire()
    holder = await second.holder()
    assert holder is not None and holder.pid > 0
    await first.release()
    assert await second.acquire()
    await second.release()


class Stubborn:
    """Swallows its cancellation and goes on waiting, as a job stuck in cleanup would."""

    name = "stubborn"

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.let_go = asyncio.Event()

    async def run(self, report: JobReport) -> None:
        report.waiting(None, "for work")
        self.started.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.Future()
        await self.let_go.wait()  # deaf to cancellation until the test lets it go


async def test_stopping_waits_a_bounded_time_for_a_job_that_will_not_unwind(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    stubborn, steady = Stubborn(), Steady()
    lease = FileLease(tmp_path / "jobs.lock")
    supervisor = Supervisor([stubborn, steady], lease=lease, bus=ChangeBus(), stop_wait=0.2)
    supervisor.start()
    await asyncio.wait_for(stubborn.started.wait(), 5)
    await asyncio.wait_for(supervisor.stop(), 5)  # without the bound: forever
    assert steady.cancelled and not lease.held
    assert "did not stop within 0.2 s: stubborn" in caplog.text
    assert {s.state for s in supervisor.statuses} == {JobState.STOPPED}
    stubborn.let_go.set()
    await asyncio.sleep(0.05)


async def test_on_lead_is_called_once_the_lease_is_taken_before_the_jobs_run(
    tmp_path: Path,
) -> None:
    job = Flaky(crashes=0)
    calls: list[bool] = []
    supervisor = Supervisor(
        [job],
        lease=FileLease(tmp_path / "jobs.lock"),
        bus=ChangeBus(),
        on_lead=lambda: calls.append(job.running.is_set()),
    )
    supervisor.start()
    await asyncio.wait_for(job.running.wait(), 5)
    assert calls == [False]  # once, and before the job ran
    await supervisor.stop()
    assert calls == [False]
