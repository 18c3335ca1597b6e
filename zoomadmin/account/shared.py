"""An account on a database several processes share: which database, and which lease.

SQLite (one file beside the desk's settings) stays the default. With
``--database-url``/``ZOOMADMIN_DATABASE_URL`` set to a ``postgresql+psycopg://`` URL, the
desks and the agent of an account share one PostgreSQL database: one of them (an agent
where there is one) leads and runs the jobs under an advisory lock, and every change one of
them commits reaches the others' change buses through ``LISTEN/NOTIFY``.
"""

from __future__ import annotations

from pathlib import Path

from zoomadmin.jobs.lease import FileLease, LeadershipLease
from zoomadmin.paths import DATABASE_URL, database_url
from zoomadmin.services.connection import ActiveAccount
from zoomadmin.store.db import is_shared
from zoomadmin.store.repositories import Store

__all__ = ["DATABASE_URL", "database_url", "lease_for", "store_url"]


def store_url(store: Store) -> str:
    """The store's database URL, password included (for the lease's and relay's own sessions)."""
    return store.engine.url.render_as_string(hide_password=False)


def lease_for(
    account: ActiveAccount, store: Store, lock_file: Path, *, role: str = "desktop"
) -> LeadershipLease:
    """The jobs lease of ``account``: PostgreSQL's advisory lock on a shared database, else
    the lock file beside the account's own database."""
    url = store_url(store)
    if not is_shared(url):
        return FileLease(lock_file)
    from zoomadmin.jobs.pg_lease import PostgresLease

    return PostgresLease(
        url, account=account.client.account_id, registry=store.processes, role=role
    )
