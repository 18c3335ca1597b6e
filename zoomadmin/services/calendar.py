"""The calendar's sessions (created in Zoom, or still in the queue) and their export."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from zoomadmin.core.schedule import IntentKind, IntentRecord, IntentState
from zoomadmin.services.schedule_queue import ScheduleQueue
from zoomadmin.store.repositories import Store

PRODID = "-//zoomadmin//calendar export//EN"
CSV_EXPORT_COLUMNS = (
    "start_utc",
    "end_utc",
    "local_start",
    "timezone",
    "title",
    "host_email",
    "tenant_id",
    "status",
    "meeting_id",
    "occurrence_id",
)


@dataclass(frozen=True)
class CalendarSession:
    """One session as the calendar shows it."""

    start: datetime
    """Aware UTC."""
    duration_minutes: int
    title: str
    host_id: int
    host_email: str
    tenant_id: int | None
    timezone: str
    status: str
    """Zoom's (``available``) once created; else the intent's state (queued, waiting, ...)."""
    meeting_id: int | None = None
    occurrence_id: str = ""
    intent_id: int | None = None
    join_url: str = ""
    meeting_live: bool = False
    """Zoom says its meeting is running now (from the events); of a series, the screens take
    the session under way as the live one."""
    recorded: bool = False
    """A cloud recording of it is in the recordings index."""
    meeting_type: int = 2
    """Zoom's type: 2 a single meeting, 8 a series (1 an instant meeting)."""

    @property
    def end(self) -> datetime:
        """When it is planned to end."""
        return self.start + timedelta(minutes=self.duration_minutes)

    @property
    def local_start(self) -> datetime:
        """The start in the session's own zone."""
        return self.start.astimezone(ZoneInfo(self.timezone))

    @property
    def uid(self) -> str:
        """A stable iCalendar UID."""
        if self.meeting_id is not None:
            return f"{self.meeting_id}-{self.occurrence_id or 'single'}@zoomadmin"
        return f"intent-{self.intent_id}-{int(self.start.timestamp())}@zoomadmin"


RECORDING_SLACK = timedelta(minutes=30)
"""A recording that starts this long before a session, or before its end, is the session's."""


class CalendarService:
    """Sessions for the calendar views and their iCalendar and CSV exports."""

    def __init__(
        self,
        store: Store,
        queue: ScheduleQueue,
        *,
        live: Callable[[], frozenset[int]] = frozenset,
    ) -> None:
        self._store = store
        self._queue = queue
        self._live = live

    async def sessions(
        self,
        start: datetime,
        end: datetime,
        *,
        tenant_id: int | None = None,
        host_id: int | None = None,
    ) -> list[CalendarSession]:
        """Sessions starting in ``[start, end)``: Zoom's, then the queue's not yet created."""
        return await asyncio.to_thread(self._sessions, start, end, tenant_id, host_id)

    def _sessions(
        self, start: datetime, end: datetime, tenant_id: int | None, host_id: int | None
    ) -> list[CalendarSession]:
        stored = self._store.meetings.sessions_between(
            start, end, tenant_id=tenant_id, host_id=host_id
        )
        meetings = self._store.meetings.heads(s.meeting_id for s in stored)
        live = self._live()
        recorded = self._recorded(start, end)
        out: list[CalendarSession] = []
        for s in stored:
            meeting = meetings[s.meeting_id]
            session = CalendarSession(
                s.start_time,
                s.duration_minutes,
                s.topic,
                s.host_id,
                s.host_email,
                s.tenant_id,
                meeting.timezone or "UTC",
                s.status,
                s.meeting_id,
                s.occurrence_id,
                join_url=meeting.join_url or "",
                meeting_type=meeting.meeting_type,
            )
            marks = recorded.get(s.meeting_id, ())
            out.append(
                replace(
                    session,
                    meeting_live=s.meeting_id in live,
                    recorded=any(_is_of(session, at) for at in marks),
                )
            )
        pending = self._store.schedule.listed(
            (IntentState.QUEUED, IntentState.SENDING, IntentState.WAITING, IntentState.FAILED),
            host_id=host_id,
            tenant_id=tenant_id,
        )
        emails = {h.id: h.email for h in self._store.hosts.all()}
        for intent in pending:
            out.extend(_pending(intent, start, end, emails.get(intent.host_id, "")))
        out.sort(key=lambda c: (c.start, c.host_email))
        return out

    def _recorded(self, start: datetime, end: datetime) -> dict[int, list[datetime]]:
        found: dict[int, list[datetime]] = {}
        for meeting_id, at in self._store.recordings.recorded_between(start - RECORDING_SLACK, end):
            found.setdefault(meeting_id, []).append(at)
        return found

    async def position(self, session: CalendarSession) -> tuple[int, int] | None:
        """Which session of its series this one is: (number, of how many); None for a
        single meeting or one still in the queue."""
        if session.meeting_id is None or not session.occurrence_id:
            return None

        def read() -> tuple[int, int] | None:
            meeting = self._store.meetings.get(session.meeting_id or 0)
            starts = [o.start_time for o in meeting.occurrences]
            if session.start not in starts:
                return None
            return starts.index(session.start) + 1, len(starts)

        return await asyncio.to_thread(read)

    async def export_ics(self, sessions: Sequence[CalendarSession]) -> bytes:
        """An iCalendar file: one VEVENT per session, in its zone (zoneinfo VTIMEZONEs)."""
        return await asyncio.to_thread(to_ics, sessions)

    async def export_csv(self, sessions: Sequence[CalendarSession]) -> str:
        """A CSV file, one row per session."""
        return to_csv(sessions)


def _is_of(session: CalendarSession, recording_start: datetime) -> bool:
    return session.start - RECORDING_SLACK <= recording_start < session.end


def _pending(
    intent: IntentRecord, start: datetime, end: datetime, email: str
) -> list[CalendarSession]:
    if intent.kind is not IntentKind.CREATE:
        return []
    return [
        CalendarSession(
            s,
            intent.duration_minutes,
            intent.topic,
            intent.host_id,
            email,
            intent.tenant_id,
            intent.timezone,
            str(intent.state),
            intent_id=intent.id,
        )
        for s in intent.session_starts
        if start <= s < end
    ]


def to_ics(sessions: Sequence[CalendarSession]) -> bytes:
    """The sessions as an iCalendar document (RFC 5545) with a VTIMEZONE per zone used."""
    import icalendar  # only an export needs it: kept out of every start-up

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    stamp = datetime.now(UTC)
    for s in sessions:
        event = icalendar.Event()
        event.add("uid", s.uid)
        event.add("dtstamp", stamp)
        event.add("summary", s.title)
        event.add("dtstart", s.local_start)
        event.add("dtend", s.end.astimezone(ZoneInfo(s.timezone)))
        event.add("status", "CONFIRMED" if s.meeting_id is not None else "TENTATIVE")
        event.add("organizer", f"mailto:{s.host_email}")
        cal.add_component(event)
    cal.add_missing_timezones()
    data: bytes = cal.to_ical()
    return data


def to_csv(sessions: Sequence[CalendarSession]) -> str:
    """The sessions as CSV (:data:`CSV_EXPORT_COLUMNS`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_EXPORT_COLUMNS)
    for s in sessions:
        writer.writerow(
            [
                s.start.isoformat(),
                s.end.isoformat(),
                s.local_start.replace(tzinfo=None).isoformat(timespec="minutes"),
                s.timezone,
                s.title,
                s.host_email,
                "" if s.tenant_id is None else s.tenant_id,
                s.status,
                "" if s.meeting_id is None else s.meeting_id,
                s.occurrence_id,
            ]
        )
    return out.getvalue()
