"""The schedule queue as always-on work: sends what the quotas allow, sleeps until more can go."""

from __future__ import annotations

from datetime import timedelta

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

    def __init__(self, queue: ScheduleQueue, clock: Clock) -> None:
        self._queue = queue
        self._clock = clock

    async def run(self, report: JobReport) -> None:
        """Send, sleep, send again, until cancelled."""
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
