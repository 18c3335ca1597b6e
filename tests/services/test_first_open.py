"""First open: the demo set-up on the demo sandbox, a first sync elsewhere, and sessions sync."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from tenancy_support import (
    Tenancy,
    add_zoom_user,
    build_tenancy,
    draft,
    first_open_of,
    sandbox_client,
    schedule_one_off_and_weekly,
    store,
    tenancy,
)

from zoomadmin.core.clock import AppClock
from zoomadmin.core.profiles import AccountProfile
from zoomadmin.core.records import TenantRecord
from zoomadmin.sandbox import SandboxServer
from zoomadmin.services.connection import ActiveAccount
from zoomadmin.services.first_open import DEMO_ACTOR, FirstOpen, scheme_pattern
from zoomadmin.store.repositories import Store
from zoomadmin.tab_wiring import demo_tenants
from zoomadmin.zoom.models import MeetingRequest

__all__ = ["store", "tenancy"]


@pytest.fixture
async def demo(demo_sandbox: SandboxServer, store: Store) -> AsyncIterator[Tenancy]:
    """The services on the demo sandbox, over an empty database."""
    async with sandbox_client(demo_sandbox) as zoom:
        yield build_tenancy(demo_sandbox, store, zoom)


def _clock(server: SandboxServer) -> AppClock:
    clock = AppClock()
    clock.follow(server.sandbox.clock.now(), 0.0)
    return clock


def _demo_open(world: Tenancy) -> FirstOpen:
    account = ActiveAccount("Sandbox", world.zoom, sandbox=world.server.info)
    return first_open_of(world, account, _clock(world.server), demo_tenants())


async def test_demo_first_open_creates_the_tenants_links_hosts_and_reads_sessions(
    demo: Tenancy,
) -> None:
    said: list[str] = []
    work = _demo_open(demo)
    assert await work.needed()
    report = await work.run(said.append)
    assert report is not None and report.tenants_created == 3
    summaries = {s.tenant.name: s for s in demo.store.tenants.summaries(demo.now())}
    assert sorted(summaries) == ["Harbourview Academy", "Northside High", "Southbank College"]
    north = summaries["Northside High"].tenant
    assert (north.timezone, north.host_email(2)) == (
        "America/New_York",
        "teach+northside-2@learnwell.example",
    )
    # Four teachers each, plus Northside's pending fifth; staff and the owner stay unlinked.
    assert {n: s.host_count for n, s in summaries.items()} == {
        "Harbourview Academy": 4,
        "Northside High": 5,
        "Southbank College": 4,
    }
    assert report.hosts_linked == 13
    assert all(s.coming_sessions > 0 and s.next_session_at for s in summaries.values())
    unlinked = demo.store.hosts.all(unassigned=True)
    assert unlinked and all("+" not in h.email for h in unlinked)
    assert any("tenant 1 of 3" in line for line in said)
    assert any("sessions of" in line for line in said)
    actors = {e.actor for e in demo.store.audit.entries(limit=1000)}
    assert actors == {DEMO_ACTOR}


async def test_demo_first_open_runs_once(demo: Tenancy) -> None:
    assert await _demo_open(demo).run() is not None
    tenants_before = demo.store.tenants.all()
    audit_before = len(demo.store.audit.entries(limit=1000))
    again = _demo_open(demo)
    assert not await again.needed()
    assert await again.run() is None
    assert demo.store.tenants.all() == tenants_before
    assert len(demo.store.audit.entries(limit=1000)) == audit_before


async def test_a_real_account_gets_a_first_sync_and_never_the_demo(demo: Tenancy) -> None:
    profile = AccountProfile(name="school", account_id="acc", client_id="cid")
    account = ActiveAccount("Zoom: school", demo.zoom, profile=profile)
    work = first_open_of(demo, account, _clock(demo.server), demo_tenants())
    report = await work.run()
    assert report is not None and report.tenants_created == 0
    assert demo.store.tenants.all() == []
    assert len(demo.store.hosts.all()) == len(demo.server.sandbox.state.users)
    assert {e.actor for e in demo.store.audit.entries()} == {"pat@school.example"}
    # Synced once: the next open has nothing to do.
    assert await work.run() is None


def test_scheme_pattern_matches_any_number_and_nothing_else() -> None:
    at = datetime(2026, 3, 2, tzinfo=UTC)
    scheme = draft("Acme").email_scheme
    tenant = TenantRecord(1, "Acme", "acme", "UTC", "teach", "school.example", scheme, None, at, at)
    pattern = scheme_pattern(tenant)
    assert pattern.fullmatch("teach+acme-12@school.example")
    assert pattern.fullmatch("Teach+Acme-3@School.example".lower())
    assert not pattern.fullmatch("teach+acme-x@school.example")
    assert not pattern.fullmatch("teach+acmes-1@school.example")
    assert not pattern.fullmatch("teachXacme-1@school.example")


async def test_sync_reads_tenant_hosts_sessions_and_forgets_deleted_ones(
    tenancy: Tenancy,
) -> None:
    tenant = await tenancy.tenants.create(draft("Acme"))
    add_zoom_user(tenancy.server, "teach+acme-1@school.example")
    outsider = add_zoom_user(tenancy.server, "other@school.example")
    await tenancy.sync.sync_users()
    host = await tenancy.hosts.link_email("teach+acme-1@school.example", tenant.id)
    start = tenancy.now() + timedelta(days=1)
    one_off, weekly = await schedule_one_off_and_weekly(tenancy, host.zoom_user_id, start)
    await tenancy.zoom.create_meeting(
        outsider, MeetingRequest(topic="Not ours", start_time=start, duration=30)
    )
    report = await tenancy.sync.sync()
    assert report.meetings is not None
    assert (report.meetings.hosts, report.meetings.meetings) == (1, 2)
    stored = tenancy.store.meetings.get(weekly.id)
    assert len(stored.occurrences) == 4
    assert all(o.occurrence_id for o in stored.occurrences)
    assert tenancy.store.meetings.get(one_off.id).occurrences[0].start_time == start.replace(
        microsecond=0
    )
    assert tenancy.store.meetings.count_coming_sessions(tenant.id, tenancy.now()) == 5
    assert "5 sessions in 2 meetings" in report.summary()

    await tenancy.zoom.delete_meeting(one_off.id)
    again = await tenancy.sync.sync_meetings()
    assert again.removed == 1
    assert [m.id for m in tenancy.store.meetings.for_host(host.id)] == [weekly.id]
    assert tenancy.store.meetings.count_coming_sessions(tenant.id, tenancy.now()) == 4
