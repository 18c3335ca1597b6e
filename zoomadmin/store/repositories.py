"""One object that opens the database and holds every repository, for app wiring and tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine

from zoomadmin.store._sql import TransactionBind
from zoomadmin.store.audit import AuditLog
from zoomadmin.store.db import open_database, sqlite_url
from zoomadmin.store.hosts import HostRepository
from zoomadmin.store.meetings import MeetingRepository
from zoomadmin.store.policies import PolicyRepository
from zoomadmin.store.processes import ProcessRegistry
from zoomadmin.store.quota import SqlQuotaLedger
from zoomadmin.store.recordings import RecordingRepository
from zoomadmin.store.schedule import ScheduleRepository
from zoomadmin.store.tenants import TenantRepository

T = TypeVar("T")


@dataclass(frozen=True)
class Transaction:
    """The repositories inside one database transaction (a unit of work).

    Everything written through them commits together when the unit ends, or nothing does
    when it ends with an exception: a change and its audit entry are never apart.
    """

    tenants: TenantRepository
    hosts: HostRepository
    meetings: MeetingRepository
    audit: AuditLog
    schedule: ScheduleRepository
    policies: PolicyRepository
    recordings: RecordingRepository


@dataclass(frozen=True)
class Store:
    """The repositories over one engine. Build it once in app wiring; pass parts onward."""

    engine: Engine
    tenants: TenantRepository
    hosts: HostRepository
    meetings: MeetingRepository
    quota: SqlQuotaLedger
    audit: AuditLog
    schedule: ScheduleRepository
    policies: PolicyRepository
    recordings: RecordingRepository
    processes: ProcessRegistry

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
            schedule=ScheduleRepository(engine),
            policies=PolicyRepository(engine),
            recordings=RecordingRepository(engine),
            processes=ProcessRegistry(engine),
        )

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A unit of work: ``with store.transaction() as tx:`` then write through ``tx``."""
        with self.engine.begin() as connection:
            bind = TransactionBind(connection)
            yield Transaction(
                tenants=TenantRepository(bind),
                hosts=HostRepository(bind),
                meetings=MeetingRepository(bind),
                audit=AuditLog(bind),
                schedule=ScheduleRepository(bind),
                policies=PolicyRepository(bind),
                recordings=RecordingRepository(bind),
            )

    def atomically(self, work: Callable[[Transaction], T]) -> T:
        """``work`` in one transaction (for one ``asyncio.to_thread`` call); its result.

        Once started on its worker thread the unit runs to its end even if the awaiting
        task is cancelled, so it commits whole or rolls back whole.
        """
        with self.transaction() as tx:
            return work(tx)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
