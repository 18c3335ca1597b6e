"""The per-host daily quota ledger in the database: counts survive restarts and midnight."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from zoomadmin.store._sql import Bind, table_of, upsert_dialect
from zoomadmin.store.models import QuotaLedgerEntry
from zoomadmin.store.types import utc_now

_ledger = table_of(QuotaLedgerEntry)

# Zoom allows each host user 100 meeting create/update requests per UTC day.
DEFAULT_DAILY_LIMIT = 100


class SqlQuotaLedger:
    """Implements ``zoomadmin.zoom.limits.QuotaLedger`` with one row per host and UTC day.

    Each call is one short statement on an indexed row, quick enough for the event loop.
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
                "used": func.max(_ledger.c.used, seen)
                if self._engine.dialect.name == "sqlite"
                else func.greatest(_ledger.c.used, seen),
                "daily_limit": limit,
                "exhausted": _ledger.c.exhausted | (remaining <= 0),
            },
        )

    def mark_exhausted(self, host_id: str, day: date) -> None:
        """Zoom answered the daily-limit 429: nothing is left for ``host_id`` on ``day``."""
        self._upsert(
            host_id,
            day,
            used=self._limit,
            exhausted=True,
            on_conflict={"exhausted": True},
        )

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
