"""Migrations are atomic on SQLite, and what an older non-atomic migration left is recovered."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from zoomadmin.store.db import SCHEMA_HEAD, create_db_engine, open_database, sqlite_url
from zoomadmin.store.migrate import (
    DatabaseNotUsableError,
    current_revision,
    ddl_connection,
    upgrade,
)

FIRST = "0001_tenants_and_hosts"
TENANT = (
    "INSERT INTO tenant (id, name, slug, timezone, mailbox, domain, email_scheme, created_at,"
    " updated_at) VALUES (7, 'Acme', 'acme', 'UTC', 'teacher', 'school.org', '{mailbox}',"
    " '2025-01-02 03:04:05.000000', '2025-01-02 03:04:05.000000')"
)


def _run(path: Path, *statements: str) -> None:
    engine = create_db_engine(sqlite_url(path))
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def _half_made(path: Path, revision: str, *drop: str) -> None:
    """A database as a kill inside an old non-atomic migration to head could leave it.

    Every table up to head exists (but those in ``drop``), empty, while ``alembic_version``
    still says ``revision`` (or, for None, was never written).
    """
    engine = create_db_engine(sqlite_url(path))
    try:
        upgrade(engine, FIRST if revision == FIRST else "head")
        if revision == FIRST:
            _run(path, TENANT)
            upgrade(engine, "head")
    finally:
        engine.dispose()
    moved = (
        "DROP TABLE alembic_version"
        if revision is None
        else "UPDATE alembic_version SET version_num = '0001_tenants_and_hosts'"
    )
    _run(path, moved, *(f"DROP TABLE {table}" for table in drop))


def _tables(path: Path) -> set[str]:
    engine = create_db_engine(sqlite_url(path))
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize("drop", [(), ("host",)])
def test_a_first_open_cut_short_by_an_older_version_is_recovered(
    tmp_path: Path, drop: tuple[str, ...]
) -> None:
    path = tmp_path / "half.sqlite3"
    _half_made(path, None, "meeting_occurrence", "meeting", "quota_ledger", "audit_log", *drop)
    engine = open_database(sqlite_url(path))
    try:
        assert current_revision(engine) == SCHEMA_HEAD
        assert {"tenant", "host", "meeting", "audit_log"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_an_upgrade_cut_short_by_an_older_version_is_recovered_with_the_data(
    tmp_path: Path,
) -> None:
    path = tmp_path / "half.sqlite3"
    _half_made(path, FIRST, "audit_log", "quota_ledger")  # meeting and its index were made
    engine = open_database(sqlite_url(path))
    try:
        assert current_revision(engine) == SCHEMA_HEAD
        with engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM tenant")).scalars().all() == ["Acme"]
            assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar() == 0
    finally:
        engine.dispose()


def test_a_leftover_table_with_rows_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "odd.sqlite3"
    _half_made(path, None)
    _run(path, TENANT)  # rows where no migration was recorded: no telling how they came there
    before = _tables(path)
    with pytest.raises(DatabaseNotUsableError, match=r"\(tenant\).*changed nothing"):
        open_database(sqlite_url(path))
    assert _tables(path) == before
    engine = create_db_engine(sqlite_url(path))
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM tenant")).scalars().all() == ["Acme"]
    finally:
        engine.dispose()


def test_a_leftover_that_differs_from_the_migrations_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "odd.sqlite3"
    _run(path, "CREATE TABLE tenant (id INTEGER PRIMARY KEY)")
    with pytest.raises(DatabaseNotUsableError, match="tenant"):
        open_database(sqlite_url(path))
    assert _tables(path) == {"tenant"}


def test_tables_no_migration_makes_are_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "extra.sqlite3"
    _run(path, "CREATE TABLE notes (body TEXT)", "INSERT INTO notes VALUES ('mine')")
    engine = open_database(sqlite_url(path))
    try:
        assert current_revision(engine) == SCHEMA_HEAD
        with engine.connect() as conn:
            assert conn.execute(text("SELECT body FROM notes")).scalars().all() == ["mine"]
    finally:
        engine.dispose()


def test_ddl_in_a_migration_transaction_is_undone_with_it(tmp_path: Path) -> None:
    engine = create_db_engine(sqlite_url(tmp_path / "ddl.sqlite3"))
    try:
        with ddl_connection(engine) as conn:
            conn.exec_driver_sql("CREATE TABLE scratch (id INTEGER)")
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 0
            conn.rollback()
        assert "scratch" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_connections_are_as_usual_after_migrating(tmp_path: Path) -> None:
    engine = open_database(sqlite_url(tmp_path / "x.sqlite3"))
    try:
        # The pool hands out the connection the migrations used: foreign keys on again, WAL,
        # and pysqlite's usual transactions (a rolled-back insert is gone).
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            conn.execute(text(TENANT))
            conn.rollback()
            assert conn.execute(text("SELECT count(*) FROM tenant")).scalar() == 0
    finally:
        engine.dispose()


def test_a_migration_that_fails_is_undone_whole(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite3"
    engine = create_db_engine(sqlite_url(path))
    try:
        upgrade(engine, FIRST)
    finally:
        engine.dispose()
    raw = sqlite3.connect(path)  # foreign keys off, as plain sqlite3 has them: a broken row
    try:
        raw.execute(
            "INSERT INTO host (id, tenant_id, zoom_user_id, email, first_name, last_name,"
            " user_type, status, missing_in_zoom, created_at, updated_at) VALUES (3, 99, 'zu',"
            " 'a@b.c', 'A', 'L', 1, 'active', 0, '2025-01-02', '2025-01-02')"
        )
        raw.commit()
    finally:
        raw.close()
    # The second migration's tables are made, then its commit is refused: all of it is undone.
    with pytest.raises(DatabaseNotUsableError, match="host"):
        open_database(sqlite_url(path))
    assert _tables(path) == {"alembic_version", "tenant", "host"}
    engine = create_db_engine(sqlite_url(path))
    try:
        assert current_revision(engine) == FIRST
    finally:
        engine.dispose()
