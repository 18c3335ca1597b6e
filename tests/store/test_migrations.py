"""Migrations: an older database upgrades with its data intact; models and scripts agree."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import zoomadmin.store.models  # noqa: F401  (registers the tables)
from zoomadmin.store.db import (
    SCHEMA_HEAD,
    create_db_engine,
    open_database,
    schema_is_current,
    sqlite_url,
)
from zoomadmin.store.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    upgrade,
    upgrade_to_head,
)
from zoomadmin.store.repositories import Store

FIRST = "0001_tenants_and_hosts"


def test_upgrade_from_the_first_revision_keeps_data(tmp_path: Path) -> None:
    engine = create_db_engine(sqlite_url(tmp_path / "old.sqlite3"))
    try:
        upgrade(engine, FIRST)
        assert current_revision(engine) == FIRST
        assert "meeting" not in inspect(engine).get_table_names()
        # Rows written as the first schema knew them (naive UTC text, as SQLite keeps it).
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO tenant (id, name, slug, timezone, mailbox, domain, email_scheme,"
                    " settings_policy, created_at, updated_at) VALUES (7, 'Acme', 'acme',"
                    " 'Europe/Berlin', 'teacher', 'school.org', '{mailbox}+{tenant}-{n}@{domain}',"
                    " NULL, '2025-01-02 03:04:05.000000', '2025-01-02 03:04:05.000000')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO host (id, tenant_id, zoom_user_id, email, first_name, last_name,"
                    " user_type, status, missing_in_zoom, changed_in_zoom, last_synced_at,"
                    " created_at, updated_at) VALUES (3, 7, 'zu-1', 'teacher+acme-1@school.org',"
                    " 'Ada', 'L', 2, 'active', 0, NULL, NULL, '2025-01-02 03:04:05.000000',"
                    " '2025-01-02 03:04:05.000000')"
                )
            )
        upgrade_to_head(engine)
        assert current_revision(engine) == head_revision()
        store = Store.over(engine)
        tenant = store.tenants.get(7)
        assert tenant.name == "Acme"
        assert tenant.created_at == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
        host = store.hosts.get(3)
        assert (host.tenant_id, host.email, host.user_type) == (7, "teacher+acme-1@school.org", 2)
        # The new tables work with the old rows.
        from zoomadmin.store.meetings import MeetingData

        start = datetime(2030, 5, 1, 8, tzinfo=UTC)
        store.meetings.save(MeetingData(81234567890, 3, "Maths", start, 45))
        assert store.meetings.count_coming_sessions(7, start) == 1
    finally:
        engine.dispose()


def test_models_and_migrations_agree(tmp_path: Path) -> None:
    engine = create_db_engine(sqlite_url(tmp_path / "head.sqlite3"))
    try:
        upgrade_to_head(engine)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, SQLModel.metadata) == []
    finally:
        engine.dispose()


def test_downgrade_to_base_and_back(tmp_path: Path) -> None:
    engine = create_db_engine(sqlite_url(tmp_path / "down.sqlite3"))
    try:
        upgrade_to_head(engine)
        command.downgrade(alembic_config(engine), "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade_to_head(engine)
        assert {"tenant", "host", "meeting", "quota_ledger", "audit_log"} <= set(
            inspect(engine).get_table_names()
        )
    finally:
        engine.dispose()


def test_the_schema_head_constant_is_the_scripts_head() -> None:
    # open_database skips Alembic when a database is at SCHEMA_HEAD: a new migration must
    # move the constant too, or databases at the old head would never be upgraded.
    assert head_revision() == SCHEMA_HEAD


def test_open_database_upgrades_an_older_database_and_skips_a_current_one(
    tmp_path: Path,
) -> None:
    url = sqlite_url(tmp_path / "old.sqlite3")
    engine = create_db_engine(url)
    try:
        assert not schema_is_current(engine)
        upgrade(engine, FIRST)
        assert not schema_is_current(engine)
    finally:
        engine.dispose()
    engine = open_database(url)
    try:
        assert current_revision(engine) == SCHEMA_HEAD
        assert schema_is_current(engine)
        assert "meeting" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
