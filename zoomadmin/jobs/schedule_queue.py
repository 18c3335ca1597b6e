"""The schedule queue as always-on work: sends what the quotas allow, sleeps until more can go."""

from __future__ import annotations

from datetime import timedelta

from zoomadmin.core.changes import Change, ChangeBus, ChangeKind
from zoomadmin.core.clock import Clock
from zoomadmin.jobs.supervisor import JobReport
from zoomadmin.services.schedule_queue import ScheduleQueue

RETRY_FIRST = timedelta(seconds=5)
RETRY_MOST = timedelta(minutes=5)
"""Clock time before a pass after a passing error (Zoom unreachable), doubling up to this."""


class ScheduleQueueJob:
    """Runs :class:`ScheduleQueue` passes while the account is open.

    After a pass that created nothing it sleeps on the account's clock: until the earliest
    waiting host's 00:00 UTC, for a back-off after a passing error, or until a curriculum
    is submitted or an intent retried.
    """

    name = "queue"

    def __init__(self, queue: ScheduleQueue, clock: Clock, bus: ChangeBus | None = None) -> None:
        self._queue = queue
        self._clock = clock
        self._bus = bus

    def _heard(self, change: Change) -> None:
        """Work queued by another process on a shared database (a desk's submission) wakes
        this one's queue; this process's own submissions wake it directly."""
        bus = self._bus
        if bus is not None and change.kind is ChangeKind.QUEUE and change.origin != bus.origin:
            self._queue.wake()

    async def run(self, report: JobReport) -> None:
        """Send, sleep, send again, until cancelled."""
        unsubscribe = self._bus.subscribe(self._heard) if self._bus is not None else None
        try:
            await self._run(report)
        finally:
            if unsubscribe is not None:
                unsubscribe()

    async def _run(self, report: JobReport) -> None:
        backoff = RETRY_FIRST
        while True:
            report.running("sending")
            done = await self._queue.run_once()
            if done.progressed:
                backoff = RETRY_FIRST
                continue
            until = done.next_wait
            if done.retry_later:
                soon = self._clock.now() + backoff
                until = soon if until is None else min(until, soon)
                backoff = min(backoff * 2, RETRY_MOST)
            counts = await self._queue.counts()
            report.waiting(until, counts.text)
            await self._queue.wait_for_work(self._clock, until)
