"""Where the calendar's sessions go on screen: day columns with side-by-side lanes, month cells.

Pure functions over :class:`CalendarSession` (no Qt), so the painted views only draw what
these decide, and the rules are tested on their own.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from zoomadmin.services.calendar import CalendarSession

MINUTES_A_DAY = 24 * 60
MONTH_CELLS = 42
"""Six weeks of seven days: every month fits, starting on the Monday of its first week."""


class View(enum.StrEnum):
    """The calendar's three views."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class Mark(enum.StrEnum):
    """A session's state as the calendar shows it (its colour mark and its words)."""

    QUEUED = "Queued"
    SENDING = "Sending"
    WAITING = "Waiting for quota"
    FAILED = "Failed"
    CREATED = "Created"
    LIVE = "Live"
    ENDED = "Ended"
    RECORDED = "Recorded"


_QUEUE_MARKS = {
    "queued": Mark.QUEUED,
    "sending": Mark.SENDING,
    "waiting": Mark.WAITING,
    "failed": Mark.FAILED,
}


def mark_of(session: CalendarSession, now: datetime) -> Mark:
    """What a session is at ``now``: still in the queue (by its state), else by Zoom's word
    and the time: live while its meeting runs and it is under way, ended or recorded after."""
    queued = _QUEUE_MARKS.get(session.status)
    if queued is not None:
        return queued
    if session.recorded:
        return Mark.RECORDED
    if session.start <= now < session.end + timedelta(minutes=30) and session.meeting_live:
        return Mark.LIVE
    if session.end <= now:
        return Mark.ENDED
    return Mark.CREATED


@dataclass(frozen=True)
class Placed:
    """One session's block in a day column."""

    session: CalendarSession
    day: int
    """The column (0 = the first day shown)."""
    top: float
    """Minutes after the day's local midnight where the block starts (clipped to the day)."""
    bottom: float
    """Minutes after that midnight where it ends (at most a whole day)."""
    lane: int
    lanes: int
    """Side-by-side lanes of its group of overlapping sessions; this one is ``lane``."""


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def period(view: View, day: date) -> tuple[date, int]:
    """The first day and the number of days a view shows around ``day``."""
    if view is View.DAY:
        return day, 1
    if view is View.WEEK:
        return week_start(day), 7
    return week_start(day.replace(day=1)), MONTH_CELLS


def step(view: View, day: date, forward: int) -> date:
    """``day`` moved by ``forward`` periods of ``view`` (a month keeps its day where it can)."""
    if view is View.DAY:
        return day + timedelta(days=forward)
    if view is View.WEEK:
        return day + timedelta(weeks=forward)
    month = day.month - 1 + forward
    year, month = day.year + month // 12, month % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def midnight(day: date, zone: tzinfo) -> datetime:
    """The start of ``day`` in ``zone`` (an aware datetime)."""
    return datetime.combine(day, time(), tzinfo=zone)


def lay_out_days(
    sessions: Iterable[CalendarSession], first: date, days: int, zone: tzinfo
) -> list[Placed]:
    """Blocks for the day columns ``first`` .. ``first + days - 1`` in ``zone``.

    A session that crosses midnight gets a block on each day it touches; blocks sit where the
    wall clock says (a 22:00 start at the 22:00 line, on a day of 23 or 25 hours too). Sessions that
    overlap (directly or through others) share the column: each takes the first lane free at
    its start, and the group is as many lanes wide as it needed at once.
    """
    placed: list[Placed] = []
    for index in range(days):
        day = first + timedelta(days=index)
        start = midnight(day, zone)
        end = midnight(day + timedelta(days=1), zone)
        pieces = []
        for session in sessions:
            if session.end <= start or session.start >= end or session.start == session.end:
                continue
            top = _wall_minutes(session.start, day, zone)
            bottom = _wall_minutes(session.end, day, zone)
            pieces.append((top, max(bottom, top + 1), session))
        placed.extend(_lanes(index, pieces))
    return placed


def _wall_minutes(moment: datetime, day: date, zone: tzinfo) -> float:
    """Where ``moment`` falls on ``day``'s column, by the wall clock (as the hour lines read):
    0 before the day, a whole day after it. On a clock change the column keeps 24 hours."""
    local = moment.astimezone(zone)
    if local.date() < day:
        return 0.0
    if local.date() > day:
        return float(MINUTES_A_DAY)
    return local.hour * 60 + local.minute + local.second / 60


def _lanes(day: int, pieces: list[tuple[float, float, CalendarSession]]) -> list[Placed]:
    pieces.sort(key=lambda p: (p[0], -p[1], p[2].host_email, p[2].title))
    out: list[Placed] = []
    group: list[tuple[float, float, CalendarSession, int]] = []
    lane_ends: list[float] = []
    group_end = 0.0

    def close() -> None:
        width = max(lane for *_, lane in group) + 1
        out.extend(Placed(s, day, top, bottom, lane, width) for top, bottom, s, lane in group)

    for top, bottom, session in pieces:
        if group and top >= group_end:
            close()
            group, lane_ends = [], []
        lane = next((n for n, ends in enumerate(lane_ends) if ends <= top), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(bottom)
        else:
            lane_ends[lane] = bottom
        group_end = max(group_end, bottom) if group else bottom
        group.append((top, bottom, session, lane))
    if group:
        close()
    return out


def by_day(
    sessions: Iterable[CalendarSession], first: date, days: int, zone: tzinfo
) -> dict[date, list[CalendarSession]]:
    """Each shown day's sessions (by their start in ``zone``), in start order."""
    last = first + timedelta(days=days)
    found: dict[date, list[CalendarSession]] = {first + timedelta(days=n): [] for n in range(days)}
    for session in sorted(sessions, key=lambda s: (s.start, s.host_email, s.title)):
        day = session.start.astimezone(zone).date()
        if first <= day < last:
            found[day].append(session)
    return found


def cell_lines(count: int, fits: int) -> tuple[int, int]:
    """Of ``count`` sessions in a month cell with room for ``fits`` lines: how many to show,
    and how many the "+N more" line stands for (the last line becomes it when needed)."""
    if fits <= 0:
        return 0, count
    if count <= fits:
        return count, 0
    return fits - 1, count - (fits - 1)


def neighbours(
    ordered: Sequence[CalendarSession], current: CalendarSession | None, by: int
) -> CalendarSession | None:
    """The session ``by`` places after ``current`` in ``ordered`` (wrapping), or the first."""
    if not ordered:
        return None
    if current is None or current not in ordered:
        return ordered[0] if by >= 0 else ordered[-1]
    return ordered[(ordered.index(current) + by) % len(ordered)]


PALETTE = (
    "#3b82f6",
    "#16a34a",
    "#ea580c",
    "#9333ea",
    "#0891b2",
    "#db2777",
    "#ca8a04",
    "#4f46e5",
    "#059669",
    "#dc2626",
)
"""Tenant colours: distinct hues that keep white text readable, in light and dark palettes."""
NO_TENANT_COLOUR = "#6b7280"


def tenant_colour(tenant_id: int | None) -> str:
    """The colour of a tenant's blocks (the same every time; grey for no tenant)."""
    if tenant_id is None:
        return NO_TENANT_COLOUR
    return PALETTE[(tenant_id - 1) % len(PALETTE)]
