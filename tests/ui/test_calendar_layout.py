"""The calendar's layout rules: lanes for overlapping sessions, clock changes, months, marks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from zoomadmin.services.calendar import CalendarSession
from zoomadmin.ui.calendar.layout import (
    Mark,
    View,
    by_day,
    cell_lines,
    lay_out_days,
    mark_of,
    neighbours,
    period,
    step,
    tenant_colour,
)

NY = ZoneInfo("America/New_York")


def _session(start: datetime, minutes: int = 60, title: str = "S", **kw: object) -> CalendarSession:
    fields: dict[str, object] = {
        "host_id": 1,
        "host_email": "a@school.example",
        "tenant_id": 1,
        "timezone": "America/New_York",
        "status": "available",
    }
    fields.update(kw)
    return CalendarSession(start.astimezone(UTC), minutes, title, **fields)  # type: ignore[arg-type]


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=NY)


def test_overlapping_sessions_share_the_column_in_lanes_and_others_keep_it_whole() -> None:
    a = _session(_at(2, 9), 60, "a")
    b = _session(_at(2, 9, 30), 60, "b")
    c = _session(_at(2, 10, 15), 30, "c")  # overlaps b only, takes a's freed lane
    d = _session(_at(2, 13), 45, "d")
    placed = {p.session.title: p for p in lay_out_days([d, c, b, a], date(2026, 3, 2), 1, NY)}
    assert (placed["a"].lane, placed["b"].lane, placed["c"].lane) == (0, 1, 0)
    assert {placed[t].lanes for t in "abc"} == {2}
    assert (placed["d"].lane, placed["d"].lanes) == (0, 1)
    assert (placed["a"].top, placed["a"].bottom) == (540, 600)


def test_a_session_across_midnight_has_a_block_on_each_day() -> None:
    late = _session(_at(2, 23), 90)
    placed = lay_out_days([late], date(2026, 3, 2), 2, NY)
    assert [(p.day, p.top, p.bottom) for p in placed] == [(0, 1380, 1440), (1, 0, 30)]


def test_on_the_day_the_clocks_go_forward_blocks_sit_at_their_wall_clock_hours() -> None:
    # 8 March 2026: New York skips 02:00-03:00, the day has 23 hours.
    early = _session(_at(8, 1, 30), 90)  # 01:30 EST to 04:00 EDT
    evening = _session(_at(8, 22), 60)
    placed = lay_out_days([early, evening], date(2026, 3, 8), 1, NY)
    assert [(p.top, p.bottom) for p in placed] == [(90, 240), (1320, 1380)]


def test_periods_and_steps() -> None:
    assert period(View.WEEK, date(2026, 3, 5)) == (date(2026, 3, 2), 7)
    assert period(View.DAY, date(2026, 3, 5)) == (date(2026, 3, 5), 1)
    assert period(View.MONTH, date(2026, 3, 5)) == (date(2026, 2, 23), 42)
    assert step(View.MONTH, date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert step(View.MONTH, date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert step(View.MONTH, date(2026, 1, 15), -1) == date(2025, 12, 15)
    assert step(View.WEEK, date(2026, 3, 5), -1) == date(2026, 2, 26)


def test_month_cells_show_what_fits_and_count_the_rest() -> None:
    assert cell_lines(3, 4) == (3, 0)
    assert cell_lines(4, 4) == (4, 0)
    assert cell_lines(9, 4) == (3, 6)
    assert cell_lines(2, 0) == (0, 2)
    sessions = [_session(_at(2, 9)), _session(_at(2, 23, 30)), _session(_at(9, 9))]
    days = by_day(sessions, date(2026, 3, 2), 7, NY)
    assert [len(days[date(2026, 3, 2)]), len(days[date(2026, 3, 3)])] == [2, 0]
    assert date(2026, 3, 9) not in days


def test_marks_follow_the_queue_then_zoom_and_the_clock() -> None:
    start = datetime(2026, 3, 2, 14, tzinfo=UTC)
    now = start + timedelta(minutes=10)
    assert mark_of(_session(start, status="waiting"), now) is Mark.WAITING
    assert mark_of(_session(start, status="failed"), now) is Mark.FAILED
    assert mark_of(_session(start, meeting_live=True), now) is Mark.LIVE
    assert mark_of(_session(start), start - timedelta(hours=1)) is Mark.CREATED
    assert mark_of(_session(start), start + timedelta(hours=2)) is Mark.ENDED
    assert mark_of(_session(start, recorded=True), start + timedelta(hours=2)) is Mark.RECORDED


def test_keyboard_order_wraps_and_tenant_colours_are_stable() -> None:
    a, b = _session(_at(2, 9), title="a"), _session(_at(2, 10), title="b")
    assert neighbours([a, b], None, 1) is a and neighbours([a, b], None, -1) is b
    assert neighbours([a, b], b, 1) is a and neighbours([], None, 1) is None
    assert tenant_colour(3) == tenant_colour(3) != tenant_colour(4)
    assert tenant_colour(None) != tenant_colour(1)
