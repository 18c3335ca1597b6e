"""A host change and its audit entry land together, even when the caller is cancelled."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from atomic_support import Gate, settled_when
from tenancy_support import Tenancy, add_zoom_user, draft, store, tenancy

from zoomadmin.core.records import HostRecord
from zoomadmin.store.hosts import HostRepository

__all__ = ["store", "tenancy"]


async def host_actions(tenancy: Tenancy, expected: int) -> list[str]:
    """The host audit actions once ``expected`` exist (or after 2 s, whatever there is)."""

    def actions() -> list[str]:
        return [e.action for e in tenancy.store.audit.entries(object_type="host")]

    found: list[str] = await settled_when(actions, lambda found: len(found) >= expected)
    return found


async def _linked_host(tenancy: Tenancy) -> HostRecord:
    tenant = await tenancy.tenants.create(draft("Acme"))
    add_zoom_user(tenancy.server, "ann@school.example")
    return await tenancy.hosts.link_email("ann@school.example", tenant.id)


Case = Callable[[Tenancy, HostRecord], Awaitable[Any]]


async def _deactivate(tenancy: Tenancy, host: HostRecord) -> Any:
    return await tenancy.hosts.set_active(host.id, False)


async def _remove(tenancy: Tenancy, host: HostRecord) -> Any:
    return await tenancy.hosts.remove(host.id)


@pytest.mark.parametrize(
    ("method", "case", "action"),
    [("set_fields", _deactivate, "host.deactivate"), ("delete", _remove, "host.remove")],
)
async def test_a_cancelled_change_is_audited_all_the_same(
    tenancy: Tenancy, monkeypatch: pytest.MonkeyPatch, method: str, case: Case, action: str
) -> None:
    host = await _linked_host(tenancy)
    gate = Gate(monkeypatch, HostRepository, method)
    await gate.cancel_inside(case(tenancy, host))
    assert await host_actions(tenancy, 2) == [action, "host.link"]


async def test_a_cancelled_create_is_audited_all_the_same(
    tenancy: Tenancy, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = await tenancy.tenants.create(draft("Acme"))
    user_id = add_zoom_user(tenancy.server, "ann@school.example")
    user = await tenancy.zoom.get_user(user_id)
    gate = Gate(monkeypatch, HostRepository, "upsert")
    await gate.cancel_inside(tenancy.hosts.record_created(user, tenant.id))
    assert await host_actions(tenancy, 1) == ["host.create"]
    [host] = tenancy.store.hosts.all()
    [entry] = tenancy.store.audit.entries(object_type="host")
    assert (entry.action, entry.object_id) == ("host.create", str(host.id))


async def test_a_failing_audit_write_undoes_the_change(
    tenancy: Tenancy, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = await _linked_host(tenancy)

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError("disk full")

    from zoomadmin.store.audit import AuditLog

    monkeypatch.setattr(AuditLog, "record", broken)
    with pytest.raises(OSError, match="disk full"):
        await tenancy.hosts.set_active(host.id, False)
    assert tenancy.store.hosts.get(host.id).status == "active"
