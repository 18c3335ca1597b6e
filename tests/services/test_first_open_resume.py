"""A demo set-up cut short is finished by a later open: resumable, idempotent, then marked done."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import delete
from tenancy_support import Tenancy, build_tenancy, first_open_of, sandbox_client, store

from zoomadmin.core.clock import AppClock
from zoomadmin.core.profiles import AccountProfile
from zoomadmin.sandbox import SandboxServer
from zoomadmin.services.connection import ActiveAccount
from zoomadmin.services.first_open import DEMO_ACTOR, DEMO_DONE_ACTION, FirstOpen
from zoomadmin.store._sql import table_of
from zoomadmin.store.models import AuditEntry
from zoomadmin.store.repositories import Store
from zoomadmin.tab_wiring import demo_tenants

__all__ = ["store"]

NAMES = sorted(d.name for d in demo_tenants())
HOSTS_PER_TENANT = {"Harbourview Academy": 4, "Northside High": 5, "Southbank College": 4}


@pytest.fixture
async def demo(demo_sandbox: SandboxServer, store: Store) -> AsyncIterator[Tenancy]:
    """The services on the demo sandbox, over an empty database."""
    async with sandbox_client(demo_sandbox) as zoom:
        yield build_tenancy(demo_sandbox, store, zoom)


def _open(world: Tenancy, *, real: bool = False) -> FirstOpen:
    clock = AppClock()
    clock.follow(world.server.sandbox.clock.now(), 0.0)
    if real:
        profile = AccountProfile(name="school", account_id="acc", client_id="cid")
        account = ActiveAccount("Zoom: school", world.zoom, profile=profile)
    else:
        account = ActiveAccount("Sandbox", world.zoom, sandbox=world.server.info)
    return first_open_of(world, account, clock, demo_tenants())


def _host_counts(world: Tenancy) -> dict[str, int]:
    return {s.tenant.name: s.host_count for s in world.store.tenants.summaries(world.now())}


def _done_marks(world: Tenancy) -> int:
    entries = world.store.audit.entries(limit=10_000)
    return sum(1 for e in entries if e.action == DEMO_DONE_ACTION)


async def test_a_set_up_stopped_after_the_first_tenant_is_finished_later(demo: Tenancy) -> None:
    first = demo_tenants()[0]
    made = await build_tenancy(demo.server, demo.store, demo.zoom).tenants.create(first)
    work = _open(demo)
    assert await work.needed()
    report = await work.run()
    assert report is not None
    assert report.tenants_created == 2
    assert report.hosts_linked == 13
    assert sorted(t.name for t in demo.store.tenants.all()) == NAMES
    assert demo.store.tenants.find_by_name(first.name) == made  # reused, not made twice
    assert _host_counts(demo) == HOSTS_PER_TENANT
    assert all(s.coming_sessions > 0 for s in demo.store.tenants.summaries(demo.now()))
    assert _done_marks(demo) == 1
    again = _open(demo)
    assert not await again.needed()
    assert await again.run() is None
    assert _done_marks(demo) == 1


async def test_a_cancelled_set_up_resumes_and_keeps_what_was_linked(demo: Tenancy) -> None:
    task: asyncio.Task[object] | None = None

    def stop_after_users(line: str) -> None:
        if "sessions of" in line and task is not None:
            task.cancel()  # as an account switch does, once hosts are linked

    task = asyncio.ensure_future(_open(demo).run(stop_after_users))
    with pytest.raises(asyncio.CancelledError):
        await task
    assert _done_marks(demo) == 0
    # The user moves one linked host elsewhere before the next open: it stays there.
    north = demo.store.tenants.find_by_name("Northside High")
    south = demo.store.tenants.find_by_name("Southbank College")
    assert north is not None and south is not None
    moved = demo.store.hosts.all(north.id)[0]
    demo.store.hosts.assign([moved.id], south.id)
    work = _open(demo)
    assert await work.needed()
    report = await work.run()
    assert report is not None and (report.tenants_created, report.hosts_linked) == (0, 0)
    assert demo.store.hosts.get(moved.id).tenant_id == south.id
    assert sorted(t.name for t in demo.store.tenants.all()) == NAMES
    assert sum(_host_counts(demo).values()) == 13
    assert all(s.coming_sessions > 0 for s in demo.store.tenants.summaries(demo.now()))
    assert _done_marks(demo) == 1
    assert {e.actor for e in demo.store.audit.entries(limit=10_000)} == {DEMO_ACTOR}


async def test_a_demo_finished_before_the_done_mark_existed_is_not_redone(demo: Tenancy) -> None:
    assert await _open(demo).run() is not None
    with demo.store.engine.begin() as conn:
        audit = table_of(AuditEntry)
        conn.execute(delete(audit).where(audit.c.action == DEMO_DONE_ACTION))
    renamed = demo.store.tenants.find_by_name("Northside High")
    assert renamed is not None
    demo.store.tenants.update(renamed.id, name="Northside")
    work = _open(demo)
    assert not await work.needed()
    assert await work.run() is None
    assert sorted(t.name for t in demo.store.tenants.all()) == [
        "Harbourview Academy",
        "Northside",
        "Southbank College",
    ]


async def test_a_real_account_never_gets_demo_tenants_even_half_set_up(demo: Tenancy) -> None:
    await build_tenancy(demo.server, demo.store, demo.zoom).tenants.create(demo_tenants()[0])
    report = await _open(demo, real=True).run()
    assert report is not None and report.tenants_created == 0
    assert [t.name for t in demo.store.tenants.all()] == [demo_tenants()[0].name]
    assert _done_marks(demo) == 0
