"""The download queue: N files at once, pause, resume, cancel, progress; verified files kept."""

from __future__ import annotations

import asyncio
import errno
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from zoomadmin.core.changes import ChangeBus, ChangeKind
from zoomadmin.core.errors import AppError
from zoomadmin.services.recording_names import DEFAULT_TEMPLATE, NameParts, numbered, relative_path
from zoomadmin.store.recordings import FileRecord, LocalState, RecordingFilter, RecordingRecord
from zoomadmin.store.repositories import Store
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.downloads import DestinationExists, content_check, part_path
from zoomadmin.zoom.errors import NotFound
from zoomadmin.zoom.models import RecordingFile

log = logging.getLogger(__name__)

PARALLEL = 4


@dataclass
class FileProgress:
    """One file in the queue."""

    file_id: str
    name: str
    total: int | None
    done: int = 0
    state: LocalState = LocalState.QUEUED
    error: str | None = None


@dataclass
class QueueProgress:
    """The queue as a whole: bytes, rate and time left."""

    files: int = 0
    finished: int = 0
    failed: int = 0
    bytes_done: int = 0
    bytes_total: int = 0
    rate: float = 0.0
    """Bytes per second since the queue started."""
    paused: bool = False

    @property
    def seconds_left(self) -> float | None:
        """At the current rate, how long until the rest is fetched."""
        if self.rate <= 0:
            return None
        return max(0.0, (self.bytes_total - self.bytes_done) / self.rate)


@dataclass(frozen=True)
class DownloadSummary:
    """What one pass over the queue did (the CLI's JSON)."""

    files: int
    bytes: int
    verified: int
    skipped_already_verified: int
    failed: list[dict[str, str]] = field(default_factory=list)


ProgressListener = Callable[[FileProgress, QueueProgress], None]


def _plain(exc: BaseException) -> str:
    if isinstance(exc, AppError):
        return exc.user_message
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return "The disk is full; free some space and resume the downloads."
    if isinstance(exc, PermissionError):
        return "zoomadmin may not write to the download folder; choose another or fix its rights."
    if isinstance(exc, OSError):
        return f"The file could not be written ({exc.strerror or type(exc).__name__})."
    raise exc


def _part_size(dest: Path) -> int:
    part = part_path(dest)
    return part.stat().st_size if part.exists() else 0


def _on_disk_as_expected(path: Path, item: FileRecord) -> bool:
    if not path.is_file():
        return False
    if item.file_size is not None and path.stat().st_size != item.file_size:
        return False
    check = content_check(item.file_type)
    return check is None or check(path) is None


class DownloadService:
    """Downloads queued files to the download folder, at most ``parallel`` at once."""

    def __init__(
        self,
        store: Store,
        zoom: ZoomClient,
        *,
        bus: ChangeBus,
        root: Path,
        parallel: int = PARALLEL,
        template: str = DEFAULT_TEMPLATE,
    ) -> None:
        self._store = store
        self._zoom = zoom
        self._bus = bus
        self.root = root
        self.parallel = parallel
        self._transfers = asyncio.Semaphore(parallel)
        """Held while a file's bytes come in: at most ``parallel`` transfers at once."""
        self.template = template
        self.wake = asyncio.Event()
        self._running = asyncio.Event()
        self._running.set()
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self.files: dict[str, FileProgress] = {}
        self.overall = QueueProgress()
        self._listeners: list[ProgressListener] = []
        self._started = 0.0
        self._summary_failed: list[dict[str, str]] = []
        self._verified = 0
        self._skipped = 0
        self._bytes = 0

    def listen(self, listener: ProgressListener) -> Callable[[], None]:
        """Hear each file's progress (on the loop's thread)."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    # -- the queue ------------------------------------------------------------------------

    async def enqueue(self, file_ids: Iterable[str]) -> int:
        """Queue files (verified, processing-free ones stay as they are); how many queued."""
        repo = self._store.recordings
        ids = []
        for fid in file_ids:
            item = await asyncio.to_thread(repo.file, fid)
            if item is not None and item.local_state is not LocalState.VERIFIED:
                ids.append(fid)
        await asyncio.to_thread(repo.set_local, ids, LocalState.QUEUED)
        self._publish_files(ids)
        self.wake.set()
        return len(ids)

    async def enqueue_matching(self, where: RecordingFilter) -> int:
        """Queue every file of the matching recordings (of ``where.file_type`` if given)."""
        records = await asyncio.to_thread(self._store.recordings.all, where)
        ids = [
            f.id
            for r in records
            for f in r.files
            if not where.file_type or f.file_type == where.file_type
        ]
        return await self.enqueue(ids)

    def pause(self) -> None:
        """Stop after the current chunk; what is on disk is kept and resumed later."""
        self._running.clear()
        self.overall.paused = True
        for task in list(self._tasks.values()):
            task.cancel()

    def resume(self) -> None:
        """Go on where the queue stopped."""
        self._running.set()
        self.overall.paused = False
        self.wake.set()

    async def cancel(self, file_ids: Iterable[str] | None = None) -> None:
        """Take files (None: all) off the queue; a partial file stays for a later try."""
        repo = self._store.recordings
        queued = {f.id for f in await asyncio.to_thread(repo.files_in_state, *_ACTIVE)}
        ids = queued if file_ids is None else queued & set(file_ids)
        for fid in ids:
            task = self._tasks.get(fid)
            if task is not None:
                task.cancel()
        await asyncio.to_thread(repo.set_local, ids, LocalState.NONE)
        for fid in ids:
            self.files.pop(fid, None)
        self._publish_files(ids)

    async def run_queue(self) -> DownloadSummary:
        """Download every queued file (``parallel`` at once) until none is left to do now."""
        self._reset_counts()
        repo = self._store.recordings
        pending = await asyncio.to_thread(repo.files_in_state, *_ACTIVE)
        work = [f for f in pending if not f.processing]
        self.overall = QueueProgress(
            files=len(work),
            bytes_total=sum(f.file_size or 0 for f in work),
            paused=not self._running.is_set(),
        )
        self._started = time.monotonic()
        self._transfers = asyncio.Semaphore(self.parallel)
        # Twice as many files in hand as transfers: while one file's bytes come in, another
        # is checked, renamed and stored, and the next one is made ready.
        gate = asyncio.Semaphore(2 * self.parallel)

        async def one(item: FileRecord) -> None:
            async with gate:
                if not self._running.is_set():
                    return
                task = asyncio.create_task(self._one(item))
                self._tasks[item.id] = task
                try:
                    await task
                except asyncio.CancelledError:
                    if not task.cancelled():
                        raise
                finally:
                    self._tasks.pop(item.id, None)

        await asyncio.gather(*(one(f) for f in work))
        return DownloadSummary(
            files=len(work),
            bytes=self._bytes,
            verified=self._verified,
            skipped_already_verified=self._skipped,
            failed=list(self._summary_failed),
        )

    def _reset_counts(self) -> None:
        self._summary_failed = []
        self._verified = self._skipped = self._bytes = 0

    # -- one file -------------------------------------------------------------------------

    async def _one(self, item: FileRecord) -> None:
        repo = self._store.recordings
        record = await asyncio.to_thread(repo.get, item.meeting_uuid)
        if record is None:
            return
        dest = self.destination(record, item)
        progress = FileProgress(item.id, f"{dest.parent.name}/{dest.name}", item.file_size)
        self.files[item.id] = progress
        try:
            await self._fetch(record, item, dest, progress)
        except asyncio.CancelledError:
            await asyncio.to_thread(repo.set_local, [item.id], LocalState.QUEUED)
            progress.state = LocalState.QUEUED
            self._tell(progress)
            raise
        except (AppError, OSError) as exc:
            message = _plain(exc)
            await asyncio.to_thread(repo.set_local, [item.id], LocalState.FAILED, error=message)
            progress.state, progress.error = LocalState.FAILED, message
            self.overall.failed += 1
            self._summary_failed.append({"file": dest.name, "reason": message})
            self._tell(progress)
        self._bus.publish(ChangeKind.RECORDINGS, [item.meeting_uuid])

    async def _fetch(
        self, record: RecordingRecord, item: FileRecord, dest: Path, progress: FileProgress
    ) -> None:
        repo = self._store.recordings
        if item.deleted_in_zoom or item.in_trash:
            raise NotFound("This recording was deleted in Zoom (or is in Zoom's trash).")
        dest = await asyncio.to_thread(self._free_name, dest, item)
        if await asyncio.to_thread(_on_disk_as_expected, dest, item):
            await asyncio.to_thread(repo.set_local, [item.id], LocalState.VERIFIED, path=str(dest))
            self._skipped += 1
            self._finish(progress, item)
            return
        await asyncio.to_thread(repo.set_local, [item.id], LocalState.DOWNLOADING, path=str(dest))
        progress.state = LocalState.DOWNLOADING
        # What an earlier run left on disk is not fetched again, so it is not counted.
        progress.done = await asyncio.to_thread(_part_size, dest)
        self.overall.bytes_done += progress.done
        self._tell(progress)

        def moved(done: int, total: int | None) -> None:
            self.overall.bytes_done += done - progress.done
            self._bytes += done - progress.done
            progress.done, progress.total = done, total or progress.total
            self._tell(progress)

        zoom_file = RecordingFile(
            id=item.id,
            meeting_id=item.meeting_uuid,
            file_type=item.file_type,
            file_extension=item.file_extension,
            file_size=item.file_size,
            download_url=item.download_url,
            status=item.status,
        )
        try:
            await self._zoom.download(zoom_file, dest, progress=moved, transfers=self._transfers)
        except DestinationExists:
            dest = await asyncio.to_thread(self._free_name, dest, item, taken=True)
            await self._zoom.download(zoom_file, dest, progress=moved, transfers=self._transfers)
        await asyncio.to_thread(repo.set_local, [item.id], LocalState.VERIFIED, path=str(dest))
        self._verified += 1
        self._finish(progress, item)

    def _finish(self, progress: FileProgress, item: FileRecord) -> None:
        progress.state = LocalState.VERIFIED
        progress.done = item.file_size or progress.done
        self.overall.finished += 1
        self._tell(progress)

    def destination(self, record: RecordingRecord, item: FileRecord) -> Path:
        """Where a file goes below the download folder (before any " (2)" for a clash)."""
        if item.local_path:
            return Path(item.local_path)
        parts = NameParts(
            tenant=record.tenant_name or "No tenant",
            host=record.host_email or record.host_zoom_id,
            start=item.recording_start or record.start_time,
            timezone=record.tenant_timezone or record.timezone,
            topic=record.topic,
            file_type=item.file_type,
            recording_type=item.recording_type,
            extension=item.file_extension,
            meeting_id=record.meeting_id,
            file_id=item.id,
        )
        return self.root.joinpath(*relative_path(parts, self.template).parts)

    @staticmethod
    def _free_name(dest: Path, item: FileRecord, *, taken: bool = False) -> Path:
        """``dest``, or ``dest (n)`` when another file that is not this one has the name."""
        candidate, n = dest, 1
        while candidate.exists() and (taken or not _on_disk_as_expected(candidate, item)):
            n += 1
            taken = False
            candidate = dest.with_name(numbered(dest.name, n))
        return candidate

    def _tell(self, progress: FileProgress) -> None:
        elapsed = time.monotonic() - self._started
        if elapsed > 0:
            self.overall.rate = self.overall.bytes_done / elapsed
        for listener in list(self._listeners):
            listener(progress, self.overall)

    def _publish_files(self, file_ids: Iterable[str]) -> None:
        ids = list(file_ids)
        if ids:
            self._bus.publish(ChangeKind.RECORDINGS)


_ACTIVE = (LocalState.QUEUED, LocalState.DOWNLOADING)
