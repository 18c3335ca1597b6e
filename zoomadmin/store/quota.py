"""The per-host daily quota ledger in the database: counts survive restarts and midnight."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select

from zoomadmin.store._sql import Bind, table_of, upsert_dialect
from zoomadmin.store.models import QuotaLedgerEntry
from zoomadmin.store.types import utc_now

_ledger = table_of(QuotaLedgerEntry)

# Zoom allows each host user 100 meeting create/update requests per UTC day.
DEFAULT_DAILY_LIMIT = 100


class SqlQuotaCounts:
    """The ledger's statements, run on the calling thread (a worker thread, never the loop).

    One row per host and UTC day; each call is one short statement on that indexed row,
    but it may wait up to SQLite's busy timeout behind another connection's write.
    Counts only go up within a day; the next UTC day starts from a new row.
    """

    def __init__(self, engine: Bind, limit: int = DEFAULT_DAILY_LIMIT) -> None:
        self._engine = engine
        self._limit = limit
        self._dialect = upsert_dialect(engine)

    def used(self, host_id: str, day: date) -> int:
        """Requests counted for ``host_id`` on ``day`` (0 when none)."""
        with self._engine.connect() as conn:
            value = conn.execute(
                select(_ledger.c.used).where(_ledger.c.host_id == host_id, _ledger.c.day == day)
            ).scalar_one_or_none()
        return int(value or 0)

    def used_on(self, day: date) -> dict[str, tuple[int, int]]:
        """Every host's ``(used, daily_limit)`` on ``day``, in one query (for host lists)."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(_ledger.c.host_id, _ledger.c.used, _ledger.c.daily_limit).where(
                    _ledger.c.day == day
                )
            ).all()
        return {r.host_id: (int(r.used), int(r.daily_limit)) for r in rows}

    def exhausted(self, host_id: str, day: date) -> bool:
        """Whether Zoom said (or the count shows) nothing is left for ``host_id`` on ``day``."""
        with self._engine.connect() as conn:
            row = conn.execute(
                select(_ledger.c.used, _ledger.c.daily_limit, _ledger.c.exhausted).where(
                    _ledger.c.host_id == host_id, _ledger.c.day == day
                )
            ).one_or_none()
        return row is not None and (bool(row.exhausted) or row.used >= row.daily_limit)

    def record_request(self, host_id: str, day: date) -> int:
        """Count one create/update about to be sent; returns the new count."""
        return self._upsert(host_id, day, used=1, on_conflict={"used": _ledger.c.used + 1})

    def observe(self, host_id: str, day: date, limit: int, remaining: int) -> None:
        """Adopt Zoom's own figures: used becomes at least ``limit - remaining``."""
        seen = max(limit - remaining, 0)
        self._upsert(
            host_id,
            day,
            used=seen,
            daily_limit=limit,
            exhausted=remaining <= 0,
            on_conflict={
                "used": self._greatest(_ledger.c.used, seen),
                "daily_limit": limit,
                "exhausted": _ledger.c.exhausted | (remaining <= 0),
            },
        )

    def mark_exhausted(self, host_id: str, day: date) -> None:
        """Zoom answered the daily-limit 429: nothing is left for ``host_id`` on ``day``.

        The count rises to the daily limit as well, so "100 of 100 used" is what a host
        list shows and the client refuses the host locally until the next UTC day.
        """
        self._upsert(
            host_id,
            day,
            used=self._limit,
            exhausted=True,
            on_conflict={
                "used": self._greatest(_ledger.c.used, _ledger.c.daily_limit),
                "exhausted": True,
            },
        )

    def _greatest(self, column: ColumnElement[int], other: Any) -> ColumnElement[int]:
        if self._engine.dialect.name == "sqlite":
            return func.max(column, other)
        return func.greatest(column, other)

    def _upsert(
        self,
        host_id: str,
        day: date,
        *,
        used: int,
        on_conflict: dict[str, Any],
        daily_limit: int | None = None,
        exhausted: bool = False,
    ) -> int:
        now = utc_now()
        stmt = self._dialect.insert(_ledger).values(
            host_id=host_id,
            day=day,
            used=used,
            daily_limit=daily_limit or self._limit,
            exhausted=exhausted,
            updated_at=now,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["host_id", "day"], set_={**on_conflict, "updated_at": now}
        ).returning(_ledger.c.used)
        with self._engine.begin() as conn:
            return int(conn.execute(stmt).scalar_one())


class SqlQuotaLedger:
    """Implements ``zoomadmin.zoom.limits.QuotaLedger`` over :class:`SqlQuotaCounts`.

    The client awaits it on the event loop (the GUI thread under qasync); each statement
    runs in a worker thread (``asyncio.to_thread``), so a worker's write transaction that
    holds SQLite's lock makes the request wait, never the window. Code that already runs
    on a worker thread uses :attr:`blocking` directly.
    """

    def __init__(self, engine: Bind, limit: int = DEFAULT_DAILY_LIMIT) -> None:
        self.blocking = SqlQuotaCounts(engine, limit)

    async def used(self, host_id: str, day: date) -> int:
        """Requests counted for ``host_id`` on ``day`` (0 when none)."""
        return await asyncio.to_thread(self.blocking.used, host_id, day)

    async def used_on(self, day: date) -> dict[str, tuple[int, int]]:
        """Every host's ``(used, daily_limit)`` on ``day``, in one query (for host lists)."""
        return await asyncio.to_thread(self.blocking.used_on, day)

    async def exhausted(self, host_id: str, day: date) -> bool:
        """Whether Zoom said (or the count shows) nothing is left for ``host_id`` on ``day``."""
        return await asyncio.to_thread(self.blocking.exhausted, host_id, day)

    async def record_request(self, host_id: str, day: date) -> int:
        """Count one create/update about to be sent; returns the new count."""
        return await asyncio.to_thread(self.blocking.record_request, host_id, day)

    async def observe(self, host_id: str, day: date, limit: int, remaining: int) -> None:
        """Adopt Zoom's own figures: used becomes at least ``limit - remaining``."""
        await asyncio.to_thread(self.blocking.observe, host_id, day, limit, remaining)

    async def mark_exhausted(self, host_id: str, day: date) -> None:
        """Zoom answered the daily-limit 429: nothing is left for ``host_id`` on ``day``."""
        await asyncio.to_thread(self.blocking.mark_exhausted, host_id, day)
