"""Alembic environment: migrates the engine handed over in ``config.attributes``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine
from sqlmodel import SQLModel

import zoomadmin.store.models  # noqa: F401  (registers every table on SQLModel.metadata)
from zoomadmin.store.migrate import check_foreign_keys, ddl_connection

target_metadata = SQLModel.metadata


def run_migrations() -> None:
    """Run the pending migrations on the configured engine, each in its own transaction.

    A migration and the move of ``alembic_version`` to its revision commit together, so a
    process killed at any moment leaves the database at one revision or the next, never
    between (SQLite included: see :func:`ddl_connection`).
    """
    engine = context.config.attributes.get("engine")
    if not isinstance(engine, Engine):
        raise RuntimeError("migrations run from zoomadmin.store.migrate, which passes an engine")
    with ddl_connection(engine) as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            # SQLite alters tables by copying them; batch mode does that for us.
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            # Alembic assumes SQLite cannot do this; over ddl_connection it can.
            transactional_ddl=True,
            transaction_per_migration=True,
            on_version_apply=check_foreign_keys,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
