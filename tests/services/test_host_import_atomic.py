"""An import cancelled or failing at any point leaves no half-recorded row, and reruns clean."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from atomic_support import Gate, settled
from tenancy_support import Tenancy, add_zoom_user, draft, store, tenancy

from zoomadmin.services.host_import import ImportRow, Outcome, parse_csv
from zoomadmin.store.audit import AuditLog
from zoomadmin.store.hosts import HostRepository
from zoomadmin.zoom.models import ZoomUser

__all__ = ["store", "tenancy"]

FILE = "email,first_name,last_name,type\nann@school.example,Ann,Lee,\nbob@school.example,Bob,Ray,\n"
EMAILS = ["ann@school.example", "bob@school.example"]


def _recorded(tenancy: Tenancy) -> list[tuple[str, str]]:
    """(email, audit action) of every stored host, in email order; '' when not audited."""
    actions = {e.object_id: e.action for e in tenancy.store.audit.entries(object_type="host")}
    return sorted((h.email, actions.get(str(h.id), "")) for h in tenancy.store.hosts.all())


async def _checked(tenancy: Tenancy, tenant_id: int) -> list[ImportRow]:
    return await tenancy.importer.preview(tenant_id, parse_csv(FILE))


async def _rerun_leaves_every_row_a_host(tenancy: Tenancy, tenant_id: int) -> None:
    """The next run reconciles: a user Zoom has but the store lacks is linked, not re-created."""
    rows = await _checked(tenancy, tenant_id)
    report = await tenancy.importer.run(tenant_id, rows, link_existing=True)
    assert all(
        r.outcome in (Outcome.CREATED, Outcome.LINKED, Outcome.SKIPPED) for r in report.results
    )
    assert [h.email for h in tenancy.store.hosts.all(tenant_id=tenant_id)] == EMAILS
    assert [email for email, action in _recorded(tenancy) if action] == EMAILS
    assert len(tenancy.store.audit.entries(object_type="host")) == 2


async def test_an_import_cancelled_inside_a_create_write_records_the_row_whole(
    tenancy: Tenancy, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = await tenancy.tenants.create(draft("Acme"))
    rows = await _checked(tenancy, tenant.id)
    gate = Gate(monkeypatch, HostRepository, "add")
    await gate.cancel_inside(tenancy.importer.run(tenant.id, rows))
    expected = [("ann@school.example", "host.create")]
    assert await settled(lambda: _recorded(tenancy), expected) == expected
    await _rerun_leaves_every_row_a_host(tenancy, tenant.id)


async def test_an_import_cancelled_inside_a_link_write_records_the_row_whole(
    tenancy: Tenancy, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = await tenancy.tenants.create(draft("Acme"))
    for email in EMAILS:
        add_zoom_user(tenancy.server, email)
    rows = await _checked(tenancy, tenant.id)
    assert all(r.linkable for r in rows)
    gate = Gate(monkeypatch, HostRepository, "upsert")
    await gate.cancel_inside(tenancy.importer.run(tenant.id, rows, link_existing=True))
    expected = [("ann@school.example", "host.link")]
    assert await settled(lambda: _recorded(tenancy), expected) == expected
    await _rerun_leaves_every_row_a_host(tenancy, tenant.id)


async def test_a_create_cancelled_before_its_store_write_is_linked_on_the_next_run(
    tenancy: Tenancy, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = await tenancy.tenants.create(draft("Acme"))
    rows = await _checked(tenancy, tenant.id)
    created = asyncio.Event()
    real = tenancy.zoom.create_user

    async def created_then_held(*args: Any, **kwargs: Any) -> ZoomUser:
        user = await real(*args, **kwargs)
        created.set()
        await asyncio.Event().wait()  # the cancel arrives here, between Zoom and the store
        return user

    monkeypatch.setattr(tenancy.zoom, "create_user", created_then_held)
    task = asyncio.ensure_future(tenancy.importer.run(tenant.id, rows))
    await asyncio.wait_for(created.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert _recorded(tenancy) == []
    assert await tenancy.zoom.email_exists("ann@school.example")
    monkeypatch.setattr(tenancy.zoom, "create_user", real)
    checked = await _checked(tenancy, tenant.id)
    assert [r.linkable for r in checked] == [True, False]
    await _rerun_leaves_every_row_a_host(tenancy, tenant.id)
    assert [e.action for e in tenancy.store.audit.entries(object_type="host")] == [
        "host.create",
        "host.link",
    ]


async def test_a_failing_audit_write_leaves_the_row_unrecorded_and_reconcilable(
    tenancy: Tenancy, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = await tenancy.tenants.create(draft("Acme"))
    rows = await _checked(tenancy, tenant.id)

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(AuditLog, "record", broken)
        with pytest.raises(OSError, match="disk full"):
            await tenancy.importer.run(tenant.id, rows)
    assert _recorded(tenancy) == []
    await _rerun_leaves_every_row_a_host(tenancy, tenant.id)


async def test_an_import_cancelled_between_rows_leaves_only_whole_rows(
    tenancy: Tenancy,
) -> None:
    tenant = await tenancy.tenants.create(draft("Acme"))
    rows = await _checked(tenancy, tenant.id)
    task: asyncio.Future[Any] | None = None

    def cancel_after_first(done: int, _total: int) -> None:
        if done == 1 and task is not None:
            task.cancel()

    task = asyncio.ensure_future(tenancy.importer.run(tenant.id, rows, progress=cancel_after_first))
    with pytest.raises(asyncio.CancelledError):
        await task
    recorded = _recorded(tenancy)
    assert recorded[0] == ("ann@school.example", "host.create")
    assert all(action == "host.create" for _, action in recorded)
    await _rerun_leaves_every_row_a_host(tenancy, tenant.id)
