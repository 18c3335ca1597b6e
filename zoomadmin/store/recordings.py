"""The recordings index: meetings and files as Zoom listed them, and each local copy's state."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update

from zoomadmin.store._sql import Bind, chunks, table_of, upsert_dialect
from zoomadmin.store.models import (
    Host,
    RecordingFileRow,
    RecordingMeeting,
    RecordingRefresh,
    RecordingRetentionRow,
    Tenant,
)
from zoomadmin.store.types import utc_now

_meeting = table_of(RecordingMeeting)
_file = table_of(RecordingFileRow)
_refresh = table_of(RecordingRefresh)
_host = table_of(Host)
_tenant = table_of(Tenant)
_retention = table_of(RecordingRetentionRow)

COMPLETED = "completed"
"""Zoom's status of a file that is ready to download."""


class LocalState(enum.StrEnum):
    """Where a file's local copy stands."""

    NONE = "none"
    QUEUED = "queued"
    DOWNLOADING = "downloading"
    VERIFIED = "verified"
    FAILED = "failed"


@dataclass(frozen=True)
class FileData:
    """One file as Zoom lists it."""

    id: str
    file_type: str
    file_extension: str
    recording_type: str = ""
    file_size: int | None = None
    status: str = COMPLETED
    recording_start: datetime | None = None
    download_url: str = field(default="", repr=False)
    in_trash: bool = False


@dataclass(frozen=True)
class MeetingData:
    """One recorded meeting instance as Zoom lists it, with its files."""

    uuid: str
    meeting_id: int
    host_zoom_id: str
    host_email: str
    topic: str
    start_time: datetime
    duration_minutes: int
    timezone: str | None = None
    files: tuple[FileData, ...] = ()
    in_trash: bool = False

    @property
    def total_size(self) -> int:
        """The bytes of every file Zoom gave a size for."""
        return sum(f.file_size or 0 for f in self.files)


@dataclass(frozen=True)
class FileRecord:
    """A stored file with its local state."""

    id: str
    meeting_uuid: str
    file_type: str
    file_extension: str
    recording_type: str
    file_size: int | None
    status: str
    recording_start: datetime | None
    download_url: str = field(repr=False)
    in_trash: bool
    deleted_in_zoom: bool
    local_state: LocalState
    local_path: str | None
    local_error: str | None
    verified_at: datetime | None

    @property
    def processing(self) -> bool:
        """Zoom is still processing it (no download yet)."""
        return self.status != COMPLETED


@dataclass(frozen=True)
class RecordingRecord:
    """A stored meeting instance with its tenant (by its host) and its files."""

    uuid: str
    meeting_id: int
    host_zoom_id: str
    host_email: str
    tenant_id: int | None
    tenant_name: str | None
    tenant_timezone: str | None
    topic: str
    start_time: datetime
    timezone: str | None
    duration_minutes: int
    total_size: int
    in_trash: bool
    deleted_in_zoom: bool
    files: tuple[FileRecord, ...] = ()


@dataclass(frozen=True)
class RecordingFilter:
    """Which recordings a list, a download or a trash takes (every field optional)."""

    tenant_id: int | None = None
    host_email: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    file_type: str | None = None
    topic: str | None = None


@dataclass(frozen=True)
class MonthUsage:
    """Bytes of recordings one tenant (None: none) holds in Zoom for one month."""

    tenant_name: str | None
    month: date
    bytes: int


def _file_values(uuid: str, item: FileData) -> dict[str, Any]:
    return {
        "id": item.id,
        "meeting_uuid": uuid,
        "file_type": item.file_type,
        "file_extension": item.file_extension,
        "recording_type": item.recording_type,
        "file_size": item.file_size,
        "status": item.status,
        "recording_start": item.recording_start,
        "download_url": item.download_url,
        "in_trash": item.in_trash,
        "deleted_in_zoom": False,
    }


def _file_record(row: Any) -> FileRecord:
    m = row._mapping
    return FileRecord(
        id=m["id"],
        meeting_uuid=m["meeting_uuid"],
        file_type=m["file_type"],
        file_extension=m["file_extension"],
        recording_type=m["recording_type"],
        file_size=m["file_size"],
        status=m["status"],
        recording_start=m["recording_start"],
        download_url=m["download_url"],
        in_trash=m["in_trash"],
        deleted_in_zoom=m["deleted_in_zoom"],
        local_state=LocalState(m["local_state"]),
        local_path=m["local_path"],
        local_error=m["local_error"],
        verified_at=m["verified_at"],
    )


def _meetings_query() -> Any:
    return (
        select(
            _meeting,
            _tenant.c.id.label("tenant_id"),
            _tenant.c.name.label("tenant_name"),
            _tenant.c.timezone.label("tenant_timezone"),
        )
        .select_from(_meeting_join())
        .order_by(_meeting.c.start_time.desc(), _meeting.c.uuid)
    )


def _filtered(query: Any, where: RecordingFilter) -> Any:
    if where.tenant_id is not None:
        query = query.where(_tenant.c.id == where.tenant_id)
    if where.host_email:
        query = query.where(func.lower(_meeting.c.host_email) == where.host_email.lower())
    if where.start is not None:
        query = query.where(_meeting.c.start_time >= where.start)
    if where.end is not None:
        query = query.where(_meeting.c.start_time < where.end)
    if where.topic:
        query = query.where(_meeting.c.topic.ilike(f"%{where.topic}%"))
    if where.file_type:
        has = select(_file.c.id).where(
            and_(_file.c.meeting_uuid == _meeting.c.uuid, _file.c.file_type == where.file_type)
        )
        query = query.where(has.exists())
    return query


class RecordingRepository:
    """Stores the index and answers the tab's, the downloads' and the retention's questions."""

    def __init__(self, engine: Bind) -> None:
        self._engine = engine

    # -- the index ------------------------------------------------------------------------

    def save(self, meetings: Sequence[MeetingData]) -> list[str]:
        """Insert or update ``meetings`` and their files; returns the uuids that changed.

        A file's local state is kept; a meeting or file listed again is no longer marked
        deleted in Zoom.
        """
        changed: list[str] = []
        with self._engine.begin() as conn:
            for meeting in meetings:
                if self._save_one(conn, meeting):
                    changed.append(meeting.uuid)
        return changed

    def _save_one(self, conn: Connection, meeting: MeetingData) -> bool:
        values = {
            "uuid": meeting.uuid,
            "meeting_id": meeting.meeting_id,
            "host_zoom_id": meeting.host_zoom_id,
            "host_email": meeting.host_email,
            "topic": meeting.topic,
            "start_time": meeting.start_time,
            "timezone": meeting.timezone,
            "duration_minutes": meeting.duration_minutes,
            "total_size": meeting.total_size,
            "in_trash": meeting.in_trash,
            "deleted_in_zoom": False,
        }
        before = conn.execute(select(_meeting).where(_meeting.c.uuid == meeting.uuid)).first()
        old_files = {
            r.id: r for r in conn.execute(select(_file).where(_file.c.meeting_uuid == meeting.uuid))
        }
        dialect = upsert_dialect(self._engine)
        stmt = dialect.insert(_meeting).values({**values, "seen_at": utc_now()})
        keep = ("uuid",)
        sets = {k: stmt.excluded[k] for k in (*values, "seen_at") if k not in keep}
        conn.execute(stmt.on_conflict_do_update(index_elements=["uuid"], set_=sets))
        changed = before is None or any(getattr(before, k) != v for k, v in values.items())
        for item in meeting.files:
            row = _file_values(meeting.uuid, item)
            old = old_files.get(item.id)
            changed |= old is None or any(getattr(old, k) != v for k, v in row.items())
            ins = dialect.insert(_file).values(row)
            file_sets = {k: ins.excluded[k] for k in row if k != "id"}
            conn.execute(ins.on_conflict_do_update(index_elements=["id"], set_=file_sets))
        listed = {f.id for f in meeting.files}
        gone = [fid for fid, r in old_files.items() if fid not in listed and not r.deleted_in_zoom]
        if gone:
            conn.execute(update(_file).where(_file.c.id.in_(gone)).values(deleted_in_zoom=True))
            changed = True
        return changed

    def mark_missing(
        self, host_zoom_id: str, start: datetime, end: datetime, present: Iterable[str]
    ) -> list[str]:
        """Mark the host's meetings in ``start..end`` that Zoom no longer lists; their uuids."""
        seen = set(present)
        with self._engine.begin() as conn:
            rows = conn.execute(
                select(_meeting.c.uuid).where(
                    _meeting.c.host_zoom_id == host_zoom_id,
                    _meeting.c.start_time >= start,
                    _meeting.c.start_time < end,
                    _meeting.c.deleted_in_zoom.is_(False),
                )
            ).scalars()
            missing = [uuid for uuid in rows if uuid not in seen]
            for part in chunks(missing):
                conn.execute(
                    update(_meeting)
                    .where(_meeting.c.uuid.in_(part))
                    .values(deleted_in_zoom=True, in_trash=False)
                )
                conn.execute(
                    update(_file)
                    .where(_file.c.meeting_uuid.in_(part))
                    .values(deleted_in_zoom=True, in_trash=False)
                )
        return missing

    def refreshed_through(self, host_zoom_id: str) -> date | None:
        """The last UTC day of the host's recordings read completely, if any."""
        with self._engine.connect() as conn:
            return conn.execute(
                select(_refresh.c.through).where(_refresh.c.host_zoom_id == host_zoom_id)
            ).scalar_one_or_none()

    def set_refreshed(self, host_zoom_id: str, through: date) -> None:
        """Note that the host's recordings up to ``through`` were read completely."""
        dialect = upsert_dialect(self._engine)
        stmt = dialect.insert(_refresh).values(
            host_zoom_id=host_zoom_id, through=through, refreshed_at=utc_now()
        )
        sets = {"through": stmt.excluded.through, "refreshed_at": stmt.excluded.refreshed_at}
        with self._engine.begin() as conn:
            conn.execute(stmt.on_conflict_do_update(index_elements=["host_zoom_id"], set_=sets))

    # -- reading --------------------------------------------------------------------------

    def count(self, where: RecordingFilter | None = None) -> int:
        """How many meetings match."""
        query = _filtered(select(func.count()).select_from(_meeting_join()), where or _ALL)
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def page(
        self, where: RecordingFilter | None = None, *, offset: int = 0, limit: int = 500
    ) -> list[RecordingRecord]:
        """Matching meetings, newest first, with their files (one chunk of a long list)."""
        query = _filtered(_meetings_query(), where or _ALL).offset(offset).limit(limit)
        with self._engine.connect() as conn:
            rows = list(conn.execute(query))
            files = self._files_of(conn, [r.uuid for r in rows])
        return [_recording(r, files.get(r.uuid, ())) for r in rows]

    def all(self, where: RecordingFilter | None = None) -> list[RecordingRecord]:
        """Every matching meeting with its files."""
        return self.page(where, limit=-1)

    def get(self, uuid: str) -> RecordingRecord | None:
        """One meeting with its files."""
        with self._engine.connect() as conn:
            row = conn.execute(_meetings_query().where(_meeting.c.uuid == uuid)).first()
            if row is None:
                return None
            return _recording(row, self._files_of(conn, [uuid]).get(uuid, ()))

    @staticmethod
    def _files_of(conn: Connection, uuids: Sequence[str]) -> dict[str, list[FileRecord]]:
        out: dict[str, list[FileRecord]] = {}
        for part in chunks(list(uuids)):
            query = select(_file).where(_file.c.meeting_uuid.in_(part)).order_by(_file.c.id)
            for row in conn.execute(query):
                out.setdefault(row.meeting_uuid, []).append(_file_record(row))
        return out

    def file(self, file_id: str) -> FileRecord | None:
        """One file."""
        with self._engine.connect() as conn:
            row = conn.execute(select(_file).where(_file.c.id == file_id)).first()
        return _file_record(row) if row is not None else None

    def files_in_state(self, *states: LocalState) -> list[FileRecord]:
        """Every file whose local copy is in one of ``states``."""
        query = select(_file).where(_file.c.local_state.in_([str(s) for s in states]))
        with self._engine.connect() as conn:
            return [_file_record(r) for r in conn.execute(query.order_by(_file.c.id))]

    def processing_meetings(self) -> list[str]:
        """Uuids of meetings (still in Zoom) with a file Zoom is still processing."""
        query = (
            select(_file.c.meeting_uuid)
            .where(_file.c.status != COMPLETED, _file.c.deleted_in_zoom.is_(False))
            .distinct()
        )
        with self._engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def usage_by_month(self) -> list[MonthUsage]:
        """Bytes held in Zoom (not trashed, not deleted) per tenant and month, oldest first."""
        month = func.strftime("%Y-%m", _meeting.c.start_time)
        if self._engine.dialect.name != "sqlite":
            month = func.to_char(_meeting.c.start_time, "YYYY-MM")
        query = (
            select(_tenant.c.name, month.label("month"), func.sum(_meeting.c.total_size))
            .select_from(_meeting_join())
            .where(_meeting.c.deleted_in_zoom.is_(False), _meeting.c.in_trash.is_(False))
            .group_by(_tenant.c.name, month)
            .order_by(month, _tenant.c.name)
        )
        with self._engine.connect() as conn:
            return [
                MonthUsage(name, date.fromisoformat(f"{ym}-01"), int(total or 0))
                for name, ym, total in conn.execute(query)
            ]

    # -- local state ----------------------------------------------------------------------

    def set_local(
        self,
        file_ids: Iterable[str],
        state: LocalState,
        *,
        path: str | None = None,
        error: str | None = None,
        verified_at: datetime | None = None,
    ) -> None:
        """Set the local state of files (a path, error and verification time with it)."""
        values: dict[str, Any] = {"local_state": str(state), "local_error": error}
        if path is not None:
            values["local_path"] = path
        if state is LocalState.VERIFIED:
            values["verified_at"] = verified_at or utc_now()
        with self._engine.begin() as conn:
            for part in chunks(list(file_ids)):
                conn.execute(update(_file).where(_file.c.id.in_(part)).values(values))

    def set_trashed(self, file_ids: Iterable[str], in_trash: bool) -> None:
        """Mark files (and meetings whose every file is) as in Zoom's trash or not."""
        ids = list(file_ids)
        with self._engine.begin() as conn:
            for part in chunks(ids):
                conn.execute(update(_file).where(_file.c.id.in_(part)).values(in_trash=in_trash))
            uuids = {
                r.meeting_uuid
                for part in chunks(ids)
                for r in conn.execute(select(_file.c.meeting_uuid).where(_file.c.id.in_(part)))
            }
            for uuid in uuids:
                left = conn.execute(
                    select(func.count()).where(
                        _file.c.meeting_uuid == uuid, _file.c.in_trash.is_(not in_trash)
                    )
                ).scalar_one()
                whole = in_trash and left == 0
                conn.execute(update(_meeting).where(_meeting.c.uuid == uuid).values(in_trash=whole))

    def recorded_between(self, start: datetime, end: datetime) -> list[tuple[int, datetime]]:
        """(meeting id, start) of every recorded meeting instance that started in ``[start,
        end)`` (the calendar marks its sessions recorded)."""
        query = select(_meeting.c.meeting_id, _meeting.c.start_time).where(
            _meeting.c.start_time >= start, _meeting.c.start_time < end
        )
        with self._engine.connect() as conn:
            return [(int(r.meeting_id), r.start_time) for r in conn.execute(query)]

    # -- retention policies ---------------------------------------------------------------

    def retention_policies(self) -> dict[int, int | None]:
        """Each tenant's stored policy (keep days after a verified download; None: never)."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(_retention.c.tenant_id, _retention.c.keep_days))
            return {tenant_id: keep_days for tenant_id, keep_days in rows}

    def set_retention(self, tenant_id: int, keep_days: int | None) -> None:
        """Store (insert or replace) a tenant's retention policy."""
        values = {"keep_days": keep_days, "updated_at": utc_now()}
        where = _retention.c.tenant_id == tenant_id
        with self._engine.begin() as conn:
            if not conn.execute(update(_retention).where(where).values(values)).rowcount:
                conn.execute(insert(_retention).values(tenant_id=tenant_id, **values))


_ALL = RecordingFilter()


def _meeting_join() -> Any:
    return _meeting.outerjoin(_host, _host.c.zoom_user_id == _meeting.c.host_zoom_id).outerjoin(
        _tenant, _tenant.c.id == _host.c.tenant_id
    )


def _recording(row: Any, files: Sequence[FileRecord]) -> RecordingRecord:
    m = row._mapping
    return RecordingRecord(
        uuid=m["uuid"],
        meeting_id=m["meeting_id"],
        host_zoom_id=m["host_zoom_id"],
        host_email=m["host_email"],
        tenant_id=m["tenant_id"],
        tenant_name=m["tenant_name"],
        tenant_timezone=m["tenant_timezone"],
        topic=m["topic"],
        start_time=m["start_time"],
        timezone=m["timezone"],
        duration_minutes=m["duration_minutes"],
        total_size=m["total_size"],
        in_trash=m["in_trash"],
        deleted_in_zoom=m["deleted_in_zoom"],
        files=tuple(files),
    )
