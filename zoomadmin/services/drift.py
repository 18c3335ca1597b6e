"""The drift report: hosts' effective settings read from Zoom and compared with their policy."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from zoomadmin.core.changes import ChangeBus, ChangeKind
from zoomadmin.core.enums import UserStatus
from zoomadmin.core.errors import AppError
from zoomadmin.core.policy import (
    SPECS,
    Layer,
    PolicyEntry,
    SettingFact,
    SettingSpec,
    SettingsSnapshot,
    TenantPolicy,
)
from zoomadmin.core.records import HostRecord
from zoomadmin.services.host_settings import SETTINGS_AUDIT, PolicyService
from zoomadmin.services.settings_layers import LayerReader, facts_of
from zoomadmin.services.tenants import Now
from zoomadmin.store.repositories import Store
from zoomadmin.zoom.client import ZoomClient

log = logging.getLogger(__name__)

#: Hosts read at once; the client keeps requests within the account's per-second limits.
SCAN_CONCURRENCY = 32
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DriftRow:
    """One host x setting that differs from the host's tenant policy."""

    host_id: int
    email: str
    tenant_id: int
    tenant: str
    key: str
    label: str
    expected: Any
    actual: Any
    layer: Layer
    locked: bool
    fetched_at: datetime

    def to_json(self) -> dict[str, Any]:
        """The row as ``settings drift --json`` prints it."""
        return {
            "host": self.email,
            "setting": self.key,
            "expected": self.expected,
            "actual": self.actual,
            "layer": str(self.layer),
            "locked": self.locked,
        }


@dataclass(frozen=True)
class ScanResult:
    """What one drift scan read: hosts read now, kept from an interrupted run, or skipped."""

    read: int
    kept: int
    failed: dict[int, str] = field(default_factory=dict)
    skipped: int = 0


@dataclass(frozen=True)
class HostSetting:
    """One setting in the host view: effective value, layer and lock, and the policy's entry."""

    key: str
    value: Any
    layer: Layer
    locked: bool
    policy: PolicyEntry | None
    spec: SettingSpec | None

    @property
    def drifts(self) -> bool:
        """Whether the policy holds this setting at another value."""
        return self.policy is not None and self.policy.value != self.value


@dataclass(frozen=True)
class HistoryEntry:
    """A past change to a host's settings: who, when, and each key's old and new value."""

    at: datetime
    actor: str
    action: str
    changes: tuple[tuple[str, Any, Any], ...]


@dataclass(frozen=True)
class HostSettingsView:
    """Everything the host view shows about one host."""

    host: HostRecord
    policy: TenantPolicy | None
    settings: tuple[HostSetting, ...]
    history: tuple[HistoryEntry, ...]


def _leaves(tree: dict[str, Any]) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for group, values in tree.items():
        if isinstance(values, dict):
            out.extend((f"{group}.{k}", v) for k, v in values.items() if not isinstance(v, dict))
    return out


class DriftService:
    """Reads hosts' settings within rate limits (resumable) and reports drift from policy."""

    def __init__(
        self, store: Store, zoom: ZoomClient, policies: PolicyService, *, now: Now, bus: ChangeBus
    ) -> None:
        self._store = store
        self._zoom = zoom
        self._policies = policies
        self._now = now
        self._bus = bus
        self._unfinished: dict[int | None, set[int]] = {}

    async def _hosts(self, tenant_id: int | None) -> list[HostRecord]:
        hosts = await asyncio.to_thread(self._store.hosts.all, tenant_id)
        return [h for h in hosts if h.tenant_id is not None and not h.missing_in_zoom]

    async def host_choices(self, tenant_id: int | None = None) -> list[tuple[int, str]]:
        """Hosts a policy applies to, as (id, email), by email."""
        hosts = await self._hosts(tenant_id)
        return sorted(((h.id, h.email) for h in hosts), key=lambda h: h[1])

    async def scan(
        self, tenant_id: int | None = None, *, progress: Progress | None = None
    ) -> ScanResult:
        """Read every host's effective settings (of one tenant, or all) into snapshots.

        Each host's snapshot is stored as soon as it is read, so a scan that is stopped
        (cancelled) resumes where it stopped: the hosts it read already are kept, not read
        again. A scan that ran to its end starts the next one afresh.
        """
        done = self._unfinished.setdefault(tenant_id, set())
        hosts = await self._hosts(tenant_id)
        readable = [h for h in hosts if h.status != UserStatus.PENDING]
        todo = [h for h in readable if h.id not in done]
        failed = await self._read_all(todo, done, len(readable), progress)
        del self._unfinished[tenant_id]
        self._bus.publish(ChangeKind.SETTINGS)
        kept = len(readable) - len(todo)
        return ScanResult(len(todo) - len(failed), kept, failed, len(hosts) - len(readable))

    async def _read_all(
        self, todo: list[HostRecord], done: set[int], total: int, progress: Progress | None
    ) -> dict[int, str]:
        reader = LayerReader(self._zoom)
        groups = {t: p.group_id for t, p in (await self._policies.policies()).items()}
        gate = asyncio.Semaphore(SCAN_CONCURRENCY)
        failed: dict[int, str] = {}
        if progress:
            progress(len(done), total)

        async def one(host: HostRecord) -> None:
            async with gate:
                try:
                    await self._read(host, reader, groups.get(host.tenant_id or 0))
                except AppError as exc:
                    failed[host.id] = exc.user_message
            done.add(host.id)
            if progress:
                progress(len(done), total)

        await asyncio.gather(*(one(h) for h in todo))
        return failed

    async def _read(self, host: HostRecord, reader: LayerReader, group_id: str | None) -> None:
        _, facts = await reader.facts(host.zoom_user_id, group_id)
        snapshot = SettingsSnapshot(host.id, self._now(), facts)
        await asyncio.to_thread(self._store.policies.put_snapshot, snapshot)

    async def recheck(self, zoom_user_id: str) -> bool:
        """Read one host again (after Zoom said it changed); whether it is one of ours."""
        try:
            host = await asyncio.to_thread(self._store.hosts.get_by_zoom_id, zoom_user_id)
        except AppError:
            return False
        if host.tenant_id is None:
            return False
        record = await self._policies.policy(host.tenant_id)
        await self._read(host, LayerReader(self._zoom), record.group_id)
        self._bus.publish(ChangeKind.SETTINGS, [host.id])
        return True

    async def rows(self, tenant_id: int | None = None) -> list[DriftRow]:
        """Host x setting rows that differ from policy, from the stored snapshots."""
        hosts = await self._hosts(tenant_id)
        policies = await self._policies.policies()
        tenants = {t.id: t.name for t in await asyncio.to_thread(self._store.tenants.all)}
        snaps = await asyncio.to_thread(self._store.policies.snapshots, [h.id for h in hosts])
        out: list[DriftRow] = []
        for host in hosts:
            snap, tid = snaps.get(host.id), host.tenant_id
            if snap is None or tid is None:
                continue
            for entry in policies[tid].policy.entries:
                fact = snap.facts.get(entry.key)
                if fact is not None and fact.actual != entry.value:
                    out.append(
                        _row(host, tid, tenants.get(tid, ""), entry, fact, at=snap.fetched_at)
                    )
        return out

    async def host_view(self, host_id: int) -> HostSettingsView:
        """One host's full settings read now from Zoom, with layers, policy and history."""
        host = await asyncio.to_thread(self._store.hosts.get, host_id)
        record = await self._policies.policy(host.tenant_id) if host.tenant_id else None
        reader = LayerReader(self._zoom)
        effective, _ = await reader.facts(host.zoom_user_id, None, ())
        keys = [k for k, _ in _leaves(effective)]
        group = None
        if (
            record
            and record.group_id
            and host.zoom_user_id in await reader.members(record.group_id)
        ):
            group = await reader.group(record.group_id)
        facts = facts_of(effective, await reader.account(), group, keys)
        settings = tuple(_setting(facts[k], record) for k in keys)
        history = await self.history(host_id)
        return HostSettingsView(host, record, settings, tuple(history))

    async def history(self, host_id: int) -> list[HistoryEntry]:
        """Changes zoomadmin made to the host's settings, newest first."""
        entries = await asyncio.to_thread(
            self._store.audit.entries, object_type=SETTINGS_AUDIT, object_id=host_id
        )
        out = []
        for e in entries:
            if not e.action.startswith("settings.") or not isinstance(e.new_value, dict):
                continue
            old = e.old_value if isinstance(e.old_value, dict) else {}
            changes = tuple((k, old.get(k), v) for k, v in e.new_value.items())
            out.append(HistoryEntry(e.at, e.actor, e.action, changes))
        return out

    async def hosts_with_drift(self, rows: Iterable[DriftRow]) -> list[int]:
        """The distinct host ids of ``rows`` (in order)."""
        return list(dict.fromkeys(r.host_id for r in rows))


def _row(
    host: HostRecord,
    tenant_id: int,
    tenant: str,
    entry: PolicyEntry,
    fact: SettingFact,
    *,
    at: datetime,
) -> DriftRow:
    spec = SPECS.get(entry.key)
    return DriftRow(
        host.id,
        host.email,
        tenant_id,
        tenant,
        entry.key,
        spec.label if spec else entry.key,
        entry.value,
        fact.actual,
        fact.layer,
        fact.locked,
        at,
    )


def _setting(fact: SettingFact, record: TenantPolicy | None) -> HostSetting:
    entry = record.policy.entry(fact.key) if record else None
    return HostSetting(fact.key, fact.actual, fact.layer, fact.locked, entry, SPECS.get(fact.key))
