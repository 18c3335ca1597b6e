"""Engines: SQLite with WAL, foreign keys and a busy timeout; migrated on open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError

from zoomadmin.store.db import create_db_engine, open_database, sqlite_url
from zoomadmin.store.errors import NotFoundError
from zoomadmin.store.meetings import MeetingData
from zoomadmin.store.migrate import current_revision, head_revision
from zoomadmin.store.repositories import Store


def test_sqlite_pragmas_are_set_on_every_connection(tmp_path: Path) -> None:
    engine = create_db_engine(sqlite_url(tmp_path / "x.sqlite3"))
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    finally:
        engine.dispose()


def test_open_database_migrates_to_head(tmp_path: Path) -> None:
    engine = open_database(sqlite_url(tmp_path / "x.sqlite3"))
    try:
        assert current_revision(engine) == head_revision()
        # Opening again is a no-op, not an error.
        open_database(sqlite_url(tmp_path / "x.sqlite3")).dispose()
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_in_memory_sqlite_is_refused() -> None:
    with pytest.raises(ValueError, match="database file"):
        create_db_engine("sqlite://")


def test_foreign_keys_are_enforced(store: Store) -> None:
    start = datetime(2030, 1, 1, 9, tzinfo=UTC)
    with pytest.raises(NotFoundError, match="Host 999 does not exist"):
        store.meetings.save(MeetingData(1, 999, "orphan", start, 30))
    with store.engine.begin() as conn, pytest.raises(IntegrityError, match=r"(?i)foreign key"):
        conn.execute(
            text(
                "INSERT INTO meeting_occurrence (meeting_id, occurrence_id, "
                "start_time, duration_minutes, status) VALUES (5, '', '2030-01-01', 1, 'x')"
            )
        )


def test_datetimes_come_back_aware_utc(store: Store) -> None:
    berlin = timezone(timedelta(hours=1))
    at = datetime(2030, 1, 1, 10, 0, tzinfo=berlin)
    entry = store.audit.record(actor="a", action="x", object_type="t", object_id=1, at=at)
    (stored,) = store.audit.entries()
    assert stored.at == at
    assert stored.at.tzinfo == UTC
    assert stored.at.hour == 9
    assert entry.id == stored.id


def test_naive_datetimes_are_refused(store: Store) -> None:
    naive = datetime(2030, 1, 1)  # noqa: DTZ001 - the naive time is what is refused
    with pytest.raises(StatementError, match="naive datetime"):
        store.audit.record(actor="a", action="x", object_type="t", object_id=1, at=naive)
