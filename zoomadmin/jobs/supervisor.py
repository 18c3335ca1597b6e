"""Runs each job of an account, restarts one that crashed, and reports every job's state."""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from zoomadmin.core.changes import ChangeBus, ChangeKind
from zoomadmin.core.errors import AppError
from zoomadmin.jobs.lease import LeadershipLease, LeaseHolder

log = logging.getLogger(__name__)

FIRST_BACKOFF = 1.0
MAX_BACKOFF = 60.0
STOP_WAIT = 10.0
"""Seconds :meth:`Supervisor.stop` waits for cancelled jobs to unwind before it goes on."""


class LeaseLostError(Exception):
    """This process no longer holds the account's lease (its jobs must stop)."""


class JobState(enum.StrEnum):
    """Where a job stands."""

    STARTING = "starting"
    RUNNING = "running"
    WAITING = "waiting"
    FAILED = "failed"
    STANDBY = "standby"
    """Another process holds the account's lease and runs the jobs."""
    STOPPED = "stopped"


@dataclass(frozen=True)
class JobStatus:
    """One job's state as the status bar and ``zoomadmin agent status`` show it."""

    name: str
    state: JobState
    detail: str = ""
    until: datetime | None = None
    """While waiting: when the job wakes (on the account's clock)."""
    restarts: int = 0

    @property
    def text(self) -> str:
        """One line: ``queue: waiting until 00:00 UTC``, ``events: failed (reason)``."""
        words = str(self.state)
        if self.until is not None:
            words += f" until {self.until:%Y-%m-%d %H:%M} UTC"
        return f"{self.name}: {words}" + (f" ({self.detail})" if self.detail else "")


class JobReport(Protocol):
    """What a running job may say about itself."""

    def running(self, detail: str = "") -> None:
        """Working (``detail``: on what)."""

    def waiting(self, until: datetime | None, detail: str = "") -> None:
        """Asleep until ``until`` on the account's clock (None: until something happens)."""


class Job(Protocol):
    """A piece of always-on work: runs until cancelled; raising means it crashed."""

    @property
    def name(self) -> str:
        """A short stable name (``events``, ``host-events``, ``queue``)."""
        ...

    async def run(self, report: JobReport) -> None:
        """Do the work until cancelled."""
        ...


class _Reporter:
    def __init__(self, supervisor: Supervisor, name: str) -> None:
        self._supervisor = supervisor
        self._name = name

    def running(self, detail: str = "") -> None:
        self._supervisor._set(self._name, JobState.RUNNING, detail)

    def waiting(self, until: datetime | None, detail: str = "") -> None:
        self._supervisor._set(self._name, JobState.WAITING, detail, until)


class Supervisor:
    """Holds the account's leadership lease and, while it does, runs every job.

    A job that raises is logged, marked failed with its reason, and started again after a
    back-off (1 s doubling to 60 s; a job that ran for a while starts from 1 s again). While
    another process holds the lease, every job is on standby and the holder is reported.
    Every state change is published on the change bus (:attr:`ChangeKind.JOBS`). ``on_lead``
    is called each time this process takes the lease, before its jobs start.
    """

    def __init__(
        self,
        jobs: Sequence[Job],
        *,
        lease: LeadershipLease,
        bus: ChangeBus,
        backoff: tuple[float, float] = (FIRST_BACKOFF, MAX_BACKOFF),
        lease_retry: float | None = None,
        stop_wait: float = STOP_WAIT,
        on_lead: Callable[[], None] | None = None,
    ) -> None:
        self._jobs = list(jobs)
        self._on_lead = on_lead
        self._stop_wait = stop_wait
        self._backoff = backoff
        self._lease_retry = lease.retry_every if lease_retry is None else lease_retry
        self._lease = lease
        self._bus = bus
        self._statuses = {j.name: JobStatus(j.name, JobState.STOPPED) for j in self._jobs}
        self._main: asyncio.Task[None] | None = None
        self.holder: LeaseHolder | None = None
        """Who holds the lease when this process does not (None while we hold it)."""

    @property
    def statuses(self) -> list[JobStatus]:
        """Every job's state, in the order the jobs were given."""
        return [self._statuses[j.name] for j in self._jobs]

    @property
    def leading(self) -> bool:
        """Whether this process holds the lease and runs the jobs."""
        return self._lease.held

    def start(self) -> None:
        """Start taking the lease and running the jobs (on the running loop)."""
        if self._main is None:
            self._main = asyncio.create_task(self._lead(), name="jobs-supervisor")

    async def stop(self) -> None:
        """Cancel every job, wait until each has unwound, and give the lease back."""
        main, self._main = self._main, None
        if main is not None:
            main.cancel()
            await self._unwound(main)
        await self._lease.release()
        for job in self._jobs:
            self._set(job.name, JobState.STOPPED)

    async def _unwound(self, main: asyncio.Task[None]) -> None:
        """Wait (at most ``stop_wait``) for the cancelled jobs; a job that swallows its
        cancellation is named in the log and left behind, so stopping (and quitting) ends."""
        done, _ = await asyncio.wait({main}, timeout=self._stop_wait)
        if done:
            try:
                main.result()
            except asyncio.CancelledError:
                pass
            except Exception:  # a job that failed while stopping must not stop the quit
                log.exception("A job failed while the jobs stopped")
            return
        stuck = sorted(
            name.removeprefix("job-")
            for task in asyncio.all_tasks()
            if not task.done() and (name := task.get_name()).startswith("job-")
        )
        log.warning(
            "Jobs did not stop within %s s: %s", f"{self._stop_wait:g}", ", ".join(stuck) or "?"
        )

    async def _lead(self) -> None:
        while True:
            while not await self._lease.acquire():
                self.holder = await self._lease.holder()
                who = self.holder.describe() if self.holder else "another process"
                for job in self._jobs:
                    self._set(job.name, JobState.STANDBY, f"run by {who}")
                await asyncio.sleep(self._lease_retry)
            self.holder = None
            if self._on_lead is not None:
                self._on_lead()
            # _keep never raises, so the group ends only when cancelled (then it cancels
            # every job and waits for each to unwind) or when the lease is lost: another
            # process may lead by now, so every job stops before this one stands by.
            try:
                async with asyncio.TaskGroup() as group:
                    for job in self._jobs:
                        group.create_task(self._keep(job), name=f"job-{job.name}")
                    group.create_task(self._watch_lease(), name="jobs-lease-watch")
            except* LeaseLostError:
                log.warning("The jobs lease was lost: every job stopped and stands by")
                for job in self._jobs:
                    self._set(job.name, JobState.STANDBY, "the lease was lost")

    async def _watch_lease(self) -> None:
        await self._lease.lost()
        raise LeaseLostError

    async def _keep(self, job: Job) -> None:
        first, most = self._backoff
        backoff = first
        restarts = 0
        loop = asyncio.get_running_loop()
        while True:
            self._set(job.name, JobState.RUNNING, restarts=restarts)
            began = loop.time()
            try:
                await job.run(_Reporter(self, job.name))
                self._set(job.name, JobState.STOPPED, "finished", restarts=restarts)
                return
            except Exception as exc:  # a crashed job is restarted; the others go on
                log.exception("Job %s crashed", job.name)
                reason = (
                    exc.user_message
                    if isinstance(exc, AppError)
                    else f"{type(exc).__name__}: {exc}"
                )
                self._set(job.name, JobState.FAILED, str(reason), restarts=restarts)
            if loop.time() - began > most:
                backoff = first  # it ran a good while: a fresh failure, not a crash loop
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, most)
            restarts += 1

    def _set(
        self,
        name: str,
        state: JobState,
        detail: str = "",
        until: datetime | None = None,
        *,
        restarts: int | None = None,
    ) -> None:
        old = self._statuses[name]
        new = JobStatus(name, state, detail, until, old.restarts if restarts is None else restarts)
        if new != old:
            self._statuses[name] = new
            self._bus.publish(ChangeKind.JOBS, [name])


def jobs_summary(statuses: Sequence[JobStatus], holder: LeaseHolder | None) -> tuple[str, str]:
    """One short line for a status bar, and every job's line for its tooltip."""
    detail = "\n".join(s.text for s in statuses)
    if holder is not None:
        return "Jobs: run elsewhere", f"Always-on work runs in {holder.describe()}.\n{detail}"
    failed = sum(s.state is JobState.FAILED for s in statuses)
    if failed:
        return f"Jobs: {failed} failed", detail
    if statuses and all(s.state is JobState.STOPPED for s in statuses):
        return "Jobs: stopped", detail
    return "Jobs: running", detail
