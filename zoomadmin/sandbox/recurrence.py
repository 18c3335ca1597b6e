"""Occurrences of recurring meetings, computed the way Zoom expands a type 8 recurrence."""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from zoomadmin.sandbox.state import Meeting, Occurrence

#: Zoom quirk: however a series is defined, Zoom expands at most 50 occurrences.
MAX_OCCURRENCES = 50
DAILY, WEEKLY, MONTHLY = 1, 2, 3
#: Guards against a recurrence that never matches (e.g. monthly_day on no month): stop after this.
_MAX_STEPS = 5000


class RecurrenceError(ValueError):
    """A recurrence object Zoom would refuse; the message names the bad field."""


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone ``name``; UTC when empty or unknown (Zoom falls back to the account zone)."""
    if not name:
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def occurrence_id(start: datetime) -> str:
    """Zoom's occurrence id: the UTC start as epoch milliseconds, as a string."""
    return str(int(start.timestamp() * 1000))


def weekly_days(value: str | int | None, default: int) -> list[int]:
    """Parse Zoom's ``weekly_days`` ("1".."7", 1 = Sunday, comma-separated) into sorted days."""
    if value is None or value == "":
        return [default]
    days = sorted({int(part) for part in str(value).split(",") if part.strip()})
    if not days or any(day < 1 or day > 7 for day in days):
        raise RecurrenceError(f"weekly_days must be 1..7 (1 = Sunday), got {value!r}")
    return days


def zoom_weekday(day: date) -> int:
    """Zoom's weekday number of ``day``: 1 = Sunday ... 7 = Saturday."""
    return (day.isoweekday() % 7) + 1


def _nth_weekday(year: int, month: int, week: int, weekday: int) -> date | None:
    """The ``week``-th (−1 = last) Zoom ``weekday`` of a month, or None if the month has none."""
    days = [
        date(year, month, d)
        for d in range(1, calendar.monthrange(year, month)[1] + 1)
        if zoom_weekday(date(year, month, d)) == weekday
    ]
    if week == -1:
        return days[-1]
    return days[week - 1] if 1 <= week <= len(days) else None


def _add_months(first: date, months: int) -> tuple[int, int]:
    index = first.year * 12 + first.month - 1 + months
    return index // 12, index % 12 + 1


def _daily(first: date, interval: int) -> Iterator[date]:
    for step in range(_MAX_STEPS):
        yield first + timedelta(days=step * interval)


def _weekly(first: date, interval: int, days: list[int]) -> Iterator[date]:
    week_start = first - timedelta(days=zoom_weekday(first) - 1)  # the Sunday of that week
    for step in range(_MAX_STEPS):
        sunday = week_start + timedelta(weeks=step * interval)
        for day in days:
            candidate = sunday + timedelta(days=day - 1)
            if candidate >= first:
                yield candidate


def _monthly(first: date, interval: int, rule: Mapping[str, Any]) -> Iterator[date]:
    for step in range(_MAX_STEPS):
        year, month = _add_months(first, step * interval)
        if rule.get("monthly_week") is not None:
            week, weekday = int(rule["monthly_week"]), int(rule.get("monthly_week_day") or 1)
            candidate = _nth_weekday(year, month, week, weekday)
        else:
            # Zoom quirk (assumed): day 31 in a shorter month falls on the month's last day.
            wanted = int(rule.get("monthly_day") or first.day)
            candidate = date(year, month, min(wanted, calendar.monthrange(year, month)[1]))
        if candidate is not None and candidate >= first:
            yield candidate


def _interval(rule: Mapping[str, Any], kind: int) -> int:
    interval = int(rule.get("repeat_interval") or 1)
    limit = {DAILY: 99, WEEKLY: 50, MONTHLY: 10}[kind]
    if not 1 <= interval <= limit:
        raise RecurrenceError(f"repeat_interval must be 1..{limit} for this type, got {interval}")
    return interval


def _dates(rule: Mapping[str, Any], first: date) -> Iterator[date]:
    kind = int(rule.get("type") or 0)
    if kind not in (DAILY, WEEKLY, MONTHLY):
        raise RecurrenceError(f"recurrence type must be 1 (daily), 2 or 3, got {kind}")
    interval = _interval(rule, kind)
    if kind == DAILY:
        return _daily(first, interval)
    if kind == WEEKLY:
        return _weekly(first, interval, weekly_days(rule.get("weekly_days"), zoom_weekday(first)))
    return _monthly(first, interval, rule)


def _parse_end(value: Any) -> datetime:
    if isinstance(value, datetime):
        end = value
    else:
        end = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return end if end.tzinfo else end.replace(tzinfo=UTC)


def series_starts(
    rule: Mapping[str, Any], first_start: datetime, tz_name: str | None
) -> list[datetime]:
    """UTC starts of a recurrence whose first session is ``first_start``.

    The wall-clock time stays fixed in ``tz_name`` across DST changes, so UTC starts shift.
    The series ends after ``end_times`` occurrences (default 1; Zoom refuses anything
    outside 1..50) or at ``end_date_time`` (UTC), and never exceeds 50 occurrences.
    """
    if rule.get("end_times") and rule.get("end_date_time"):
        raise RecurrenceError("recurrence takes end_times or end_date_time, not both")
    tz = zone(tz_name)
    local = first_start.astimezone(tz)
    wall = time(local.hour, local.minute, local.second)
    end_at = _parse_end(rule["end_date_time"]) if rule.get("end_date_time") else None
    raw_count = rule.get("end_times")
    count = 1 if raw_count is None else int(raw_count)
    if end_at is None and not 1 <= count <= MAX_OCCURRENCES:
        # Zoom: "end_times: 1 to 50 ... to increase this value, contact Zoom Support".
        raise RecurrenceError(f"end_times must be 1..{MAX_OCCURRENCES}, got {count}")
    limit = MAX_OCCURRENCES if end_at is not None else count
    starts: list[datetime] = []
    for day in _dates(rule, local.date()):
        # fold=0 picks the first of a repeated wall time; a skipped one maps forward via UTC.
        start = datetime.combine(day, wall, tzinfo=tz).astimezone(UTC)
        if end_at is not None and start > end_at:
            break
        starts.append(start)
        if len(starts) >= limit:
            break
    return starts


def occurrences(meeting: Meeting) -> list[Occurrence]:
    """The occurrences of a type 8 meeting (``[]`` for any other type), as Zoom lists them.

    Deleted occurrences keep their place with status "deleted"; per-occurrence overrides
    (``start_time``, ``duration``) change that occurrence only and keep its id.
    """
    if meeting.type != 8 or not meeting.recurrence or meeting.start_time is None:
        return []
    result: list[Occurrence] = []
    for start in series_starts(meeting.recurrence, meeting.start_time, meeting.timezone):
        occ_id = occurrence_id(start)
        override = meeting.occurrence_overrides.get(occ_id, {})
        moved = override.get("start_time")
        result.append(
            Occurrence(
                occurrence_id=occ_id,
                start_time=_parse_end(moved).astimezone(UTC) if moved else start,
                duration=int(override.get("duration") or meeting.duration),
                status="deleted" if occ_id in meeting.deleted_occurrences else "available",
            )
        )
    return result
