"""The License Pool tab's words and chart arithmetic (no widgets): local times, reasons,
alerts as sentences, the chart's range, ticks and step lines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from zoomadmin.services.license_control import (
    BasicSession,
    NextMove,
    PastMove,
    PoolAlert,
    SeatHolder,
)
from zoomadmin.ui.pool import pool_words as words
from zoomadmin.ui.pool.chart_steps import chart_range, hour_ticks, steps_between

NOW = datetime(2026, 3, 2, 13, 20, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


def at(hour: int, minute: int = 0) -> datetime:
    return NOW.replace(hour=hour, minute=minute)


def test_why_a_host_holds_a_seat_reads_as_the_issue_says() -> None:
    session = SeatHolder("a@x", "session", "Algebra 2", at(14, 5))
    assert (words.why_words(session), words.why_details(session, NOW, UTC)) == (
        "Session",
        "“Algebra 2” until 14:05",
    )
    live = SeatHolder("a@x", "session", "Algebra 2", at(14, 5), live=True)
    assert words.why_details(live, NOW, UTC) == "“Algebra 2” until 14:05, in the meeting now"
    idle = SeatHolder("b@x", "idle", since=at(13, 10))
    assert words.why_details(idle, NOW, UTC).startswith("no session needs it since 13:10")
    assert words.why_words(SeatHolder("c@x", "protected")) == "Protected"
    assert words.why_details(SeatHolder("d@x", "manual"), NOW) == (
        "given by staff: stays until detached"
    )


def test_moves_say_what_changes_and_what_for() -> None:
    attach = NextMove(at(13, 50), "a@x", "licensed", "session", "Biology")
    detach = NextMove(at(14, 45), "a@x", "basic", "session", "Biology")
    reclaim = PastMove(at(13, 0), "b@x", "basic", "reclaim", "Biology", "zoomadmin")
    manual = PastMove(at(12, 0), "c@x", "licensed", "manual", None, "pat@school.example")
    assert words.change_words(attach.to) == "Gets a seat"
    assert [words.move_reason(m) for m in (attach, detach, reclaim, manual)] == [
        "“Biology”",
        "“Biology” ended",
        "reclaimed for “Biology”",
        "by staff",
    ]
    assert words.when_words(attach.at, NOW, UTC) == "13:50 (in 30 min)"
    assert words.when_words(at(15, 5), NOW, UTC) == "15:05 (in 1 h 45 min)"


def _shortfall(start: datetime, end: datetime, need: int, *names: str) -> PoolAlert:
    basic = tuple(BasicSession(n, f"{n.lower()}@x", at(14)) for n in names)
    return PoolAlert(
        f"shortfall:{start}:{need}", "shortfall", start, "(UTC words)", (), end, need, 2, basic
    )


def test_alerts_read_in_local_time_and_name_the_sessions_run_as_basic() -> None:
    basic = PoolAlert(
        "basic:k",
        "basic",
        at(14),
        "(UTC words)",
        ("k",),
        basic=(BasicSession("Drama", "d@x", at(14)),),
    )
    assert words.alert_words(basic, NOW, BERLIN) == (
        "No paid seat for “Drama” (d@x, 15:00): it runs as Basic: it is cut at 40 minutes and "
        "not recorded to the cloud."
    )
    title, text = words.notification(basic, NOW, BERLIN) or ("", "")
    assert title == "A session runs as Basic" and "“Drama”" in text
    short = _shortfall(at(13, 50), at(14, 50), 3, "Drama")
    assert words.alert_words(short, NOW, UTC) == (
        "13:50–14:50: sessions need up to 3 seats at once, the pool has 2. “Drama” (drama@x, "
        "14:00) would run as Basic: cut at 40 minutes, with no cloud recording."
    )
    assert words.notification(short, NOW, UTC) == (
        "Too few paid seats at 13:50",
        words.alert_words(short, NOW, UTC),
    )
    cooling = PoolAlert("cooling:x", "cooling", NOW, "(UTC words)", until=at(14, 30))
    assert words.alert_words(cooling, NOW, UTC).endswith("until 14:30.")
    assert words.notification(cooling, NOW) is None
    error = PoolAlert("error:seats", "error", NOW, "Zoom says every paid seat is taken.")
    assert words.alert_words(error, NOW) == "Zoom says every paid seat is taken."


def test_shortfalls_that_follow_on_read_as_one_and_basic_sessions_as_one_line() -> None:
    first = _shortfall(at(13, 50), at(14, 35), 4, "Drama", "Physics")
    second = _shortfall(at(14, 35), at(14, 50), 3, "Drama", "Physics")
    later = _shortfall(at(18), at(19), 3, "Art")
    (joined, apart) = words.joined_shortfalls([second, later, first])
    assert (joined.at, joined.until, joined.need, joined.key) == (
        at(13, 50),
        at(14, 50),
        4,
        first.key,
    )
    assert [b.title for b in joined.basic] == ["Drama", "Physics"] and apart == later
    running = [
        PoolAlert("basic:p", "basic", at(14), "", basic=(BasicSession("Physics", "p@x", at(14)),)),
        PoolAlert("basic:d", "basic", at(14), "", basic=(BasicSession("Drama", "d@x", at(14)),)),
    ]
    off = PoolAlert("off", "off", NOW, "")
    lines = words.banner_lines([first, *running, off], NOW, UTC)
    assert lines[0].startswith("The license pool is off")
    assert lines[1].startswith("No paid seat for “Drama” (d@x, 14:00) and “Physics” (p@x, 14:00)")
    assert lines[2].startswith("13:50–14:35") and len(lines) == 3


def test_the_chart_runs_from_a_few_hours_back_to_the_end_of_the_day_on_whole_ticks() -> None:
    start, end = chart_range(at(13, 20), UTC)
    assert end == datetime(2026, 3, 3, tzinfo=UTC)
    assert start == at(10)
    assert hour_ticks(start, end) == (end, 8)  # 14 hours: a label every two
    odd_start, _ = chart_range(at(14, 20), UTC)
    assert odd_start == at(10)  # 11:00 to 24:00 is 13 hours: one more back, to split in twos
    _, late_end = chart_range(at(22, 30), UTC)
    assert late_end >= at(22, 30) + timedelta(hours=4)
    berlin_start, _ = chart_range(at(13, 20), BERLIN)
    assert berlin_start.astimezone(BERLIN).minute == 0


def test_step_lines_hold_each_value_until_it_changes_and_count_a_change_at_the_end() -> None:
    points = [(at(12), 1), (at(13), 2), (at(13, 20), 1)]
    assert steps_between(points, at(12, 30), at(13, 20)) == [
        (at(12, 30), 1),
        (at(13), 1),
        (at(13), 2),
        (at(13, 20), 2),
        (at(13, 20), 1),
    ]
    assert steps_between([], at(12), at(13)) == [(at(12), 0), (at(13), 0)]
