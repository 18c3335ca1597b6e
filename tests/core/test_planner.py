"""The planner: the fewest Zoom writes for a set of sessions, and what they cost the quota."""

from __future__ import annotations

from datetime import UTC, datetime

from zoomadmin.core.curriculum import CSV_COLUMNS, Session, expand, parse_csv
from zoomadmin.core.planner import MAX_OCCURRENCES, cost, plan

HEADER = ",".join(CSV_COLUMNS)
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TWO_MONDAYS = "2026-03-02,2026-03-09"


def _sessions(*rows: str, tz: str = "Europe/London") -> list[Session]:
    slots, problems = parse_csv("\n".join((HEADER, *rows)) + "\n")
    assert problems == []
    return [s for slot in slots for s in expand(slot, tz)[0]]


def _row(day: str, first: str = "2026-03-02", last: str = "2026-05-25", skip: str = "") -> str:
    return f"Acme,t@s.example,Algebra,{day},09:00,50,{first},{last},{skip},"


def test_mon_wed_fri_at_one_time_is_one_weekly_series() -> None:
    result = plan(_sessions(_row("Mon"), _row("Wed"), _row("Fri")))
    (meeting,) = result.meetings
    assert meeting.weekly_days == (2, 4, 6)  # Zoom: 1 = Sunday
    assert meeting.end_times == len(meeting.sessions) == 37  # 13 Mondays, 12 Wed, 12 Fri
    assert result.requests == 1 and result.sessions == 37
    assert meeting.local_start == datetime(2026, 3, 2, 9, 0)  # noqa: DTZ001 - wall time


def test_a_series_splits_at_fifty_occurrences() -> None:
    rows = [_row(d, last="2026-07-31") for d in ("Mon", "Tue", "Wed", "Thu", "Fri")]
    result = plan(_sessions(*rows))
    assert result.sessions == 110
    assert all(m.end_times <= MAX_OCCURRENCES for m in result.meetings)
    assert result.requests == 3 and not any(m.deletes for m in result.meetings)


def test_a_skipped_date_is_a_delete_or_a_split_whichever_is_cheaper() -> None:
    one_hole = plan(_sessions(_row("Mon", skip="2026-04-06")))
    (meeting,) = one_hole.meetings
    assert len(meeting.deletes) == 1 and one_hole.requests == 2
    assert meeting.deletes[0] == datetime(2026, 4, 6, 8, 0, tzinfo=UTC)  # 09:00 BST
    # Near the 50 cap a split costs the same as a delete; at the edge of a term it is free.
    edge = plan(_sessions(_row("Mon", skip="2026-03-02")))
    assert edge.requests == 1 and edge.meetings[0].local_start.day == 9


def test_nothing_recurring_is_a_single_meeting() -> None:
    result = plan(_sessions(_row("Tue", first="2026-03-03", last="2026-03-03")))
    (meeting,) = result.meetings
    assert not meeting.recurring and meeting.weekly_days == () and meeting.end_times == 1


def test_different_times_or_titles_are_different_series() -> None:
    rows = (
        _row("Mon"),
        _row("Mon").replace("09:00", "14:00"),
        _row("Wed").replace("Algebra", "Physics"),
    )
    assert len(plan(_sessions(*rows)).meetings) == 3


def test_cost_spills_past_the_hosts_quota_to_coming_utc_days() -> None:
    rows = [
        f"Acme,t@s.example,Course {n},Mon,{8 + n % 8:02d}:{(n // 8) * 7:02d},5,{TWO_MONDAYS},,"
        for n in range(60)
    ]
    result = plan(_sessions(*rows, tz="UTC"))
    assert result.requests == 60
    spent = cost(result, {"t@s.example": 25}, NOW)
    host = spent.hosts["t@s.example"]
    assert (host.requests, host.left_today) == (60, 25)
    assert host.last_created_at == datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    assert host.waiting_sessions == 70  # 35 series of 2 sessions wait for Monday
    assert spent.summary == "70 sessions wait for Mon 02 Mar 00:00 UTC"
    assert cost(result, {}, NOW).summary == "all today"
