"""Database engines: SQLite in the data dir by default (WAL, foreign keys on), any URL later."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError

# Writers wait this long for another connection's write lock before giving up.
BUSY_TIMEOUT_MS = 5000
SCHEMA_HEAD = "0009_processes"
"""The newest migration's revision, known without importing Alembic (a test keeps it true)."""


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of the SQLite file at ``path``."""
    return f"sqlite:///{Path(path).resolve()}"


PG_KEEPALIVE = {
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
    "connect_timeout": 10,
}
"""libpq's TCP keepalives for every PostgreSQL connection: a dead peer is noticed in ~11 s."""


def libpq_conninfo(url: str) -> str:
    """A libpq URI for a SQLAlchemy ``postgresql+psycopg://`` URL (psycopg's own connections)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def is_shared(url: str) -> bool:
    """Whether ``url`` is a database several processes share (PostgreSQL), not SQLite's file."""
    return url.startswith("postgresql")


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # WAL lets the UI's readers go on while a worker thread writes.
        cursor.execute("PRAGMA journal_mode=WAL")
        # SQLite leaves foreign keys off unless every connection asks.
        cursor.execute("PRAGMA foreign_keys=ON")
        # Safe with WAL: a power cut may lose the last commit, never corrupt the file.
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def create_db_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url``; SQLite connections get WAL, foreign keys and a busy timeout.

    Callers hand the engine to repositories and never see SQL, so a PostgreSQL URL can
    replace SQLite without touching them.
    """
    if url.startswith("sqlite"):
        if ":memory:" in url or url in ("sqlite://", "sqlite:///"):
            raise ValueError("use a database file: each in-memory connection is a new database")
        engine = create_engine(
            url,
            echo=echo,
            # Worker threads share the pool; each connection is used by one thread at a time.
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def schema_is_current(engine: Engine) -> bool:
    """Whether the database behind ``engine`` is already at :data:`SCHEMA_HEAD`."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:  # no alembic_version table yet: a new database
        return False
    return [row[0] for row in rows] == [SCHEMA_HEAD]


def open_database(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url`` with the schema migrated to the newest revision.

    Each migration commits whole or not at all, so a process killed while it opens a database
    leaves it at one revision or the next; what an older, non-atomic version left half made
    (empty tables beyond the recorded revision) is cleared first. Raises
    :class:`~zoomadmin.store.migrate.DatabaseNotUsableError` rather than change a database
    whose tables the migrations do not account for.
    """
    engine = create_db_engine(url, echo=echo)
    # Alembic and the models take a quarter of a second to import; a database already at
    # the newest revision (every start but the first) needs neither.
    if not schema_is_current(engine):
        from zoomadmin.store.migrate import recover_and_upgrade

        try:
            recover_and_upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
    return engine
