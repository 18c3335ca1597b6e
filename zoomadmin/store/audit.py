"""The audit trail: who changed what, with the values before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select

from zoomadmin.store._sql import Bind, table_of
from zoomadmin.store.models import AuditEntry
from zoomadmin.store.types import utc_now

_audit = table_of(AuditEntry)


@dataclass(frozen=True)
class AuditRecord:
    """One audit entry; old and new values are plain JSON data."""

    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    old_value: Any
    new_value: Any


class AuditLog:
    """Appends audit entries and reads them back, newest first."""

    def __init__(self, engine: Bind) -> None:
        self._engine = engine

    def record(
        self,
        *,
        actor: str,
        action: str,
        object_type: str,
        object_id: str | int,
        old_value: Any = None,
        new_value: Any = None,
        at: datetime | None = None,
    ) -> AuditRecord:
        """Append one entry (values must be JSON-serialisable) and return it."""
        values = {
            "at": at or utc_now(),
            "actor": actor,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "old_value": old_value,
            "new_value": new_value,
        }
        with self._engine.begin() as conn:
            key = conn.execute(insert(_audit).values(values)).inserted_primary_key
        if key is None:  # our bug, never the user's: every insert returns its key
            raise RuntimeError("The database gave no id for the new audit entry.")
        return AuditRecord(id=int(key[0]), **values)

    def entries(
        self,
        *,
        object_type: str | None = None,
        object_id: str | int | None = None,
        since: datetime | None = None,
        limit: int = 200,
    ) -> list[AuditRecord]:
        """Entries, newest first, optionally about one object or after ``since``."""
        query = select(_audit).order_by(_audit.c.at.desc(), _audit.c.id.desc()).limit(limit)
        if object_type is not None:
            query = query.where(_audit.c.object_type == object_type)
        if object_id is not None:
            query = query.where(_audit.c.object_id == str(object_id))
        if since is not None:
            query = query.where(_audit.c.at >= since)
        with self._engine.connect() as conn:
            return [AuditRecord(**r._mapping) for r in conn.execute(query)]

    def latest_by_object(self, object_type: str) -> dict[str, AuditRecord]:
        """The newest entry about each object of ``object_type`` (keyed by object id)."""
        newest = (
            select(func.max(_audit.c.id))
            .where(_audit.c.object_type == object_type)
            .group_by(_audit.c.object_id)
        )
        query = select(_audit).where(_audit.c.id.in_(newest.scalar_subquery()))
        with self._engine.connect() as conn:
            return {r.object_id: AuditRecord(**r._mapping) for r in conn.execute(query)}
