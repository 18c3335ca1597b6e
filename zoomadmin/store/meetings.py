"""Meetings and their sessions (occurrences): what the calendar, hosts and tenants views ask."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from zoomadmin.core.records import SessionRecord
from zoomadmin.store._sql import Bind, table_of, upsert_dialect
from zoomadmin.store.errors import NotFoundError
from zoomadmin.store.models import Host, Meeting, MeetingOccurrence
from zoomadmin.store.types import utc_now

_meeting = table_of(Meeting)
_occ = table_of(MeetingOccurrence)
_host = table_of(Host)

DELETED = "deleted"
"""Zoom's status of an occurrence that was deleted; such sessions are never "coming"."""


@dataclass(frozen=True)
class OccurrenceData:
    """One session of a meeting. ``occurrence_id`` is empty for a one-off meeting."""

    start_time: datetime
    duration_minutes: int
    occurrence_id: str = ""
    status: str = "available"


@dataclass(frozen=True)
class MeetingData:
    """A meeting as Zoom describes it (recurrence already expanded by the caller)."""

    id: int
    host_id: int
    topic: str
    start_time: datetime | None
    duration_minutes: int
    meeting_type: int = 2
    timezone: str | None = None
    join_url: str | None = None
    """None: keep the link stored before (a save that does not know it)."""


_IDS_PER_QUERY = 900
"""Ids per ``IN (...)`` (under the smallest SQLite limit on bound parameters)."""


@dataclass(frozen=True)
class MeetingRecord:
    """A stored meeting with its sessions in start order."""

    id: int
    host_id: int
    topic: str
    meeting_type: int
    start_time: datetime | None
    duration_minutes: int
    timezone: str | None
    created_at: datetime
    updated_at: datetime
    join_url: str | None = None
    occurrences: tuple[OccurrenceData, ...] = field(default=())


def _sessions_query() -> Select[tuple[object, ...]]:
    return (
        select(
            _occ.c.meeting_id,
            _occ.c.occurrence_id,
            _meeting.c.topic,
            _occ.c.start_time,
            _occ.c.duration_minutes,
            _occ.c.status,
            _meeting.c.host_id,
            _host.c.email.label("host_email"),
            _host.c.tenant_id,
        )
        .select_from(_occ.join(_meeting).join(_host))
        .where(_occ.c.status != DELETED)
        .order_by(_occ.c.start_time, _occ.c.meeting_id)
    )


class MeetingRepository:
    """Stores meetings and answers "what is coming" questions about their sessions."""

    def __init__(self, engine: Bind) -> None:
        self._engine = engine

    def save(
        self, meeting: MeetingData, occurrences: Sequence[OccurrenceData] | None = None
    ) -> None:
        """Insert or replace ``meeting`` and all its sessions in one transaction.

        With ``occurrences`` None, a one-off meeting gets one session at its start time.
        """
        if occurrences is None:
            if meeting.start_time is None:
                raise ValueError(f"meeting {meeting.id} has no start time and no occurrences")
            occurrences = [OccurrenceData(meeting.start_time, meeting.duration_minutes)]
        now = utc_now()
        values = {
            "id": meeting.id,
            "host_id": meeting.host_id,
            "topic": meeting.topic,
            "meeting_type": meeting.meeting_type,
            "start_time": meeting.start_time,
            "duration_minutes": meeting.duration_minutes,
            "timezone": meeting.timezone,
            "join_url": meeting.join_url,
            "created_at": now,
            "updated_at": now,
        }
        dialect = upsert_dialect(self._engine)
        stmt = dialect.insert(_meeting).values(values)
        updates: dict[str, Any] = {
            k: stmt.excluded[k] for k in values if k not in ("id", "created_at")
        }
        updates["join_url"] = func.coalesce(stmt.excluded.join_url, _meeting.c.join_url)
        try:
            with self._engine.begin() as conn:
                conn.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=updates))
                self._replace_occurrences(conn, meeting.id, occurrences)
        except IntegrityError as exc:
            raise NotFoundError(
                f"Host {meeting.host_id} does not exist (any more), or meeting {meeting.id} "
                "lists one occurrence twice."
            ) from exc

    @staticmethod
    def _replace_occurrences(
        conn: Connection, meeting_id: int, occurrences: Sequence[OccurrenceData]
    ) -> None:
        conn.execute(delete(_occ).where(_occ.c.meeting_id == meeting_id))
        if occurrences:
            conn.execute(
                insert(_occ),
                [
                    {
                        "meeting_id": meeting_id,
                        "occurrence_id": o.occurrence_id,
                        "start_time": o.start_time,
                        "duration_minutes": o.duration_minutes,
                        "status": o.status,
                    }
                    for o in occurrences
                ],
            )

    def get(self, meeting_id: int) -> MeetingRecord:
        """The meeting with id ``meeting_id`` and its sessions."""
        with self._engine.connect() as conn:
            row = conn.execute(select(_meeting).where(_meeting.c.id == meeting_id)).one_or_none()
            if row is None:
                raise NotFoundError(f"Meeting {meeting_id} is not in the local database.")
            occ = conn.execute(
                select(
                    _occ.c.start_time, _occ.c.duration_minutes, _occ.c.occurrence_id, _occ.c.status
                )
                .where(_occ.c.meeting_id == meeting_id)
                .order_by(_occ.c.start_time)
            ).all()
        return MeetingRecord(**row._mapping, occurrences=tuple(OccurrenceData(*o) for o in occ))

    def heads(self, meeting_ids: Iterable[int]) -> dict[int, MeetingRecord]:
        """The meetings with these ids (without sessions), in one read."""
        wanted = sorted(set(meeting_ids))
        found: dict[int, MeetingRecord] = {}
        with self._engine.connect() as conn:
            for first in range(0, len(wanted), _IDS_PER_QUERY):
                chunk = wanted[first : first + _IDS_PER_QUERY]
                for row in conn.execute(select(_meeting).where(_meeting.c.id.in_(chunk))):
                    found[row.id] = MeetingRecord(**row._mapping)
        return found

    def for_host(self, host_id: int) -> list[MeetingRecord]:
        """Every meeting of one host (without sessions), by start time."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(_meeting)
                .where(_meeting.c.host_id == host_id)
                .order_by(_meeting.c.start_time, _meeting.c.id)
            ).all()
        return [MeetingRecord(**r._mapping) for r in rows]

    def coming_for_host(self, host_id: int, now: datetime) -> list[MeetingRecord]:
        """The meetings of ``host_id`` with a session (not cancelled) starting at or after
        ``now``, each with all its sessions, by their first coming session."""
        first = (
            select(_occ.c.meeting_id, func.min(_occ.c.start_time).label("first"))
            .select_from(_occ.join(_meeting))
            .where(
                _meeting.c.host_id == host_id,
                _occ.c.status != DELETED,
                _occ.c.start_time >= now,
            )
            .group_by(_occ.c.meeting_id)
            .order_by("first", _occ.c.meeting_id)
        )
        with self._engine.connect() as conn:
            ids = [int(r[0]) for r in conn.execute(first)]
        return [self.get(meeting_id) for meeting_id in ids]

    def delete(self, meeting_id: int) -> None:
        """Forget a meeting and its sessions (it was deleted in Zoom)."""
        with self._engine.begin() as conn:
            conn.execute(delete(_meeting).where(_meeting.c.id == meeting_id))

    def next_session(self, host_id: int, now: datetime) -> SessionRecord | None:
        """The first session of ``host_id`` starting at or after ``now``, if any."""
        query = _sessions_query().where(_meeting.c.host_id == host_id, _occ.c.start_time >= now)
        with self._engine.connect() as conn:
            row = conn.execute(query.limit(1)).one_or_none()
        return None if row is None else SessionRecord(**row._mapping)

    def coming_sessions(
        self,
        tenant_id: int,
        now: datetime,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> list[SessionRecord]:
        """Sessions of a tenant's hosts that start in ``[now, until)``, earliest first."""
        query = _sessions_query().where(_host.c.tenant_id == tenant_id, _occ.c.start_time >= now)
        if until is not None:
            query = query.where(_occ.c.start_time < until)
        if limit is not None:
            query = query.limit(limit)
        with self._engine.connect() as conn:
            return [SessionRecord(**r._mapping) for r in conn.execute(query)]

    def count_coming_sessions(
        self, tenant_id: int, now: datetime, until: datetime | None = None
    ) -> int:
        """How many sessions of a tenant's hosts start in ``[now, until)``."""
        query = (
            select(func.count())
            .select_from(_occ.join(_meeting).join(_host))
            .where(
                _host.c.tenant_id == tenant_id,
                _occ.c.status != DELETED,
                _occ.c.start_time >= now,
            )
        )
        if until is not None:
            query = query.where(_occ.c.start_time < until)
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def sessions_between(
        self,
        start: datetime,
        end: datetime,
        *,
        tenant_id: int | None = None,
        host_id: int | None = None,
    ) -> list[SessionRecord]:
        """Sessions starting in ``[start, end)``, optionally of one tenant or one host."""
        query = _sessions_query().where(_occ.c.start_time >= start, _occ.c.start_time < end)
        if tenant_id is not None:
            query = query.where(_host.c.tenant_id == tenant_id)
        if host_id is not None:
            query = query.where(_meeting.c.host_id == host_id)
        with self._engine.connect() as conn:
            return [SessionRecord(**r._mapping) for r in conn.execute(query)]
