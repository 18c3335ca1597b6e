"""Zoom's events about hosts, reflected in the store: a changed user, a meeting begun or ended."""

from __future__ import annotations

import asyncio
import logging

from zoomadmin.core.changes import ChangeBus, ChangeKind
from zoomadmin.jobs.supervisor import JobReport
from zoomadmin.services.hosts import HostService
from zoomadmin.zoom.events.model import Event, EventKind
from zoomadmin.zoom.events.stream import EventStream

log = logging.getLogger(__name__)

HOST_EVENTS = frozenset(
    {EventKind.USER_UPDATED, EventKind.MEETING_STARTED, EventKind.MEETING_ENDED}
)


class HostEventsJob:
    """``user.updated`` re-reads the host from Zoom (a difference is noted as a sync would);
    ``meeting.started``/``ended`` tell the screens that the host's next session moved on.
    """

    name = "host-events"

    def __init__(self, events: EventStream, hosts: HostService, bus: ChangeBus) -> None:
        self._events = events
        self._hosts = hosts
        self._bus = bus
        self.handled = 0

    async def run(self, report: JobReport) -> None:
        """Listen until cancelled (the stream gives each subscriber its own queue)."""
        unsubscribe = self._events.subscribe(self.handle)
        report.waiting(None, "listening for Zoom's events")
        try:
            await asyncio.Future()  # until cancelled
        finally:
            unsubscribe()

    async def handle(self, event: Event) -> None:
        """React to one event (others are ignored)."""
        if event.kind not in HOST_EVENTS:
            return
        if event.kind is EventKind.USER_UPDATED:
            if event.user_id:
                await self._hosts.refresh_from_zoom(event.user_id)
        elif event.host_id:
            host_id = await self._hosts.host_id_of(event.host_id)
            if host_id is not None:
                self._bus.publish(ChangeKind.HOSTS, [host_id])
                self._bus.publish(ChangeKind.SESSIONS)
                self._bus.publish(ChangeKind.TENANTS)
        self.handled += 1
