"""Schema migrations, run from code at start-up (no alembic.ini), each one atomic on SQLite."""

from __future__ import annotations

import functools
import logging
import sqlite3
import tempfile
import threading
import time
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext, MigrationInfo
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, event, literal_column, select, table

from zoomadmin.store.errors import StoreError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

#: One schema object as SQLite keeps it: (type, table it belongs to, CREATE statement).
SchemaObject = tuple[str, str, str]


_UPGRADING = threading.Lock()
MIGRATIONS_LOCK_WAIT = 300.0
"""Seconds a process waits for another's migration of a shared database before it gives up."""
MIGRATIONS_LOCK_KEY = 0x7A6D_6967_7261_7465  # "zmigrate": a key no other lock of ours uses
"""The PostgreSQL advisory lock migrations hold (the jobs' leases use keys from a hash)."""


class DatabaseNotUsableError(StoreError):
    """The database's schema is not one the migrations can go on from; it was left as it is."""


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration that migrates ``engine`` with the packaged scripts."""
    cfg = scripts_config()
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database behind ``engine`` to ``revision``, one atomic step per migration.

    Alembic keeps the running migration's context in module globals, so one process runs one
    upgrade at a time; processes are kept apart by the database (see :func:`ddl_connection`).
    """
    with _UPGRADING:
        command.upgrade(alembic_config(engine), revision)


def upgrade_to_head(engine: Engine) -> None:
    """Migrate the database behind ``engine`` to the newest revision."""
    upgrade(engine, "head")


def recover_and_upgrade(engine: Engine) -> None:
    """Clear what an interrupted older (non-atomic) migration left, then upgrade to head."""
    dropped = recover_interrupted_migration(engine)
    if dropped:
        log.warning(
            "Dropped empty tables an interrupted schema change had left: %s", ", ".join(dropped)
        )
    upgrade_to_head(engine)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision the packaged scripts know."""
    head = ScriptDirectory.from_config(scripts_config()).get_current_head()
    if head is None:
        raise RuntimeError("the packaged migrations have no head revision")
    return head


def scripts_config() -> Config:
    """A configuration that only locates the scripts (no database)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def _begin_immediate(connection: Connection) -> None:
    # Take the write lock at once: two processes opening one new database then run their
    # migrations one after the other instead of both reading "empty" and colliding.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_dbapi(connection: Connection) -> sqlite3.Connection | None:
    raw = connection.connection.dbapi_connection
    return raw if isinstance(raw, sqlite3.Connection) else None


@contextmanager
def _migrations_locked(connection: Connection) -> Iterator[None]:
    """On PostgreSQL, hold a session advisory lock while migrating: processes opening one new
    shared database at once then migrate it one after the other (the second finds it at head)
    instead of both reading "empty" and the second failing on a table the first just made."""
    if connection.dialect.name != "postgresql":
        yield
        return
    deadline = time.monotonic() + MIGRATIONS_LOCK_WAIT
    held = False
    try:
        while not (
            held := bool(
                connection.exec_driver_sql(
                    f"SELECT pg_try_advisory_lock({MIGRATIONS_LOCK_KEY})"
                ).scalar()
            )
        ):
            connection.commit()
            if time.monotonic() > deadline:
                raise DatabaseNotUsableError(
                    "Another zoomadmin has been changing this database's schema for"
                    f" {MIGRATIONS_LOCK_WAIT / 60:.0f} minutes; zoomadmin waited and changed"
                    " nothing. Check which process is upgrading it, then start again."
                )
            time.sleep(0.2)
        connection.commit()  # the session's lock outlives this transaction
        yield
    finally:
        if connection.in_transaction():
            connection.rollback()
        if held:
            connection.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATIONS_LOCK_KEY})")
            connection.commit()


@contextmanager
def ddl_connection(engine: Engine) -> Iterator[Connection]:
    """A connection whose transactions hold DDL too: each commits whole or not at all.

    pysqlite begins a transaction only before INSERT/UPDATE/DELETE, so a CREATE TABLE runs
    (and stays) on its own. SQLAlchemy's recipe for SQLite transactional DDL: pysqlite does
    no BEGIN or COMMIT of its own (``isolation_level = None``) and every SQLAlchemy
    transaction starts with an explicit BEGIN. Foreign keys are off meanwhile (SQLite cannot
    switch them inside a transaction), so a migration that copies a table cannot cascade
    deletes; :func:`check_foreign_keys` runs before each migration commits. WAL is unaffected:
    the journal mode is set when the connection opens, outside any transaction.
    """
    with engine.connect() as connection:
        raw = _sqlite_dbapi(connection)
        if raw is None:  # PostgreSQL and others have transactional DDL of their own
            with _migrations_locked(connection):
                yield connection
            return
        previous = raw.isolation_level
        raw.isolation_level = None
        raw.execute("PRAGMA foreign_keys=OFF")
        event.listen(connection, "begin", _begin_immediate)
        try:
            yield connection
        finally:
            event.remove(connection, "begin", _begin_immediate)
            if connection.in_transaction():
                connection.rollback()
            raw.execute("PRAGMA foreign_keys=ON")
            raw.isolation_level = previous


def check_foreign_keys(
    ctx: MigrationContext,
    step: MigrationInfo,
    heads: Collection[Any],
    run_args: Mapping[str, Any],
) -> None:
    """Refuse to commit a migration that leaves a row pointing at nothing (SQLite only).

    Alembic calls this after each migration (``on_version_apply``), inside its transaction.
    """
    connection = ctx.connection
    if connection is None or connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        tables = sorted({str(row[0]) for row in broken})
        raise DatabaseNotUsableError(
            f"A schema change would leave rows in {', '.join(tables)} pointing at rows that "
            "do not exist; it was undone and the database is as it was."
        )


def _schema_of(connection: Connection) -> dict[str, SchemaObject]:
    rows = connection.exec_driver_sql(
        "SELECT name, type, tbl_name, sql FROM sqlite_master"
        " WHERE name NOT LIKE 'sqlite_%' AND name <> 'alembic_version'"
    ).all()
    return {str(name): (str(kind), str(table), str(sql or "")) for name, kind, table, sql in rows}


@functools.cache
def _pristine_schema(revision: str | None) -> Mapping[str, SchemaObject]:
    """The schema objects the migrations create up to ``revision``, built in a scratch file."""
    if revision is None:
        return {}
    from zoomadmin.store.db import create_db_engine, sqlite_url

    with tempfile.TemporaryDirectory(prefix="zoomadmin-schema-") as folder:
        engine = create_db_engine(sqlite_url(Path(folder) / "pristine.sqlite3"))
        try:
            upgrade(engine, revision)
            with engine.connect() as connection:
                return _schema_of(connection)
        finally:
            engine.dispose()


def _is_known(revision: str | None) -> bool:
    if revision is None:
        return True
    try:
        return ScriptDirectory.from_config(scripts_config()).get_revision(revision) is not None
    except CommandError:
        return False


def _leftovers(connection: Connection) -> dict[str, SchemaObject]:
    """Objects a later migration makes that the database has already, while not at its revision.

    Raises :class:`DatabaseNotUsableError` when one differs from what the migration makes, or
    is a table with rows: zoomadmin cannot tell how it came there, so it changes nothing.
    """
    revision = MigrationContext.configure(connection).get_current_revision()
    present = _schema_of(connection)
    if not present or not _is_known(revision):  # a new database, or one a newer app made
        return {}
    expected = _pristine_schema(revision)
    extra = {name: obj for name, obj in present.items() if name not in expected}
    if not extra:
        return {}
    head = _pristine_schema(head_revision())
    # Objects no migration makes are someone else's: left alone, and in nobody's way.
    extra = {name: obj for name, obj in extra.items() if name in head}
    strangers = sorted(name for name, obj in extra.items() if head[name] != obj)
    tables = [name for name, obj in extra.items() if obj[0] == "table"]
    filled = [
        name
        for name in tables
        if connection.execute(select(literal_column("1")).select_from(table(name))).first()
    ]
    if strangers or filled:
        where = connection.engine.url.database or str(connection.engine.url)
        raise DatabaseNotUsableError(
            f"The database {where} has tables or indexes its recorded schema version"
            f" ({revision or 'none'})"
            f" does not account for ({', '.join(strangers + sorted(filled))}), so zoomadmin"
            " changed nothing. Move the file aside to start with an empty database, or keep"
            " it and ask for help to recover its data."
        )
    return extra


def recover_interrupted_migration(engine: Engine) -> list[str]:
    """Drop the empty tables and indexes a migration killed midway left; their names.

    Older zoomadmin versions ran SQLite migrations without a transaction: a kill could leave
    a migration's tables created but the database's revision not moved on, and every later
    open failed on "table ... already exists". What such a kill left is exactly some objects
    of a later revision, and empty (nothing writes to a table before its migration is
    recorded), so they are dropped and the upgrade runs again. A leftover that differs from
    what its migration makes, or a leftover table with rows, is refused with
    :class:`DatabaseNotUsableError` and the file is not touched; tables no migration makes
    are left alone.
    """
    if engine.dialect.name != "sqlite":
        return []
    with ddl_connection(engine) as connection, connection.begin():
        extra = _leftovers(connection)
        quote = connection.dialect.identifier_preparer.quote
        tables = {name for name, obj in extra.items() if obj[0] == "table"}
        for name, (kind, table, _sql) in sorted(extra.items()):
            if kind != "table" and table in tables:
                continue  # an index of a table dropped here goes with its table
            connection.exec_driver_sql(f"DROP {kind.upper()} {quote(name)}")
    return sorted(extra)
