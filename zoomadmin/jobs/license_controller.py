"""The license controller as always-on work: a step whenever the picture may have changed."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from zoomadmin.core.changes import Change, ChangeBus, ChangeKind
from zoomadmin.core.clock import Clock, sleep_until
from zoomadmin.jobs.supervisor import JobReport
from zoomadmin.services.license_control import LicenseControl, StepReport
from zoomadmin.zoom.errors import ZoomError
from zoomadmin.zoom.events.model import Event
from zoomadmin.zoom.events.stream import EventStream

FIRST_STEP_AFTER = timedelta(minutes=1)
"""The first step waits this long on the account's clock, so an account's first open (whose
sync tells of new sessions) has Zoom to itself."""
RETRY_FIRST = timedelta(seconds=30)
RETRY_MOST = timedelta(minutes=5)
"""Clock time before the next step after Zoom failed one, doubling up to this."""


def summary(report: StepReport) -> str:
    """The job's line in the status bar's tooltip: ``3 of 5 seats in use; next move 13:50``."""
    status = report.status
    words = f"{status.in_use} of {status.paid} paid seats in use"
    if status.next_moves:
        words += f"; next move {status.next_moves[0].at:%H:%M} UTC"
    if status.alerts:
        words += f"; {len(status.alerts)} alert" + ("s" if len(status.alerts) > 1 else "")
    return words


class LicenseControllerJob:
    """Runs :meth:`LicenseControl.step` at the moments it names, and sooner when a meeting
    starts or ends or the calendar's sessions change (see ``core/license_control.py``)."""

    name = "pool"

    def __init__(
        self,
        events: EventStream,
        control: LicenseControl,
        clock: Clock,
        bus: ChangeBus,
        *,
        first_after: timedelta = FIRST_STEP_AFTER,
    ) -> None:
        self._first_after = first_after
        self._events = events
        self._control = control
        self._clock = clock
        self._bus = bus
        self._wake = asyncio.Event()
        self.steps = 0

    async def run(self, report: JobReport) -> None:
        """Step, sleep, step again, until cancelled."""
        loop = asyncio.get_running_loop()

        def on_change(change: Change) -> None:
            # New or changed sessions here; pool changes of other processes (this one's own
            # manual moves and switch wake the job through the service's hook).
            elsewhere = change.kind is ChangeKind.POOL and change.origin != self._bus.origin
            if change.kind is ChangeKind.SESSIONS or elsewhere:
                loop.call_soon_threadsafe(self._wake.set)

        def wake() -> None:
            loop.call_soon_threadsafe(self._wake.set)

        stop_events = self._events.subscribe(self._on_event)
        stop_changes = self._bus.subscribe(on_change)
        self._control.wake_hooks.append(wake)
        backoff = RETRY_FIRST
        try:
            first = self._clock.now() + self._first_after
            report.waiting(first, "the first look at seats and sessions")
            await sleep_until(self._clock, first)  # the first open's news does not cut it short
            while True:
                self._wake.clear()
                report.running("looking at seats and sessions")
                try:
                    done = await self._control.step()
                except ZoomError as exc:
                    until = self._clock.now() + backoff
                    backoff = min(backoff * 2, RETRY_MOST)
                    report.waiting(until, f"Zoom failed: {exc.user_message}")
                    await self._sleep(until)
                    continue
                backoff = RETRY_FIRST
                self.steps += 1
                report.waiting(done.wake, summary(done))
                await self._sleep(done.wake)
        finally:
            stop_events()
            stop_changes()
            self._control.wake_hooks.remove(wake)

    async def _on_event(self, event: Event) -> None:
        if await self._control.observe(event):
            self._wake.set()

    async def _sleep(self, until: datetime) -> None:
        tasks: set[asyncio.Future[object]] = {
            asyncio.ensure_future(self._wake.wait()),
            asyncio.ensure_future(sleep_until(self._clock, until)),
        }
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
