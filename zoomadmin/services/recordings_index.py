"""The account-wide recordings index: every host (deactivated too), one-month windows, pages."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from zoomadmin.core.changes import ChangeBus, ChangeKind
from zoomadmin.core.enums import UserStatus
from zoomadmin.services.tenants import Now
from zoomadmin.store.recordings import (
    FileData,
    FileRecord,
    LocalState,
    MeetingData,
    MonthUsage,
    RecordingFilter,
    RecordingRecord,
)
from zoomadmin.store.repositories import Store
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.errors import NotFound
from zoomadmin.zoom.models import Recording, RecordingFile

__all__ = [
    "FileRecord",
    "IndexReport",
    "LocalState",
    "MonthUsage",
    "RecordingFilter",
    "RecordingRecord",
    "RecordingsIndex",
]

log = logging.getLogger(__name__)

HISTORY_DAYS = 365
"""How far back the first refresh of a host reads."""
OVERLAP_DAYS = 3
"""A refresh reads again this many days before the last one ended: Zoom can take up to a day
to process a recording, and it is listed under its meeting's start day."""
PARALLEL_HOSTS = 4
#: Hosts whose recordings are read: pending users cannot have any.
STATUSES = (UserStatus.ACTIVE, UserStatus.INACTIVE)

IndexProgress = Callable[[int, int], None]
"""Called with (hosts read, hosts in all) after each host."""


@dataclass(frozen=True)
class HostUser:
    """A Zoom user whose recordings are read."""

    id: str
    email: str


@dataclass(frozen=True)
class IndexReport:
    """What one refresh read."""

    hosts: int
    meetings: int
    files: int
    changed: int
    deleted_in_zoom: int

    def summary(self) -> str:
        """One sentence for a status line."""
        text = (
            f"Read {self.meetings} recorded meetings ({self.files} files) of {self.hosts} hosts;"
            f" {self.changed} new or changed"
        )
        if self.deleted_in_zoom:
            text += f", {self.deleted_in_zoom} deleted in Zoom"
        return text + "."


def _file_id(recording: Recording, item: RecordingFile, n: int) -> str:
    # Zoom gives CC and TIMELINE entries no id.
    return item.id or f"{recording.uuid}#{item.file_type}#{n}"


def meeting_data(recording: Recording, trashed: Iterable[RecordingFile] = ()) -> MeetingData | None:
    """A listed recording (with its trashed files, if any) as the index stores it."""
    files = [
        FileData(
            id=_file_id(recording, f, n),
            file_type=f.file_type,
            file_extension=f.file_extension,
            recording_type=f.recording_type,
            file_size=f.file_size,
            status=f.status or "completed",
            recording_start=f.recording_start,
            download_url=f.download_url,
        )
        for n, f in enumerate(recording.recording_files)
    ]
    live = {f.id for f in files}
    for n, f in enumerate(trashed):
        fid = _file_id(recording, f, 1000 + n)
        if fid not in live:
            files.append(
                FileData(
                    id=fid,
                    file_type=f.file_type,
                    file_extension=f.file_extension,
                    recording_type=f.recording_type,
                    file_size=f.file_size,
                    status=f.status or "completed",
                    recording_start=f.recording_start,
                    download_url=f.download_url,
                    in_trash=True,
                )
            )
    start = recording.start_time or next((f.recording_start for f in files), None)
    if start is None:
        log.warning("A recording without a start time was skipped")
        return None
    return MeetingData(
        uuid=recording.uuid,
        meeting_id=recording.id,
        host_zoom_id=recording.host_id,
        host_email=recording.host_email,
        topic=recording.topic,
        start_time=start,
        duration_minutes=recording.duration or 0,
        timezone=recording.timezone,
        files=tuple(files),
        in_trash=bool(files) and all(f.in_trash for f in files),
    )


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


class RecordingsIndex:
    """Reads every host's cloud recordings into the store and keeps them current."""

    def __init__(
        self,
        store: Store,
        zoom: ZoomClient,
        *,
        now: Now,
        bus: ChangeBus,
        history_days: int = HISTORY_DAYS,
        overlap_days: int = OVERLAP_DAYS,
    ) -> None:
        self._store = store
        self._zoom = zoom
        self._now = now
        self._bus = bus
        self._history = history_days
        self._overlap = overlap_days
        self._lock = asyncio.Lock()

    async def count(self, where: RecordingFilter | None = None) -> int:
        """How many recorded meetings the index holds (matching ``where``)."""
        return await asyncio.to_thread(self._store.recordings.count, where)

    async def page(
        self, where: RecordingFilter | None = None, *, offset: int = 0, limit: int = 2000
    ) -> list[RecordingRecord]:
        """One chunk of the index, newest first, with tenant and files."""
        return await asyncio.to_thread(
            self._store.recordings.page, where, offset=offset, limit=limit
        )

    async def every(self, where: RecordingFilter | None = None) -> list[RecordingRecord]:
        """Every matching recording, newest first."""
        return await asyncio.to_thread(self._store.recordings.all, where)

    async def get(self, uuid: str) -> RecordingRecord | None:
        """One recording with its files."""
        return await asyncio.to_thread(self._store.recordings.get, uuid)

    async def usage_by_month(self) -> list[MonthUsage]:
        """Bytes kept in Zoom's cloud per tenant and month (for the storage chart)."""
        return await asyncio.to_thread(self._store.recordings.usage_by_month)

    async def hosts(self) -> list[HostUser]:
        """Every Zoom user who can have recordings: active and deactivated, every page."""
        out: list[HostUser] = []
        for status in STATUSES:
            out += [HostUser(u.id, u.email) async for u in self._zoom.iter_users(status)]
        return out

    async def refresh(
        self,
        *,
        start: date | None = None,
        end: date | None = None,
        progress: IndexProgress | None = None,
        full: bool = False,
    ) -> IndexReport:
        """Refresh every host: since its last refresh (less the overlap), or ``start..end``;
        ``full`` reads the whole history (so recordings deleted in Zoom long ago are seen).
        """
        if full and start is None:
            start = self._now().astimezone(UTC).date() - timedelta(days=self._history)
        async with self._lock:
            hosts = await self.hosts()
            totals = [0, 0, 0, 0]
            done = 0
            gate = asyncio.Semaphore(PARALLEL_HOSTS)

            async def one(host: HostUser) -> None:
                nonlocal done
                async with gate:
                    counts = await self.refresh_host(host, start=start, end=end)
                for i, value in enumerate(counts):
                    totals[i] += value
                done += 1
                if progress is not None:
                    progress(done, len(hosts))

            await asyncio.gather(*(one(h) for h in hosts))
            return IndexReport(len(hosts), *totals)

    async def _window(
        self, host: HostUser, start: date | None, end: date | None
    ) -> tuple[date, date]:
        today = self._now().astimezone(UTC).date()
        last = end or today
        if start is not None:
            return start, last
        through = await asyncio.to_thread(self._store.recordings.refreshed_through, host.id)
        if through is None:
            return today - timedelta(days=self._history), last
        return min(through, last) - timedelta(days=self._overlap), last

    async def refresh_host(
        self, host: HostUser, *, start: date | None = None, end: date | None = None
    ) -> tuple[int, int, int, int]:
        """Read one host's recordings (live and trashed); (meetings, files, changed, deleted)."""
        first, last = await self._window(host, start, end)
        live = [r async for r in self._zoom.iter_recordings(host.id, first, last)]
        trash = [r async for r in self._zoom.iter_recordings(host.id, first, last, trash=True)]
        by_uuid = {r.uuid: r for r in live}
        trashed_files: dict[str, list[RecordingFile]] = {}
        for rec in trash:
            trashed_files.setdefault(rec.uuid, []).extend(rec.recording_files)
            by_uuid.setdefault(rec.uuid, rec.model_copy(update={"recording_files": []}))
        data = [
            d for uuid, r in by_uuid.items() if (d := meeting_data(r, trashed_files.get(uuid, ())))
        ]
        repo = self._store.recordings
        changed = await asyncio.to_thread(repo.save, data)
        missing = await asyncio.to_thread(
            repo.mark_missing,
            host.id,
            _day_start(first),
            _day_start(last + timedelta(days=1)),
            by_uuid,
        )
        previous = await asyncio.to_thread(repo.refreshed_through, host.id)
        if start is None or previous is None or last > previous:
            await asyncio.to_thread(repo.set_refreshed, host.id, max(last, previous or last))
        if changed or missing:
            self._bus.publish(ChangeKind.RECORDINGS, [*changed, *missing])
        return len(data), sum(len(d.files) for d in data), len(changed), len(missing)

    async def note(self, recording: Recording) -> bool:
        """Store one recording as Zoom just described it (``recording.completed``)."""
        data = meeting_data(recording)
        if data is None:
            return False
        changed = await asyncio.to_thread(self._store.recordings.save, [data])
        if changed:
            self._bus.publish(ChangeKind.RECORDINGS, changed)
        return bool(changed)

    async def reread(self, uuid: str) -> bool:
        """Read one meeting's recording again (a file was processing); False if it is gone."""
        try:
            recording = await self._zoom.get_meeting_recordings(uuid)
        except NotFound:
            return False
        await self.note(recording)
        return True

    async def reread_processing(self) -> int:
        """Read again every meeting that still has a file Zoom is processing."""
        uuids = await asyncio.to_thread(self._store.recordings.processing_meetings)
        for uuid in uuids:
            await self.reread(uuid)
        return len(uuids)
