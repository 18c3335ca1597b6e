"""Keeps the recordings index current: a refresh every hour, and at once on recording.completed."""

from __future__ import annotations

import logging
from datetime import timedelta

from pydantic import ValidationError

from zoomadmin.core.clock import Clock, sleep_until
from zoomadmin.jobs.supervisor import JobReport
from zoomadmin.services.recordings_index import RecordingsIndex
from zoomadmin.zoom.events.model import Event, EventKind
from zoomadmin.zoom.events.stream import EventStream
from zoomadmin.zoom.models import Recording

log = logging.getLogger(__name__)

REFRESH_EVERY = timedelta(hours=1)
FULL_REFRESH_EVERY = timedelta(days=1)
"""How often a refresh reads every host's whole history again, which is when recordings
deleted in Zoom long after they were made are noticed (an incremental one looks back only a
few days)."""
FIRST_REFRESH_AFTER = timedelta(minutes=10)
"""The first refresh waits this long on the account's clock, so the account's first open
(its sync of users and sessions) has Zoom's rate budget to itself; F5 on the tab reads at
once."""


class RecordingsIndexJob:
    """Refreshes every host's recordings (incrementally) on the account's clock, reads again
    meetings whose files were still processing, and stores a finished recording as soon as
    Zoom says ``recording.completed``.
    """

    name = "recordings-index"

    def __init__(
        self,
        events: EventStream,
        index: RecordingsIndex,
        clock: Clock,
        *,
        every: timedelta = REFRESH_EVERY,
        first_after: timedelta = FIRST_REFRESH_AFTER,
    ) -> None:
        self._events = events
        self._index = index
        self._clock = clock
        self._every = every
        self._first_after = first_after
        self.handled = 0

    async def run(self, report: JobReport) -> None:
        """Refresh, sleep, refresh again, until cancelled; events are heard throughout."""
        unsubscribe = self._events.subscribe(self.handle)
        try:
            first = self._clock.now() + self._first_after
            report.waiting(first, "the first refresh of the recordings")
            await sleep_until(self._clock, first)
            last_full = None
            while True:
                report.running("reading the recordings of every host")
                now = self._clock.now()
                full = last_full is None or now - last_full >= FULL_REFRESH_EVERY
                summary = (await self._index.refresh(full=full)).summary()
                if full:
                    last_full = now
                await self._index.reread_processing()
                wake = self._clock.now() + self._every
                report.waiting(wake, summary)
                await sleep_until(self._clock, wake)
        finally:
            unsubscribe()

    async def handle(self, event: Event) -> None:
        """Store a completed recording at once (other events are ignored)."""
        if event.kind is not EventKind.RECORDING_COMPLETED:
            return
        try:
            recording = Recording.model_validate(dict(event.object))
        except ValidationError:
            log.warning("A recording.completed event without a readable recording was ignored")
            return
        if not recording.recording_files:
            await self._index.reread(recording.uuid)
        else:
            await self._index.note(recording)
        self.handled += 1
