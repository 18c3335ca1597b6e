"""Curriculum CSV rows, their expansion across clock changes, and conflicts before sending."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from zoomadmin.core.curriculum import (
    CSV_COLUMNS,
    Busy,
    ConflictKind,
    CurriculumFileError,
    expand,
    find_conflicts,
    parse_csv,
)

HEADER = ",".join(CSV_COLUMNS)


def _csv(*rows: str) -> str:
    return "\n".join((HEADER, *rows)) + "\n"


def test_a_good_row_becomes_a_slot() -> None:
    slots, problems = parse_csv(
        _csv("Acme,T@School.example,Algebra,Monday,09:00,50,2026-03-02,2026-03-30,2026-03-16,")
    )
    assert problems == []
    (slot,) = slots
    assert (slot.row, slot.weekday, slot.start, slot.duration_minutes) == (2, 0, time(9), 50)
    assert slot.host_email == "t@school.example" and slot.timezone is None
    assert slot.skip_dates == {date(2026, 3, 16)}


def test_every_bad_field_is_named_with_its_row() -> None:
    _, problems = parse_csv(
        _csv(
            "Acme,t@school.example,Algebra,Mon,09:00,50,2026-03-02,2026-03-30,,",
            ",nobody,Algebra,Funday,9am,0,2026-13-01,2026-03-30,2026-02-30,Mars/Base",
        )
    )
    fields = {(p.row, p.field) for p in problems}
    assert fields == {
        (3, "tenant"),
        (3, "host_email"),
        (3, "weekday"),
        (3, "start_time"),
        (3, "duration_minutes"),
        (3, "first_date"),
        (3, "skip_dates"),
        (3, "timezone"),
    }
    assert all(p.text.startswith("Row 3, ") for p in problems)


def test_a_file_without_the_columns_is_refused() -> None:
    with pytest.raises(CurriculumFileError, match="skip_dates"):
        parse_csv("tenant,host_email,title\nAcme,a@b.c,x\n")


def _slot(row: str) -> object:
    slots, problems = parse_csv(_csv(row))
    assert problems == []
    return slots[0]


def test_nine_stays_nine_local_across_the_us_change() -> None:
    slots, _ = parse_csv(
        _csv("Acme,t@s.example,Algebra,Mon,09:00,50,2026-03-02,2026-03-16,,America/New_York")
    )
    sessions, problems = expand(slots[0], "America/New_York")
    assert problems == []
    assert [s.start.hour for s in sessions] == [14, 13, 13]  # EST, then EDT from 8 March
    assert all(s.start.tzinfo is UTC for s in sessions)


def test_skip_dates_are_left_out() -> None:
    slots, _ = parse_csv(
        _csv("Acme,t@s.example,Algebra,Mon,09:00,50,2026-03-02,2026-03-30,2026-03-16;2026-03-23,")
    )
    sessions, _ = expand(slots[0], "Europe/Berlin")
    assert [s.local_date.day for s in sessions] == [2, 9, 30]


def test_a_skipped_or_repeated_local_hour_is_reported_not_guessed() -> None:
    slots, _ = parse_csv(
        _csv(
            "Acme,t@s.example,Night,Sun,02:30,30,2026-03-01,2026-03-15,,America/New_York",
            "Acme,t@s.example,Late,Sun,01:30,30,2026-10-25,2026-11-08,,America/New_York",
        )
    )
    gap, gap_problems = expand(slots[0], "America/New_York")
    fold, fold_problems = expand(slots[1], "America/New_York")
    assert [s.local_date.day for s in gap] == [1, 15]
    assert len(gap_problems) == 1 and "does not exist" in gap_problems[0].message
    assert gap_problems[0].field == "start_time" and gap_problems[0].row == 2
    assert [s.local_date.day for s in fold] == [25, 8]
    assert len(fold_problems) == 1 and "happens twice" in fold_problems[0].message


def _sessions(*rows: str, tz: str = "UTC") -> list[object]:
    slots, problems = parse_csv(_csv(*rows))
    assert problems == []
    out: list[object] = []
    for slot in slots:
        out.extend(expand(slot, tz)[0])
    return out


def test_conflicts_double_booking_existing_past_and_basic() -> None:
    sessions = _sessions(
        "Acme,t@s.example,Algebra,Mon,09:00,60,2026-03-02,2026-03-09,,",
        "Acme,t@s.example,Physics,Mon,09:30,60,2026-03-09,2026-03-09,,",
    )
    existing = {
        "t@s.example": [
            Busy(
                datetime(2026, 3, 2, 8, 30, tzinfo=UTC),
                datetime(2026, 3, 2, 9, 15, tzinfo=UTC),
                "Old",
                7,
            )
        ]
    }
    found = find_conflicts(
        sessions,  # type: ignore[arg-type]
        now=datetime(2026, 3, 3, tzinfo=UTC),
        existing=existing,
        basic_hosts=["t@s.example"],
    )
    kinds = [c.kind for c in found]
    assert kinds.count(ConflictKind.DOUBLE_BOOKED) == 1
    assert kinds.count(ConflictKind.EXISTING_MEETING) == 1
    assert kinds.count(ConflictKind.IN_PAST) == 1
    assert kinds.count(ConflictKind.BASIC_OVER_40) == 2  # one per row
    double = next(c for c in found if c.kind is ConflictKind.DOUBLE_BOOKED)
    assert {s.row for s in double.sessions} == {2, 3} and double.blocking
    assert not next(c for c in found if c.kind is ConflictKind.BASIC_OVER_40).blocking
