"""The account runtime: one of each service, so two syncs never read Zoom at once; the
host-events job reflects Zoom's events in the store and tells the screens."""

from __future__ import annotations

import asyncio
from typing import Any

from tenancy_support import Tenancy, add_zoom_user, draft, store, tenancy

from zoomadmin.account.runtime import AccountRuntime
from zoomadmin.core.changes import Change, ChangeKind
from zoomadmin.core.profiles import AccountProfile
from zoomadmin.jobs.supervisor import JobState
from zoomadmin.services.connection import ActiveAccount
from zoomadmin.zoom.events.model import Event, EventKind

__all__ = ["store", "tenancy"]


def _real_account(world: Tenancy) -> AccountRuntime:
    """The world's account seen as a real (never-synced) one: its first open is a sync."""
    profile = AccountProfile(name="school", account_id="acc", client_id="cid")
    account = ActiveAccount("Zoom: school", world.zoom, profile=profile)
    return AccountRuntime(account=account, store=world.store, clock=world.server.sandbox.clock)


async def test_the_first_open_sync_and_an_f5_sync_never_read_zoom_at_once(
    tenancy: Tenancy,
) -> None:
    for n in range(30):
        add_zoom_user(tenancy.server, f"user{n}@school.example")
    runtime = _real_account(tenancy)
    client = runtime.account.client
    original = client.list_users_page
    in_flight, most = 0, 0

    async def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        try:
            await asyncio.sleep(0.02)  # widen the window two overlapping syncs would share
            return await original(*args, **kwargs)
        finally:
            in_flight -= 1

    client.list_users_page = counting  # type: ignore[method-assign]
    first_open, f5 = runtime.services.first_open, runtime.services.sync
    report, synced = await asyncio.gather(first_open.run(), f5.sync())
    assert report is not None and synced.users >= 30
    assert most == 1
    # The F5 sync read what the first open left: nothing new the second time.
    assert synced.added == 0 or report.summary.startswith("Synced")


async def test_a_user_updated_event_refreshes_the_host_and_tells_the_screens(
    tenancy: Tenancy,
) -> None:
    tenant = await tenancy.tenants.create(draft("Acme"))
    zoom_id = add_zoom_user(tenancy.server, "ann@school.example")
    await tenancy.sync.sync_users()
    host = await tenancy.hosts.link_email("ann@school.example", tenant.id)
    heard: list[Change] = []
    tenancy.bus.subscribe(heard.append)
    tenancy.server.sandbox.state.users[zoom_id].first_name = "Annabel"
    tenancy.runtime.start()
    try:
        for _ in range(200):  # until the job listens
            await asyncio.sleep(0.01)
            if tenancy.runtime.job_statuses[1].state is JobState.WAITING:
                break
        event = Event(
            kind=EventKind.USER_UPDATED,
            event_ts=tenancy.now(),
            account_id=tenancy.server.info.account_id,
            object={"id": zoom_id, "first_name": "Annabel"},
            source="webhook",
        )
        await tenancy.runtime.events.deliver(event)
        for _ in range(200):
            await asyncio.sleep(0.01)
            if any(c.kind is ChangeKind.HOSTS and host.id in c.ids for c in heard):
                break
    finally:
        await tenancy.runtime.stop()
    assert tenancy.store.hosts.get(host.id).first_name == "Annabel"
    assert any(c.kind is ChangeKind.HOSTS and host.id in c.ids for c in heard)
    names = [s.name for s in tenancy.runtime.job_statuses]
    assert names == [
        "events",
        "host-events",
        "quota-reset",
        "queue",
        "drift-watch",
        "recordings-index",
        "recording-downloads",
        "pool",
    ]


def test_an_account_opens_with_no_service_or_job_built_and_builds_each_once(
    tenancy: Tenancy,
) -> None:
    runtime = _real_account(tenancy)
    services = runtime.services
    assert services.built() == []
    assert "jobs" not in vars(runtime) and "supervisor" not in vars(runtime)
    tenants = services.tenants
    assert services.built() == ["tenants"]  # only what was asked for
    importer = services.importer  # and what it is built on
    assert services.built() == ["tenants", "hosts", "importer"]
    assert services.tenants is tenants and services.importer is importer
    assert services.first_open is services.first_open
    # The jobs run the same instances the tabs use, and build the services they need.
    jobs = runtime.jobs
    assert runtime.jobs is jobs and runtime.supervisor is runtime.supervisor
    assert {"hosts", "queue", "drift", "recordings", "downloads", "licenses"} <= set(
        services.built()
    )
    assert services.hosts is runtime.services.hosts
    assert [s.name for s in runtime.job_statuses][:2] == ["events", "host-events"]


async def test_stopping_an_account_whose_jobs_never_started_builds_none(
    tenancy: Tenancy,
) -> None:
    runtime = _real_account(tenancy)
    await runtime.stop()
    assert "supervisor" not in vars(runtime) and runtime.services.built() == []
