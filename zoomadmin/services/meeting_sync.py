"""Sessions from Zoom: the scheduled meetings (and occurrences) of every tenant host, stored."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from zoomadmin.core.records import HostRecord
from zoomadmin.store.meetings import MeetingData, OccurrenceData
from zoomadmin.store.repositories import Store, Transaction
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.errors import NotFound
from zoomadmin.zoom.models import Meeting, MeetingType

log = logging.getLogger(__name__)

HostsProgress = Callable[[int, int], None]
"""Called with (hosts read so far, hosts to read) after each host's meetings."""

_Save = tuple[MeetingData, list[OccurrenceData] | None]

DEFAULT_DURATION = 60
RECURRING = frozenset({MeetingType.RECURRING_FIXED_TIME, MeetingType.RECURRING_NO_FIXED_TIME})


@dataclass(frozen=True)
class MeetingSyncReport:
    """What a meetings sync found."""

    hosts: int
    meetings: int
    sessions: int
    removed: int
    """Meetings stored here that Zoom no longer has (deleted in Zoom), now forgotten."""


def occurrences_of(meeting: Meeting) -> list[OccurrenceData] | None:
    """The sessions to store for ``meeting`` (None: a one-off, one session at its start)."""
    duration = meeting.duration or DEFAULT_DURATION
    if meeting.type in RECURRING:
        return [
            OccurrenceData(o.start_time, o.duration or duration, o.occurrence_id, o.status)
            for o in meeting.occurrences
            if o.start_time is not None
        ]
    if meeting.start_time is None:
        return []
    return None


class MeetingSync:
    """Reads each tenant host's scheduled meetings into the store; gone ones are forgotten.

    Per host: one Medium list request per page, then one Light ``GET /meetings/{id}`` per
    recurring meeting for its occurrences (the list shows a recurring meeting once). The
    client's per-second budgets pace both, so a large account takes longer but is never
    refused. Hosts in no tenant are not read: zoomadmin schedules only for tenants.

    Each host's meetings are stored in one unit of work. The sync's summary audit entry
    (``meeting.sync``, written by the caller) stays a separate write on purpose: it records
    that a sync ran; the hosts stored before a cancel are whole and correct without it.
    """

    def __init__(self, store: Store, zoom: ZoomClient) -> None:
        self._store = store
        self._zoom = zoom

    async def sync(self, progress: HostsProgress | None = None) -> MeetingSyncReport:
        """Read every tenant host's meetings; returns counts for the status line."""
        hosts = [
            h
            for h in await asyncio.to_thread(self._store.hosts.all)
            if h.tenant_id is not None and not h.missing_in_zoom and h.status != "pending"
        ]
        meetings = sessions = removed = 0
        for done, host in enumerate(hosts, 1):
            found, stored, gone = await self._sync_host(host)
            meetings, sessions, removed = meetings + found, sessions + stored, removed + gone
            if progress is not None:
                progress(done, len(hosts))
        return MeetingSyncReport(len(hosts), meetings, sessions, removed)

    async def _sync_host(self, host: HostRecord) -> tuple[int, int, int]:
        try:
            listed = [m async for m in self._zoom.iter_meetings(host.zoom_user_id, "scheduled")]
        except NotFound:
            # Zoom quirk: a user removed since the users sync answers 404 (1001); the next
            # users sync flags the host, so its stored meetings stay until then.
            log.info("Skipped the meetings of %s: Zoom no longer has the user", host.email)
            return 0, 0, 0
        details = [m for m in [await self._details(item) for item in listed] if m is not None]
        saves = [(_meeting_data(m, host.id), occurrences_of(m)) for m in details]
        sessions = sum(1 if occ is None else len(occ) for _, occ in saves)
        present = {m.id for m in listed}
        # Zoom is read first, then the host's meetings, their sessions and the forgetting of
        # gone ones are written as one unit: a cancelled or failing sync never leaves half a
        # host's calendar (some meetings new, others stale).
        removed = await asyncio.to_thread(
            self._store.atomically, lambda tx: _store_host(tx, host.id, saves, present)
        )
        return len(listed), sessions, removed

    async def _details(self, item: Meeting) -> Meeting | None:
        if item.type not in RECURRING:
            return item
        try:
            return await self._zoom.get_meeting(item.id)
        except NotFound:  # deleted between the list and this read
            return None


def _meeting_data(meeting: Meeting, host_id: int) -> MeetingData:
    return MeetingData(
        id=meeting.id,
        host_id=host_id,
        topic=meeting.topic,
        start_time=meeting.start_time,
        duration_minutes=meeting.duration or DEFAULT_DURATION,
        meeting_type=int(meeting.type),
        timezone=meeting.timezone,
        join_url=meeting.join_url or None,
    )


def _store_host(tx: Transaction, host_id: int, saves: list[_Save], present: set[int]) -> int:
    """Save a host's meetings and forget its ones Zoom no longer has; how many were forgotten."""
    for data, occurrences in saves:
        tx.meetings.save(data, occurrences)
    gone = [m.id for m in tx.meetings.for_host(host_id) if m.id not in present]
    for meeting_id in gone:
        tx.meetings.delete(meeting_id)
    return len(gone)
