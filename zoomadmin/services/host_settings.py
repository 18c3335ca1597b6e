"""Tenants' settings policies held in Zoom: per group (settings and locks) or per user."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from zoomadmin.core.actor import current_actor
from zoomadmin.core.changes import ChangeBus, ChangeKind
from zoomadmin.core.enums import UserStatus
from zoomadmin.core.errors import AppError
from zoomadmin.core.policy import (
    SPECS,
    Layer,
    SettingFact,
    SettingsPolicy,
    SettingsSnapshot,
    TenantPolicy,
    check_policy,
    default_policy,
    tree,
)
from zoomadmin.core.records import HostRecord, TenantRecord
from zoomadmin.services.settings_layers import LayerReader
from zoomadmin.services.tenants import Now
from zoomadmin.store.errors import StoreError
from zoomadmin.store.repositories import Store, Transaction
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.errors import AlreadyExists

log = logging.getLogger(__name__)

#: The audit log's object type for changes to a host's Zoom settings (object id: the host id).
SETTINGS_AUDIT = "host_settings"
#: Hosts re-applied at once (the client paces requests to the account's per-second limits).
APPLY_CONCURRENCY = 8


class SettingsError(AppError):
    """A settings change was refused; ``user_message`` says what to do about it."""


@dataclass(frozen=True)
class ApplyResult:
    """What re-applying the policy did to one host."""

    host_id: int
    email: str
    changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    """Per setting key, (old, new) effective values."""
    remaining: tuple[str, ...] = ()
    """Keys still differing from the policy afterwards (held by a lock above)."""
    error: str = ""

    @property
    def ok(self) -> bool:
        """Whether the host now matches its policy."""
        return not self.error and not self.remaining

    def summary(self) -> str:
        """One line for a results list."""
        if self.error:
            return self.error
        parts = [f"{len(self.changed)} setting(s) changed" if self.changed else "already matched"]
        if self.remaining:
            parts.append("still differs: " + ", ".join(self.remaining))
        return "; ".join(parts)


def differences(policy: SettingsPolicy, facts: dict[str, SettingFact]) -> dict[str, Any]:
    """Policy keys whose effective value differs, with the value the policy wants."""
    return {
        e.key: e.value for e in policy.entries if e.key in facts and facts[e.key].actual != e.value
    }


class PolicyService:
    """Policies per tenant; writing them to Zoom; the new-host hook; re-apply with audit."""

    def __init__(self, store: Store, zoom: ZoomClient, *, now: Now, bus: ChangeBus) -> None:
        self._store = store
        self._zoom = zoom
        self._now = now
        self._bus = bus

    # -- policies --------------------------------------------------------------------------

    async def policy(self, tenant_id: int) -> TenantPolicy:
        """The tenant's policy (its default until someone saves one)."""
        tenant = await self._tenant(tenant_id)
        stored = await asyncio.to_thread(self._store.policies.get, tenant_id)
        return stored or TenantPolicy(tenant_id, default_policy(tenant.name))

    async def tenant_names(self) -> list[tuple[int, str]]:
        """Every tenant as (id, name), by name."""
        tenants = await asyncio.to_thread(self._store.tenants.all)
        return sorted(((t.id, t.name) for t in tenants), key=lambda t: t[1].casefold())

    async def policies(self) -> dict[int, TenantPolicy]:
        """Every tenant's policy, by tenant id."""
        tenants = await asyncio.to_thread(self._store.tenants.all)
        return {t.id: await self.policy(t.id) for t in tenants}

    async def set_policy(self, tenant_id: int, policy: SettingsPolicy) -> TenantPolicy:
        """Validate and store the tenant's policy (audited); a bound group gets it at once.

        A setting the old policy locked and the new one no longer holds (or no longer locks)
        is unlocked in the group, so its members may change it again.
        """
        check_policy(policy)
        old = await self.policy(tenant_id)
        record = replace(old, policy=policy)
        if record.group_id:
            await self._write_group(record)
            freed = [
                e.key
                for e in old.policy.entries
                if e.locked and not ((new := policy.entry(e.key)) and new.locked)
            ]
            if freed:
                unlock = tree((key, False) for key in freed)
                await self._zoom.update_group_lock_settings(record.group_id, unlock)
        stored = await self._store_policy(record, "policy.update", old.policy.to_json())
        return stored

    async def _store_policy(self, record: TenantPolicy, action: str, old: Any) -> TenantPolicy:
        def work(tx: Transaction) -> TenantPolicy:
            stored = tx.policies.put(record, at=self._now())
            new = {**record.policy.to_json(), "group_id": record.group_id}
            self._audit(tx, action, "tenant", record.tenant_id, old, new)
            return stored

        stored = await asyncio.to_thread(self._store.atomically, work)
        self._bus.publish(ChangeKind.SETTINGS)
        return stored

    # -- groups ----------------------------------------------------------------------------

    async def bind_group(self, tenant_id: int, group_id: str | None = None) -> TenantPolicy:
        """Hold the tenant's policy in a Zoom group: ``group_id``, or one made for it.

        A group made for the tenant is named after its policy; one of that name that already
        exists is used. Every host of the tenant is made a member, and the group gets the
        policy's settings and, for each locked setting, its lock.
        """
        record = await self.policy(tenant_id)
        if group_id is None:
            group_id, name = await self._group_for(record.policy.name)
        else:
            name = (await self._zoom.get_group(group_id)).name
        bound = replace(record, group_id=group_id, group_name=name)
        await self._write_group(bound)
        hosts = await asyncio.to_thread(self._store.hosts.all, tenant_id)
        await self._zoom.add_group_members(group_id, [h.zoom_user_id for h in hosts])
        old = {"group_id": record.group_id, "group_name": record.group_name}
        return await self._store_policy(bound, "policy.bind_group", old)

    async def unbind_group(self, tenant_id: int) -> TenantPolicy:
        """Apply the policy per user from now on (the Zoom group itself is left as it is)."""
        record = await self.policy(tenant_id)
        old = {"group_id": record.group_id, "group_name": record.group_name}
        return await self._store_policy(
            replace(record, group_id=None, group_name=""), "policy.unbind_group", old
        )

    async def _group_for(self, name: str) -> tuple[str, str]:
        try:
            made = await self._zoom.create_group(name)
            return made.id, made.name
        except AlreadyExists:
            found = [
                g for g in await self._zoom.list_groups() if g.name.casefold() == name.casefold()
            ]
            if not found:
                raise
            return found[0].id, found[0].name

    async def _write_group(self, record: TenantPolicy) -> None:
        if record.group_id is None:
            return
        await self._zoom.update_group_settings(record.group_id, record.policy.settings_patch())
        await self._zoom.update_group_lock_settings(record.group_id, record.policy.lock_patch())

    # -- hosts -----------------------------------------------------------------------------

    async def adopt(self, hosts: Sequence[HostRecord]) -> list[ApplyResult]:
        """Give new hosts (created or linked) their tenant's group and policy.

        Never raises for Zoom's refusals: a host that cannot take the policy yet (pending,
        say) is reported, and the drift report shows it later.
        """
        results = []
        for host in hosts:
            if host.tenant_id is None:
                continue
            try:
                record = await self.policy(host.tenant_id)
                if record.group_id:
                    await self._zoom.add_group_members(record.group_id, [host.zoom_user_id])
                if host.status == UserStatus.PENDING:
                    results.append(ApplyResult(host.id, host.email, error="pending in Zoom"))
                    continue
                results.extend(await self.apply([host.id]))
            except AppError as exc:
                log.warning("Could not give %s its policy: %s", host.email, exc.user_message)
                results.append(ApplyResult(host.id, host.email, error=exc.user_message))
        return results

    async def apply(self, host_ids: Iterable[int]) -> list[ApplyResult]:
        """Re-apply each host's tenant policy; one result per host, in the order given."""
        ids = list(host_ids)
        hosts = await asyncio.to_thread(lambda: [self._store.hosts.get(i) for i in ids])
        reader = LayerReader(self._zoom)
        written: set[int] = set()
        gate = asyncio.Semaphore(APPLY_CONCURRENCY)

        async def one(host: HostRecord) -> ApplyResult:
            async with gate:
                return await self._apply_one(host, reader, written)

        results = list(await asyncio.gather(*(one(h) for h in hosts)))
        self._bus.publish(ChangeKind.SETTINGS, ids)
        return results

    async def _apply_one(
        self, host: HostRecord, reader: LayerReader, written: set[int]
    ) -> ApplyResult:
        if host.tenant_id is None:
            return ApplyResult(host.id, host.email, error="in no tenant, so it has no policy")
        try:
            record = await self.policy(host.tenant_id)
            group_id = record.group_id
            if group_id and host.tenant_id not in written:
                written.add(host.tenant_id)
                await self._write_group(record)
                reader.forget_group(group_id)
            if group_id and host.zoom_user_id not in await reader.members(group_id):
                await self._zoom.add_group_members(group_id, [host.zoom_user_id])
                reader.joined(group_id, [host.zoom_user_id])
            return await self._fix_user(host, record, reader)
        except AppError as exc:
            return ApplyResult(host.id, host.email, error=exc.user_message)

    async def _fix_user(
        self, host: HostRecord, record: TenantPolicy, reader: LayerReader
    ) -> ApplyResult:
        _, before = await reader.facts(host.zoom_user_id, record.group_id)
        wanted = differences(record.policy, before)
        after = before
        if wanted:
            await self._zoom.update_user_settings(host.zoom_user_id, tree(wanted.items()))
            _, after = await reader.facts(host.zoom_user_id, record.group_id)
        changed = {
            k: (before[k].actual, after[k].actual)
            for k in wanted
            if before[k].actual != after[k].actual
        }
        remaining = tuple(differences(record.policy, after))
        await self._record_apply(host, after, changed)
        return ApplyResult(host.id, host.email, changed, remaining)

    async def _record_apply(
        self, host: HostRecord, facts: dict[str, SettingFact], changed: dict[str, tuple[Any, Any]]
    ) -> None:
        snapshot = SettingsSnapshot(host.id, self._now(), facts)

        def work(tx: Transaction) -> None:
            tx.policies.put_snapshot(snapshot)
            if changed:
                old = {k: v[0] for k, v in changed.items()}
                new = {k: v[1] for k, v in changed.items()}
                self._audit(tx, "settings.apply", SETTINGS_AUDIT, host.id, old, new)

        await asyncio.to_thread(self._store.atomically, work)

    async def edit(self, host_id: int, key: str, value: Any) -> SettingFact:
        """Change one setting of one host in Zoom (validated, audited); its new fact."""
        host = await asyncio.to_thread(self._store.hosts.get, host_id)
        record = await self.policy(host.tenant_id) if host.tenant_id is not None else None
        group_id = record.group_id if record else None
        reader = LayerReader(self._zoom)
        _, facts = await reader.facts(host.zoom_user_id, group_id, [key])
        current = facts[key]
        check_edit(key, value, current)
        await self._zoom.update_user_settings(host.zoom_user_id, tree([(key, value)]))
        _, after = await reader.facts(host.zoom_user_id, group_id, [key])
        new = after[key]

        def work(tx: Transaction) -> None:
            self._audit(
                tx,
                "settings.edit",
                SETTINGS_AUDIT,
                host_id,
                {key: current.actual},
                {key: new.actual},
            )

        await asyncio.to_thread(self._store.atomically, work)
        self._bus.publish(ChangeKind.SETTINGS, [host_id])
        return new

    async def _tenant(self, tenant_id: int) -> TenantRecord:
        try:
            return await asyncio.to_thread(self._store.tenants.get, tenant_id)
        except StoreError as exc:
            raise SettingsError(exc.user_message) from exc

    def _audit(  # noqa: PLR0917 (the audit entry's fields, in the log's own order)
        self, tx: Transaction, action: str, kind: str, object_id: int, old: Any, new: Any
    ) -> None:
        tx.audit.record(
            actor=current_actor(),
            action=action,
            object_type=kind,
            object_id=object_id,
            old_value=old,
            new_value=new,
            at=self._now(),
        )


def check_edit(key: str, value: Any, current: SettingFact) -> None:
    """Refuse an edit Zoom would ignore or refuse: locked above, or a value of the wrong kind."""
    if current.locked:
        where = "the account" if current.layer is Layer.ACCOUNT else "the host's group"
        raise SettingsError(
            f"“{key}” is locked by {where}, so Zoom keeps its value: change the policy (or the "
            "lock) instead."
        )
    spec = SPECS.get(key)
    if spec is not None:
        if not any(type(value) is type(c) and value == c for c in spec.choices):
            shown = ", ".join(str(c) for c in spec.choices)
            raise SettingsError(f"{spec.label} takes {shown}.")
        return
    if current.actual is not None and type(value) is not type(current.actual):
        kind = type(current.actual).__name__
        raise SettingsError(f"“{key}” takes a {kind} value, like {current.actual!r}.")
