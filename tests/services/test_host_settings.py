"""Settings policies held in Zoom, the drift report, re-apply, the new-host hook and the watch."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from tenancy_support import Tenancy, add_zoom_user, draft, store, tenancy

from zoomadmin.core.enums import CreateAction
from zoomadmin.core.policy import Layer, PolicyInvalid, default_policy
from zoomadmin.jobs.drift_watch import DriftWatchJob
from zoomadmin.jobs.supervisor import JobState
from zoomadmin.services.host_settings import SettingsError
from zoomadmin.services.hosts import NewHost
from zoomadmin.zoom.events.model import Event, EventKind

__all__ = ["store", "tenancy"]

AUTO = "recording.auto_recording"
JBH = "schedule_meeting.join_before_host"


async def _tenant_with_hosts(world: Tenancy, *emails: str) -> tuple[int, list[int]]:
    tenant = await world.tenants.create(draft("Acme"))
    for email in emails:
        add_zoom_user(world.server, email)
    await world.sync.sync_users()
    hosts = [(await world.hosts.link_email(e, tenant.id)).id for e in emails]
    return tenant.id, hosts


def _outside(world: Tenancy, host_id: int, key: str, value: Any) -> None:
    """A change in Zoom's web portal (by the host or another admin), not through zoomadmin."""
    group, _, name = key.partition(".")
    zoom_id = world.store.hosts.get(host_id).zoom_user_id
    world.admin("PATCH", f"/users/{zoom_id}/settings", json={group: {name: value}})


def _services(world: Tenancy) -> Any:
    return world.runtime.services


async def test_outside_change_is_found_with_its_layer_and_reapply_clears_it(
    tenancy: Tenancy,
) -> None:
    services = _services(tenancy)
    _, (ann, ben) = await _tenant_with_hosts(tenancy, "ann@school.example", "ben@school.example")
    scan = await services.drift.scan()
    assert scan.read == 2 and await services.drift.rows() == []  # linked hosts got the policy
    _outside(tenancy, ben, AUTO, "local")
    await services.drift.scan()
    rows = await services.drift.rows()
    assert [(r.host_id, r.key, r.expected, r.actual, r.layer, r.locked) for r in rows] == [
        (ben, AUTO, "cloud", "local", Layer.USER, False)
    ]
    assert rows[0].to_json()["layer"] == "user" and rows[0].email == "ben@school.example"
    (result,) = await services.policies.apply([ben])
    assert result.ok and result.changed == {AUTO: ("local", "cloud")}
    await services.drift.scan()
    assert await services.drift.rows() == []
    applied = [e for e in tenancy.store.audit.entries(object_type="host_settings", object_id=ben)]
    last = next(e for e in applied if e.action == "settings.apply")
    assert last.old_value == {AUTO: "local"} and last.new_value == {AUTO: "cloud"}
    assert last.actor == "pat@school.example"
    history = await services.drift.history(ben)
    assert history[0].changes == ((AUTO, "local", "cloud"),)
    assert ann not in [r.host_id for r in rows]


async def test_a_group_bound_tenant_holds_its_locked_settings(tenancy: Tenancy) -> None:
    services = _services(tenancy)
    tenant, (ann,) = await _tenant_with_hosts(tenancy, "ann@school.example")
    bound = await services.policies.bind_group(tenant)
    assert bound.group_id and bound.group_name == "Acme hosts"
    members = [m.email async for m in tenancy.zoom.iter_group_members(bound.group_id)]
    assert members == ["ann@school.example"]
    locks = await tenancy.zoom.get_group_lock_settings(bound.group_id)
    assert locks.is_locked("recording", "auto_recording")
    assert not locks.is_locked("schedule_meeting", "join_before_host")
    # The host changes a locked and an unlocked setting in the web portal.
    _outside(tenancy, ann, AUTO, "none")
    _outside(tenancy, ann, JBH, True)
    zoom_id = tenancy.store.hosts.get(ann).zoom_user_id
    assert (await tenancy.zoom.get_user_settings(zoom_id)).recording["auto_recording"] == "cloud"
    await services.drift.scan()
    rows = await services.drift.rows()
    assert [(r.key, r.layer, r.locked) for r in rows] == [(JBH, Layer.USER, False)]
    facts = tenancy.store.policies.snapshots([ann])[ann].facts
    assert facts[AUTO].layer is Layer.GROUP and facts[AUTO].locked
    view = await services.drift.host_view(ann)
    setting = next(s for s in view.settings if s.key == AUTO)
    assert setting.layer is Layer.GROUP and setting.locked and setting.policy is not None
    with pytest.raises(SettingsError, match="locked by the host's group"):
        await services.policies.edit(ann, AUTO, "local")
    edited = await services.policies.edit(ann, JBH, False)
    assert edited.actual is False
    assert (await services.drift.history(ann))[0].changes == ((JBH, True, False),)


async def test_new_hosts_get_their_tenants_policy_and_group(tenancy: Tenancy) -> None:
    services = _services(tenancy)
    plain = await tenancy.tenants.create(draft("Plain"))
    grouped = await tenancy.tenants.create(draft("Grouped", slug="grouped"))
    bound = await services.policies.bind_group(grouped.id)
    for tenant in (plain, grouped):
        new = NewHost(
            tenant.id, f"a@{tenant.slug}.example", "Ann", "Lee", action=CreateAction.AUTO_CREATE
        )
        host = await tenancy.hosts.add_host(new)
        settings = await tenancy.zoom.get_user_settings(host.zoom_user_id)
        assert settings.recording["auto_recording"] == "cloud"
        assert settings.recording["host_delete_cloud_recording"] is False
        assert settings.group("in_meeting")["waiting_room"] is True
    members = [m.email async for m in tenancy.zoom.iter_group_members(bound.group_id or "")]
    assert members == ["a@grouped.example"]


async def test_the_drift_watch_rereads_a_host_on_user_updated(tenancy: Tenancy) -> None:
    services = _services(tenancy)
    _, (ann,) = await _tenant_with_hosts(tenancy, "ann@school.example")
    await services.drift.scan()
    zoom_id = tenancy.store.hosts.get(ann).zoom_user_id
    watch = next(j for j in tenancy.runtime.jobs if isinstance(j, DriftWatchJob))
    tenancy.runtime.start()
    try:
        for _ in range(200):  # until the job listens
            await asyncio.sleep(0.01)
            if any(
                s.name == "drift-watch" and s.state is JobState.WAITING
                for s in tenancy.runtime.job_statuses
            ):
                break
        _outside(tenancy, ann, AUTO, "local")
        changes = ({"first_name": "Annabel"}, {"settings": {"recording": {AUTO[10:]: "local"}}})
        for step, changed in enumerate(changes):
            event = Event(
                kind=EventKind.USER_UPDATED,
                event_ts=tenancy.now() + timedelta(seconds=step),
                account_id=tenancy.server.info.account_id,
                object={"id": zoom_id, **changed},
                source="webhook",
            )
            await tenancy.runtime.events.deliver(event)
        for _ in range(300):
            await asyncio.sleep(0.01)
            if await services.drift.rows():
                break
    finally:
        await tenancy.runtime.stop()
    assert [(r.key, r.actual) for r in await services.drift.rows()] == [(AUTO, "local")]
    assert watch.rechecked == 1


async def test_a_policy_zoom_would_refuse_is_refused(tenancy: Tenancy) -> None:
    services = _services(tenancy)
    tenant = (await tenancy.tenants.create(draft("Acme"))).id
    bad = default_policy("Acme").with_entry("recording.cloud_recording", False)
    with pytest.raises(PolicyInvalid, match="needs cloud recording on"):
        await services.policies.set_policy(tenant, bad)
    with pytest.raises(PolicyInvalid, match="takes 30, 60, 90, 120"):
        await services.policies.set_policy(
            tenant, default_policy("Acme").with_entry("recording.auto_delete_cmr_days", 45)
        )
    good = default_policy("Acme").with_entry("recording.auto_delete_cmr_days", 60)
    stored = await services.policies.set_policy(tenant, good)
    assert stored.stored and (await services.policies.policy(tenant)).policy == good
    (entry,) = tenancy.store.audit.entries(object_type="tenant", object_id=tenant, limit=1)
    held = {e["key"]: e["value"] for e in entry.new_value["settings"]}
    assert entry.action == "policy.update" and held["recording.auto_delete_cmr_days"] == 60


async def test_a_stopped_scan_resumes_where_it_stopped(tenancy: Tenancy) -> None:
    services = _services(tenancy)
    emails = [f"h{i}@school.example" for i in range(6)]
    await _tenant_with_hosts(tenancy, *emails)
    seen: list[tuple[int, int]] = []
    task: asyncio.Task[Any] | None = None

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done == 2 and task is not None:
            task.cancel()

    task = asyncio.create_task(services.drift.scan(progress=progress))
    with pytest.raises(asyncio.CancelledError):
        await task
    again = await services.drift.scan()
    assert again.kept >= 2 and again.read + again.kept == 6 and seen[0] == (0, 6)


async def test_a_setting_the_policy_no_longer_locks_is_unlocked_in_the_group(
    tenancy: Tenancy,
) -> None:
    services = _services(tenancy)
    tenant, _ = await _tenant_with_hosts(tenancy, "ann@school.example")
    bound = await services.policies.bind_group(tenant)
    group = bound.group_id or ""
    policy = bound.policy.without("in_meeting.waiting_room").with_entry(AUTO, "cloud")
    await services.policies.set_policy(tenant, policy)
    locks = await tenancy.zoom.get_group_lock_settings(group)
    assert not locks.is_locked("in_meeting", "waiting_room")
    assert not locks.is_locked("recording", "auto_recording")
    assert locks.is_locked("recording", "cloud_recording")


async def test_the_tenants_list_names_each_tenants_policy(tenancy: Tenancy) -> None:
    tenant = await tenancy.tenants.create(draft("Acme"))
    policies = tenancy.runtime.services.policies
    (before,) = await tenancy.tenants.summaries()
    assert before.policy_name is None  # the default, not saved yet
    saved = await policies.policy(tenant.id)
    await policies.set_policy(tenant.id, replace(saved.policy, name="Acme staff rules"))
    (after,) = await tenancy.tenants.summaries()
    assert after.policy_name == "Acme staff rules"
