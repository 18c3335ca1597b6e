"""Recurrence expansion: weekday numbering, ends, caps, DST, deleted and edited occurrences."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from zoomadmin.sandbox.recurrence import (
    RecurrenceError,
    occurrence_id,
    occurrences,
    series_starts,
    weekly_days,
    zoom_weekday,
)
from zoomadmin.sandbox.state import Meeting

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")


def meeting(
    start: datetime, recurrence: dict[str, Any] | None, *, tz: str, type_: int = 8
) -> Meeting:
    return Meeting(
        id=81234567890,
        uuid="abcdefghijklmnopqrstuv==",
        host_id="h" * 22,
        topic="Algebra",
        type=type_,
        start_time=start.astimezone(UTC),
        duration=50,
        timezone=tz,
        created_at=start.astimezone(UTC) - timedelta(days=7),
        recurrence=recurrence,
    )


def test_weekly_keeps_wall_clock_across_us_dst_change() -> None:
    # 2025-03-09 is the US spring-forward day: 16:00 local moves from 21:00Z to 20:00Z.
    start = datetime(2025, 3, 3, 16, 0, tzinfo=NY)  # a Monday
    occ = occurrences(
        meeting(start, {"type": 2, "weekly_days": "2", "end_times": 3}, tz="America/New_York")
    )
    assert [o.start_time for o in occ] == [
        datetime(2025, 3, 3, 21, 0, tzinfo=UTC),
        datetime(2025, 3, 10, 20, 0, tzinfo=UTC),
        datetime(2025, 3, 17, 20, 0, tzinfo=UTC),
    ]
    assert all(o.start_time.astimezone(NY).hour == 16 for o in occ)
    assert [o.occurrence_id for o in occ] == [
        str(int(o.start_time.timestamp()) * 1000) for o in occ
    ]
    assert occ[0].occurrence_id == "1741035600000"


def test_daily_keeps_wall_clock_across_london_autumn_change() -> None:
    # 2025-10-26 is the UK fall-back day: 09:00 local moves from 08:00Z to 09:00Z.
    start = datetime(2025, 10, 24, 9, 0, tzinfo=LONDON)
    starts = series_starts({"type": 1, "end_times": 4}, start.astimezone(UTC), "Europe/London")
    assert [s.hour for s in starts] == [8, 8, 9, 9]
    assert [s.astimezone(LONDON).hour for s in starts] == [9, 9, 9, 9]


def test_weekly_days_number_sunday_as_one() -> None:
    assert weekly_days("1,7", 3) == [1, 7]
    assert weekly_days(None, 3) == [3]
    assert zoom_weekday(date(2025, 3, 2)) == 1  # a Sunday
    assert zoom_weekday(date(2025, 3, 8)) == 7  # a Saturday
    start = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)  # a Tuesday
    starts = series_starts({"type": 2, "weekly_days": "1,4", "end_times": 4}, start, "UTC")
    assert [zoom_weekday(s.date()) for s in starts] == [4, 1, 4, 1]
    assert [s.day for s in starts] == [5, 9, 12, 16]  # Wed 5, Sun 9, Wed 12, Sun 16
    with pytest.raises(RecurrenceError, match="weekly_days"):
        weekly_days("0,8", 1)


def test_repeat_interval_skips_weeks() -> None:
    start = datetime(2025, 1, 6, 15, 0, tzinfo=UTC)  # Monday
    starts = series_starts(
        {"type": 2, "repeat_interval": 2, "weekly_days": "2", "end_times": 3}, start, "UTC"
    )
    assert [s.date().isoformat() for s in starts] == ["2025-01-06", "2025-01-20", "2025-02-03"]


def test_end_date_time_includes_last_day_and_end_times_counts() -> None:
    start = datetime(2025, 1, 6, 15, 0, tzinfo=UTC)
    by_date = series_starts({"type": 1, "end_date_time": "2025-01-10T15:00:00Z"}, start, "UTC")
    assert len(by_date) == 5
    assert by_date[-1] == datetime(2025, 1, 10, 15, 0, tzinfo=UTC)
    assert len(series_starts({"type": 1, "end_times": 7}, start, "UTC")) == 7
    assert len(series_starts({"type": 1}, start, "UTC")) == 1  # Zoom's default end_times is 1
    with pytest.raises(RecurrenceError, match="not both"):
        series_starts(
            {"type": 1, "end_times": 3, "end_date_time": "2025-02-01T00:00:00Z"}, start, "UTC"
        )


def test_occurrences_are_capped_at_fifty() -> None:
    start = datetime(2025, 1, 6, 15, 0, tzinfo=UTC)
    assert len(series_starts({"type": 1, "end_times": 60}, start, "UTC")) == 50
    assert len(series_starts({"type": 1, "end_times": 0}, start, "UTC")) == 50
    assert (
        len(series_starts({"type": 1, "end_date_time": "2030-01-01T00:00:00Z"}, start, "UTC")) == 50
    )


def test_monthly_by_day_and_by_weekday() -> None:
    start = datetime(2025, 1, 31, 12, 0, tzinfo=UTC)
    by_day = series_starts({"type": 3, "monthly_day": 31, "end_times": 3}, start, "UTC")
    assert [s.date().isoformat() for s in by_day] == ["2025-01-31", "2025-02-28", "2025-03-31"]
    first = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    last_friday = {"type": 3, "monthly_week": -1, "monthly_week_day": 6, "end_times": 2}
    assert [s.day for s in series_starts(last_friday, first, "UTC")] == [31, 28]
    second_monday = {"type": 3, "monthly_week": 2, "monthly_week_day": 2, "end_times": 2}
    assert [s.day for s in series_starts(second_monday, first, "UTC")] == [13, 10]


def test_deleted_and_overridden_occurrences() -> None:
    start = datetime(2025, 3, 3, 16, 0, tzinfo=NY)
    m = meeting(start, {"type": 2, "weekly_days": "2", "end_times": 3}, tz="America/New_York")
    ids = [o.occurrence_id for o in occurrences(m)]
    moved = datetime(2025, 3, 18, 14, 0, tzinfo=UTC)
    m.deleted_occurrences.add(ids[1])
    m.occurrence_overrides[ids[2]] = {"start_time": moved.isoformat(), "duration": 90}
    occ = occurrences(m)
    assert [o.status for o in occ] == ["available", "deleted", "available"]
    assert [o.occurrence_id for o in occ] == ids
    assert occ[2].start_time == moved
    assert occ[2].duration == 90
    assert occ[0].duration == 50


def test_non_recurring_meetings_have_no_occurrences() -> None:
    start = datetime(2025, 3, 3, 16, 0, tzinfo=UTC)
    assert occurrences(meeting(start, None, tz="UTC", type_=2)) == []
    assert occurrence_id(start) == str(int(start.timestamp()) * 1000)


def test_bad_recurrence_is_refused_with_field_name() -> None:
    start = datetime(2025, 3, 3, 16, 0, tzinfo=UTC)
    with pytest.raises(RecurrenceError, match="type"):
        series_starts({"type": 5}, start, "UTC")
    with pytest.raises(RecurrenceError, match="repeat_interval"):
        series_starts({"type": 3, "repeat_interval": 11}, start, "UTC")
