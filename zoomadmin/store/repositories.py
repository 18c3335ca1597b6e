"""One object that opens the database and holds every repository, for app wiring and tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from zoomadmin.store.audit import AuditLog
from zoomadmin.store.db import open_database, sqlite_url
from zoomadmin.store.hosts import HostRepository
from zoomadmin.store.meetings import MeetingRepository
from zoomadmin.store.quota import SqlQuotaLedger
from zoomadmin.store.tenants import TenantRepository


@dataclass(frozen=True)
class Store:
    """The repositories over one engine. Build it once in app wiring; pass parts onward."""

    engine: Engine
    tenants: TenantRepository
    hosts: HostRepository
    meetings: MeetingRepository
    quota: SqlQuotaLedger
    audit: AuditLog

    @classmethod
    def open(cls, url: str) -> Store:
        """Open (and migrate) the database at ``url``."""
        return cls.over(open_database(url))

    @classmethod
    def open_file(cls, path: Path) -> Store:
        """Open (and migrate) the SQLite database file at ``path``."""
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return cls.open(sqlite_url(path))

    @classmethod
    def over(cls, engine: Engine) -> Store:
        """Repositories over an engine whose schema is already current."""
        return cls(
            engine=engine,
            tenants=TenantRepository(engine),
            hosts=HostRepository(engine),
            meetings=MeetingRepository(engine),
            quota=SqlQuotaLedger(engine),
            audit=AuditLog(engine),
        )

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
