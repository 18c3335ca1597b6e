"""Tenants' settings policies and hosts' settings snapshots (what was last read from Zoom)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update

from zoomadmin.core.policy import (
    Layer,
    SettingFact,
    SettingsPolicy,
    SettingsSnapshot,
    TenantPolicy,
)
from zoomadmin.store._sql import Bind, chunks, table_of
from zoomadmin.store.models import HostSettingsSnapshot, SettingsPolicyRow
from zoomadmin.store.types import utc_now

_policy = table_of(SettingsPolicyRow)
_snapshot = table_of(HostSettingsSnapshot)


def _facts_json(facts: Iterable[SettingFact]) -> dict[str, Any]:
    return {f.key: [f.actual, str(f.layer), f.locked] for f in facts}


def _facts(data: dict[str, Any]) -> dict[str, SettingFact]:
    return {
        key: SettingFact(key, actual, Layer(layer), bool(locked))
        for key, (actual, layer, locked) in data.items()
    }


class PolicyRepository:
    """Reads and writes policies (one per tenant) and the snapshots the drift report uses."""

    def __init__(self, engine: Bind) -> None:
        self._engine = engine

    def get(self, tenant_id: int) -> TenantPolicy | None:
        """The tenant's stored policy, or None while it has the unsaved default."""
        with self._engine.connect() as conn:
            row = conn.execute(select(_policy).where(_policy.c.tenant_id == tenant_id)).first()
        if row is None:
            return None
        return TenantPolicy(
            tenant_id=row.tenant_id,
            policy=SettingsPolicy.from_json(row.body),
            group_id=row.zoom_group_id,
            group_name=row.zoom_group_name,
            updated_at=row.updated_at,
            stored=True,
        )

    def put(self, record: TenantPolicy, *, at: datetime | None = None) -> TenantPolicy:
        """Store (insert or replace) the tenant's policy and group binding."""
        values = {
            "name": record.policy.name,
            "body": record.policy.to_json(),
            "zoom_group_id": record.group_id,
            "zoom_group_name": record.group_name,
            "updated_at": at or utc_now(),
        }
        where = _policy.c.tenant_id == record.tenant_id
        with self._engine.begin() as conn:
            changed = conn.execute(update(_policy).where(where).values(values)).rowcount
            if not changed:
                conn.execute(insert(_policy).values(tenant_id=record.tenant_id, **values))
        stored = self.get(record.tenant_id)
        if stored is None:  # our bug, never the user's: the row was written just now
            raise RuntimeError("The policy just stored could not be read back.")
        return stored

    def put_snapshot(self, snapshot: SettingsSnapshot) -> None:
        """Keep a host's freshly read settings (replacing the older snapshot)."""
        values = {
            "fetched_at": snapshot.fetched_at,
            "facts": _facts_json(snapshot.facts.values()),
        }
        where = _snapshot.c.host_id == snapshot.host_id
        with self._engine.begin() as conn:
            if not conn.execute(update(_snapshot).where(where).values(values)).rowcount:
                conn.execute(insert(_snapshot).values(host_id=snapshot.host_id, **values))

    def snapshots(self, host_ids: Iterable[int] | None = None) -> dict[int, SettingsSnapshot]:
        """The snapshots of ``host_ids`` (every host's when None), by host id."""
        out: dict[int, SettingsSnapshot] = {}
        with self._engine.connect() as conn:
            if host_ids is None:
                rows = list(conn.execute(select(_snapshot)))
            else:
                rows = []
                for part in chunks(list(host_ids)):
                    query = select(_snapshot).where(_snapshot.c.host_id.in_(part))
                    rows.extend(conn.execute(query))
        for row in rows:
            out[row.host_id] = SettingsSnapshot(row.host_id, row.fetched_at, _facts(row.facts))
        return out

    def forget_snapshots(self) -> None:
        """Drop every snapshot (the next report reads every host again)."""
        with self._engine.begin() as conn:
            conn.execute(delete(_snapshot))
