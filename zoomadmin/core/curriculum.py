"""Curricula: weekly slots over a term, read from CSV and expanded into sessions by zoneinfo."""

from __future__ import annotations

import csv
import enum
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from zoomadmin.core.errors import InvalidValue

CSV_COLUMNS = (
    "tenant",
    "host_email",
    "title",
    "weekday",
    "start_time",
    "duration_minutes",
    "first_date",
    "last_date",
    "skip_dates",
    "timezone",
)
"""The columns of a curriculum CSV, in order; one row per weekly slot."""

MIN_DURATION = 1
MAX_DURATION = 1440
"""Minutes Zoom accepts for a scheduled meeting's ``duration`` (its scheduler offers 24 h)."""
BASIC_LIMIT_MINUTES = 40
"""Zoom ends every meeting of a Basic host at 40 minutes."""

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAYS: dict[str, int] = {
    **{d: i for i, d in enumerate(_DAYS)},
    **{d: i for i, d in enumerate(_FULL)},
}
"""Weekday names (``Mon``..``Sun`` or in full, any case) to Python's 0 = Monday."""


class CurriculumFileError(InvalidValue):
    """A curriculum file that cannot be read at all (no header, missing columns)."""


@dataclass(frozen=True)
class RowProblem:
    """Why one row (counted as a spreadsheet does: the header is row 1) cannot be used."""

    row: int
    field: str
    message: str

    @property
    def text(self) -> str:
        """``Row 3, start_time: ...``."""
        return f"Row {self.row}, {self.field}: {self.message}"


@dataclass(frozen=True)
class Slot:
    """One weekly slot of a curriculum: a row of the CSV."""

    row: int
    tenant: str
    host_email: str
    title: str
    weekday: int
    """0 = Monday ... 6 = Sunday."""
    start: time
    duration_minutes: int
    first_date: date
    last_date: date
    skip_dates: frozenset[date]
    timezone: str | None
    """An IANA name, or None for the tenant's."""


@dataclass(frozen=True)
class Session:
    """One session a curriculum asks for: a local date and time in a zone, and its instant."""

    row: int
    tenant: str
    host_email: str
    title: str
    local_date: date
    local_time: time
    timezone: str
    start: datetime
    """Aware UTC."""
    duration_minutes: int

    @property
    def end(self) -> datetime:
        """When the session is planned to end (UTC)."""
        return self.start + timedelta(minutes=self.duration_minutes)

    @property
    def local_start(self) -> datetime:
        """The wall-clock start, naive (what Zoom takes with ``timezone``)."""
        return datetime.combine(self.local_date, self.local_time)


def zone_of(name: str) -> ZoneInfo:
    """The IANA zone ``name``; InvalidValue naming it when it is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidValue(f"{name!r} is not a time zone name (e.g. Europe/London).") from exc


class _RowReader:
    """Reads the fields of one row, collecting a problem per bad field."""

    def __init__(self, row: int, values: Mapping[str, str | None]) -> None:
        self.row = row
        self.values = {k: (v or "").strip() for k, v in values.items() if k}
        self.problems: list[RowProblem] = []

    def bad(self, field: str, message: str) -> None:
        self.problems.append(RowProblem(self.row, field, message))

    def text(self, field: str) -> str:
        value = self.values.get(field, "")
        if not value:
            self.bad(field, "is empty.")
        return value

    def weekday(self) -> int:
        value = self.text("weekday")
        if value and value.lower() not in WEEKDAYS:
            self.bad("weekday", f"{value!r} is not a weekday (Mon..Sun, or in full).")
        return WEEKDAYS.get(value.lower(), 0)

    def start(self) -> time:
        value = self.text("start_time")
        try:
            hour, minute = (int(part) for part in value.split(":"))
            return time(hour, minute)
        except ValueError:
            if value:
                self.bad("start_time", f"{value!r} is not a local time as HH:MM (e.g. 09:00).")
            return time(0, 0)

    def duration(self) -> int:
        value = self.text("duration_minutes")
        try:
            minutes = int(value)
        except ValueError:
            if value:
                self.bad("duration_minutes", f"{value!r} is not a whole number of minutes.")
            return MIN_DURATION
        if not MIN_DURATION <= minutes <= MAX_DURATION:
            self.bad(
                "duration_minutes",
                f"{minutes} minutes: Zoom takes {MIN_DURATION} to {MAX_DURATION} minutes.",
            )
        return minutes

    def day(self, field: str, value: str | None = None) -> date | None:
        raw = self.text(field) if value is None else value
        try:
            return date.fromisoformat(raw)
        except ValueError:
            if raw:
                self.bad(field, f"{raw!r} is not a date as YYYY-MM-DD.")
            return None

    def skips(self) -> frozenset[date]:
        raw = self.values.get("skip_dates", "")
        days = (self.day("skip_dates", part.strip()) for part in raw.split(";") if part.strip())
        return frozenset(d for d in days if d is not None)

    def zone(self) -> str | None:
        value = self.values.get("timezone", "")
        if not value:
            return None
        try:
            zone_of(value)
        except InvalidValue as exc:
            self.bad("timezone", exc.user_message)
        return value

    def email(self) -> str:
        value = self.text("host_email")
        if value and ("@" not in value or " " in value):
            self.bad("host_email", f"{value!r} is not an email address.")
        return value.lower()


def _slot(number: int, values: Mapping[str, str | None]) -> tuple[Slot | None, list[RowProblem]]:
    r = _RowReader(number, values)
    tenant, email, title = r.text("tenant"), r.email(), r.text("title")
    weekday, start, duration = r.weekday(), r.start(), r.duration()
    first, last = r.day("first_date"), r.day("last_date")
    skips, zone = r.skips(), r.zone()
    if first and last and last < first:
        r.bad("last_date", f"{last} is before the first date {first}.")
    if len(title) > 200:
        r.bad("title", "is longer than Zoom's 200 characters.")
    if r.problems or first is None or last is None:
        return None, r.problems
    slot = Slot(number, tenant, email, title, weekday, start, duration, first, last, skips, zone)
    return slot, []


def parse_csv(text: str) -> tuple[list[Slot], list[RowProblem]]:
    """The slots of a curriculum CSV, and a problem for every bad field of every row.

    Raises :class:`CurriculumFileError` when the header lacks a column.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or ()]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise CurriculumFileError(
            "The curriculum file lacks the column(s) "
            + ", ".join(missing)
            + ". Its first row must be: "
            + ",".join(CSV_COLUMNS)
        )
    reader.fieldnames = header
    slots: list[Slot] = []
    problems: list[RowProblem] = []
    for number, values in enumerate(reader, start=2):
        if not any((v or "").strip() for v in values.values() if isinstance(v, str)):
            continue
        slot, found = _slot(number, values)
        problems.extend(found)
        if slot is not None:
            slots.append(slot)
    return slots, problems


def wall_time_problem(day: date, at: time, zone: ZoneInfo) -> str | None:
    """Why ``at`` on ``day`` is no single instant in ``zone`` (clocks change), or None."""
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=zone).astimezone(UTC)
    second = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if first == second:
        return None
    if first.astimezone(zone).replace(tzinfo=None) != naive:
        return f"{day} {at:%H:%M} does not exist in {zone.key}: the clocks go forward then."
    return f"{day} {at:%H:%M} happens twice in {zone.key}: the clocks go back then."


def slot_dates(slot: Slot) -> Iterable[date]:
    """The term's dates on the slot's weekday, skipped dates left out."""
    day = slot.first_date + timedelta(days=(slot.weekday - slot.first_date.weekday()) % 7)
    while day <= slot.last_date:
        if day not in slot.skip_dates:
            yield day
        day += timedelta(weeks=1)


def expand(slot: Slot, timezone: str) -> tuple[list[Session], list[RowProblem]]:
    """The slot's sessions in ``timezone``: the same wall-clock time every week, DST or not.

    A date whose wall-clock time is skipped or repeated by a clock change is reported
    (field ``start_time``), not guessed.
    """
    zone = zone_of(timezone)
    sessions: list[Session] = []
    problems: list[RowProblem] = []
    for day in slot_dates(slot):
        problem = wall_time_problem(day, slot.start, zone)
        if problem:
            problems.append(RowProblem(slot.row, "start_time", problem))
            continue
        start = datetime.combine(day, slot.start, tzinfo=zone).astimezone(UTC)
        sessions.append(
            Session(
                slot.row,
                slot.tenant,
                slot.host_email,
                slot.title,
                day,
                slot.start,
                timezone,
                start,
                slot.duration_minutes,
            )
        )
    return sessions, problems


class ConflictKind(enum.StrEnum):
    """What is wrong with sessions before anything is sent."""

    DOUBLE_BOOKED = "double_booked"
    """Two new sessions of one host overlap (a host runs one meeting at a time)."""
    EXISTING_MEETING = "existing_meeting"
    """A new session overlaps a meeting the host already has."""
    IN_PAST = "in_past"
    BASIC_OVER_40 = "basic_over_40"
    """A Basic host's session runs past Zoom's 40 minutes: it needs a license (flag only)."""

    @property
    def blocking(self) -> bool:
        """Whether the curriculum cannot be submitted while this is so."""
        return self is not ConflictKind.BASIC_OVER_40


@dataclass(frozen=True)
class Busy:
    """A stretch of time a host is already taken (a stored meeting's session)."""

    start: datetime
    end: datetime
    topic: str
    meeting_id: int | None
    """Zoom's meeting, or None for a session still in the schedule queue."""


@dataclass(frozen=True)
class Conflict:
    """One problem found across sessions, with the sessions involved."""

    kind: ConflictKind
    host_email: str
    message: str
    sessions: tuple[Session, ...]

    @property
    def blocking(self) -> bool:
        """Whether it keeps the curriculum from being submitted."""
        return self.kind.blocking


def _by_host(sessions: Iterable[Session]) -> dict[str, list[Session]]:
    hosts: dict[str, list[Session]] = defaultdict(list)
    for session in sessions:
        hosts[session.host_email].append(session)
    for group in hosts.values():
        group.sort(key=lambda s: (s.start, s.row))
    return hosts


def _when(session: Session) -> str:
    return f"{session.local_date} {session.local_time:%H:%M} {session.timezone}"


def _double_bookings(email: str, sessions: Sequence[Session]) -> list[Conflict]:
    found: list[Conflict] = []
    latest: Session | None = None
    for session in sessions:
        if latest is not None and session.start < latest.end:
            found.append(
                Conflict(
                    ConflictKind.DOUBLE_BOOKED,
                    email,
                    f"{email} would run “{latest.title}” (row {latest.row}) and "
                    f"“{session.title}” (row {session.row}) at once on {_when(session)}.",
                    (latest, session),
                )
            )
        if latest is None or session.end > latest.end:
            latest = session
    return found


def _which(busy: Busy) -> str:
    return "in the queue" if busy.meeting_id is None else f"meeting {busy.meeting_id}"


def _clashes(email: str, sessions: Sequence[Session], busy: Sequence[Busy]) -> list[Conflict]:
    found: list[Conflict] = []
    taken = sorted(busy, key=lambda b: b.start)
    i = 0
    for session in sessions:
        while i < len(taken) and taken[i].end <= session.start:
            i += 1
        for other in taken[i:]:
            if other.start >= session.end:
                break
            found.append(
                Conflict(
                    ConflictKind.EXISTING_MEETING,
                    email,
                    f"{email} already has “{other.topic}” ({_which(other)}) when "
                    f"“{session.title}” (row {session.row}) starts on {_when(session)}.",
                    (session,),
                )
            )
    return found


def _per_row(
    kind: ConflictKind, email: str, sessions: Sequence[Session], words: str
) -> list[Conflict]:
    rows: dict[int, list[Session]] = defaultdict(list)
    for session in sessions:
        rows[session.row].append(session)
    return [
        Conflict(
            kind,
            email,
            f"Row {row}: {len(group)} session(s) of “{group[0].title}” {words}",
            tuple(group),
        )
        for row, group in sorted(rows.items())
    ]


def find_conflicts(
    sessions: Iterable[Session],
    *,
    now: datetime,
    existing: Mapping[str, Sequence[Busy]],
    basic_hosts: Iterable[str] = (),
) -> list[Conflict]:
    """Double bookings (within the sessions and against ``existing`` meetings per host
    email), sessions that start before ``now``, and Basic hosts' sessions over 40 minutes."""
    basic = set(basic_hosts)
    found: list[Conflict] = []
    for email, group in sorted(_by_host(sessions).items()):
        found.extend(_double_bookings(email, group))
        found.extend(_clashes(email, group, existing.get(email, ())))
        past = [s for s in group if s.start < now]
        if past:
            found.extend(_per_row(ConflictKind.IN_PAST, email, past, "start in the past."))
        if email in basic:
            long = [s for s in group if s.duration_minutes > BASIC_LIMIT_MINUTES]
            words = (
                f"run over {BASIC_LIMIT_MINUTES} minutes, and {email} is a Basic host: "
                "Zoom ends its meetings at 40 minutes unless it holds a license then."
            )
            if long:
                found.extend(_per_row(ConflictKind.BASIC_OVER_40, email, long, words))
    return found
