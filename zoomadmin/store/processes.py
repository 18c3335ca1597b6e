"""The zoomadmin processes on a shared database: heartbeats, who leads, the leader's status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update

from zoomadmin.store._sql import Bind, table_of, upsert_dialect
from zoomadmin.store.models import ZoomadminProcess
from zoomadmin.store.types import utc_now

_process = table_of(ZoomadminProcess)

FRESH = timedelta(seconds=20)
"""A process whose row was not written for this long is taken for gone."""
FORGET = timedelta(days=1)
"""Rows of processes gone this long are deleted (a heartbeat tidies them)."""


@dataclass(frozen=True)
class ProcessRecord:
    """One process as its latest heartbeat left it."""

    id: str
    account: str
    host: str
    pid: int
    role: str
    leading: bool
    started_at: datetime
    seen_at: datetime
    leading_since: datetime | None
    status: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """``{"host", "pid", "role", "since", "seen"}`` (``since``: leading since, or started)."""
        return {
            "host": self.host,
            "pid": self.pid,
            "role": self.role,
            "since": (self.leading_since or self.started_at).isoformat(),
            "seen": self.seen_at.isoformat(),
        }


class ProcessRegistry:
    """Each process writes its own row; anyone reads who is alive and who leads."""

    def __init__(self, engine: Bind) -> None:
        self._engine = engine

    def beat(
        self,
        *,
        process_id: str,
        account: str,
        host: str,
        pid: int,
        role: str,
        leading: bool,
        started_at: datetime,
        leading_since: datetime | None,
        status: dict[str, Any] | None,
    ) -> None:
        """Write this process's row (insert or update) as seen now; forget long-gone rows."""
        now = utc_now()
        values = {
            "id": process_id,
            "account": account,
            "host": host,
            "pid": pid,
            "role": role,
            "leading": leading,
            "started_at": started_at,
            "seen_at": now,
            "leading_since": leading_since,
            "status": status,
        }
        stmt = upsert_dialect(self._engine).insert(_process).values(values)
        changing = {k: v for k, v in values.items() if k not in ("id", "started_at")}
        with self._engine.begin() as conn:
            conn.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=changing))
            if leading:  # the lease is one: whoever led before has lost it (maybe killed)
                conn.execute(
                    update(_process)
                    .where(
                        _process.c.account == account,
                        _process.c.id != process_id,
                        _process.c.leading,
                    )
                    .values(leading=False, leading_since=None)
                )
            conn.execute(delete(_process).where(_process.c.seen_at < now - FORGET))

    def step_down(self, process_id: str) -> None:
        """This process no longer leads (it gave the lease back or lost it)."""
        with self._engine.begin() as conn:
            conn.execute(
                update(_process)
                .where(_process.c.id == process_id)
                .values(leading=False, leading_since=None, seen_at=utc_now())
            )

    def leave(self, process_id: str) -> None:
        """This process stops: its row goes."""
        with self._engine.begin() as conn:
            conn.execute(delete(_process).where(_process.c.id == process_id))

    def alive(self, account: str | None, *, now: datetime | None = None) -> list[ProcessRecord]:
        """The account's processes seen within :data:`FRESH` (None: every account's), leaders
        first, then by start."""
        since = (now or utc_now()) - FRESH
        query = (
            select(_process)
            .where(_process.c.seen_at >= since)
            .order_by(_process.c.leading.desc(), _process.c.started_at, _process.c.id)
        )
        if account is not None:
            query = query.where(_process.c.account == account)
        with self._engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            ProcessRecord(
                id=row["id"],
                account=row["account"],
                host=row["host"],
                pid=int(row["pid"]),
                role=row["role"],
                leading=bool(row["leading"]),
                started_at=row["started_at"],
                seen_at=row["seen_at"],
                leading_since=row["leading_since"],
                status=dict(row["status"] or {}),
            )
            for row in rows
        ]
