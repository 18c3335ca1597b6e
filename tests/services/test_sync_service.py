"""Sync: every user on every page and status, progress, and hosts removed or changed in Zoom."""

from __future__ import annotations

import asyncio

from tenancy_support import Tenancy, add_zoom_user, draft, store, tenancy

from zoomadmin.core.records import FieldChange

__all__ = ["store", "tenancy"]


async def test_sync_pulls_every_page_with_progress(tenancy: Tenancy) -> None:
    for n in range(650):
        add_zoom_user(tenancy.server, f"host+{n}@school.example", last=str(n))
    pending = add_zoom_user(tenancy.server, "late@school.example")
    tenancy.server.sandbox.state.users[pending].status = "pending"
    seen: list[tuple[int, int]] = []
    report = await tenancy.sync.sync(lambda done, total: seen.append((done, total)))
    # 650 users and the owner: three pages of active ones; one (empty) inactive, one pending.
    assert report.users == 652
    assert report.added == 652
    assert [done for done, _ in seen] == [300, 600, 651, 651, 652]
    assert seen[-1] == (652, 652)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    hosts = tenancy.store.hosts.all(unassigned=True)
    assert len(hosts) == 652
    assert {h.status for h in hosts} == {"active", "pending"}
    assert "652 Zoom users: 652 new" in report.summary()


async def test_sync_flags_hosts_removed_or_changed_in_zoom_and_keeps_tenants(
    tenancy: Tenancy,
) -> None:
    tenant = await tenancy.tenants.create(draft("Acme"))
    ann = add_zoom_user(tenancy.server, "ann@school.example")
    bob = add_zoom_user(tenancy.server, "bob@school.example", first="Bob")
    await tenancy.sync.sync()
    await tenancy.hosts.link_email("ann@school.example", tenant.id)
    state = tenancy.server.sandbox.state
    state.users[ann].last_name = "Lee-Smith"
    state.remove_user(bob)

    report = await tenancy.sync.sync()
    assert report.missing == ["bob@school.example"]
    assert report.changed == ["ann@school.example"]
    host = tenancy.store.hosts.get_by_zoom_id(ann)
    assert host.tenant_id == tenant.id
    assert host.zoom_changes == (FieldChange("last_name", "Lee", "Lee-Smith"),)
    assert tenancy.store.hosts.get_by_zoom_id(bob).missing_in_zoom
    entry = tenancy.store.audit.entries(object_type="account", object_id="users")[0]
    assert entry.action == "host.sync"
    assert entry.new_value["missing"] == ["bob@school.example"]

    again = await tenancy.sync.sync()
    assert (again.missing, again.changed) == ([], [])


async def test_two_syncs_at_once_run_one_after_the_other(tenancy: Tenancy) -> None:
    for n in range(320):
        add_zoom_user(tenancy.server, f"host+{n}@school.example", last=str(n))
    finished_before: list[list[str]] = []

    def second_progress(done: int, total: int) -> None:
        actions = [e.action for e in tenancy.store.audit.entries(object_type="account")]
        finished_before.append(actions)

    first, second = await asyncio.gather(tenancy.sync.sync(), tenancy.sync.sync(second_progress))
    # The second read no page until the first had finished, meetings included.
    assert finished_before[0] == ["meeting.sync", "host.sync"]
    assert (first.added, second.added, second.unchanged) == (321, 0, 321)
    assert len(tenancy.store.hosts.all()) == 321
