"""Host service against the sandbox: create, link, move, (de)activate, remove, with audit."""

from __future__ import annotations

from datetime import UTC

import pytest
from tenancy_support import Tenancy, add_session, add_zoom_user, draft, soon, store, tenancy

from zoomadmin.core.enums import CreateAction, UserType
from zoomadmin.services.host_errors import EmailInAccountError
from zoomadmin.services.hosts import NewHost
from zoomadmin.services.tenants import TenancyError
from zoomadmin.zoom.errors import UserPending

__all__ = ["store", "tenancy"]


async def test_next_email_skips_hosts_here_and_users_in_zoom(tenancy: Tenancy) -> None:
    tenant = await tenancy.tenants.create(draft("Acme"))
    add_zoom_user(tenancy.server, "teach+acme-1@school.example")
    assert await tenancy.hosts.next_emails(tenant.id) == ["teach+acme-2@school.example"]
    reserved = ["teach+acme-2@school.example"]
    assert await tenancy.hosts.next_emails(tenant.id, 2, reserved) == [
        "teach+acme-3@school.example",
        "teach+acme-4@school.example",
    ]


async def test_add_host_creates_in_zoom_then_stores_and_audits(tenancy: Tenancy) -> None:
    tenant = await tenancy.tenants.create(draft("Acme"))
    [email] = await tenancy.hosts.next_emails(tenant.id)
    host = await tenancy.hosts.add_host(NewHost(tenant.id, email, "Ann", "Lee"))
    user = await tenancy.zoom.get_user(email)
    assert (user.id, user.status) == (host.zoom_user_id, "pending")
    assert (host.tenant_id, host.status, host.display_name) == (tenant.id, "pending", "Ann Lee")
    [row] = await tenancy.hosts.rows()
    assert (row.tenant_name, row.quota_used, row.quota_limit) == ("Acme", 0, 100)
    entry = tenancy.store.audit.entries(object_type="host")[0]
    assert (entry.action, entry.new_value["email"]) == ("host.create", email)


async def test_duplicate_email_offers_link_and_link_works(tenancy: Tenancy) -> None:
    tenant = await tenancy.tenants.create(draft("Acme"))
    user_id = add_zoom_user(tenancy.server, "ann@school.example")
    with pytest.raises(EmailInAccountError) as taken:
        await tenancy.hosts.add_host(NewHost(tenant.id, "ann@school.example"))
    assert taken.value.linkable
    assert "already a user in this Zoom account" in taken.value.user_message
    assert tenancy.store.hosts.all() == []
    host = await tenancy.hosts.link_email("ann@school.example", tenant.id)
    assert (host.zoom_user_id, host.tenant_id) == (user_id, tenant.id)
    entry = tenancy.store.audit.entries(object_type="host")[0]
    assert entry.action == "host.link"


async def test_bad_input_and_zoom_refusals_in_plain_words(tenancy: Tenancy) -> None:
    tenant = await tenancy.tenants.create(draft("Acme"))
    with pytest.raises(TenancyError, match="not a valid email"):
        await tenancy.hosts.add_host(NewHost(tenant.id, "ann@school"))
    with pytest.raises(TenancyError, match="allows at most 64"):
        await tenancy.hosts.add_host(NewHost(tenant.id, "a@b.org", first_name="A" * 65))
    tenancy.admin("PATCH", "/config", json={"paid_seats": 0})
    with pytest.raises(TenancyError, match="paid \\(Licensed\\) seat"):
        await tenancy.hosts.add_host(NewHost(tenant.id, "a@b.org", user_type=UserType.LICENSED))
    with pytest.raises(TenancyError, match="ISV partner"):
        await tenancy.hosts.add_host(NewHost(tenant.id, "a@b.org", action=CreateAction.CUST_CREATE))
    tenancy.admin("PATCH", "/config", json={"plan": "free"})
    with pytest.raises(TenancyError, match="may not create users"):
        await tenancy.hosts.add_host(NewHost(tenant.id, "a@b.org"))
    assert tenancy.store.hosts.all() == []


async def test_pending_host_cannot_be_deactivated(tenancy: Tenancy) -> None:
    tenant = await tenancy.tenants.create(draft("Acme"))
    host = await tenancy.hosts.add_host(NewHost(tenant.id, "new@school.example"))
    with pytest.raises(UserPending, match="has not accepted the Zoom invitation"):
        await tenancy.hosts.set_active(host.id, False)


async def test_deactivate_reactivate_move_and_remove(tenancy: Tenancy) -> None:
    acme = await tenancy.tenants.create(draft("Acme"))
    beta = await tenancy.tenants.create(draft("Beta"))
    user_id = add_zoom_user(tenancy.server, "ann@school.example")
    host = await tenancy.hosts.link_email("ann@school.example", acme.id)
    add_session(tenancy.store, host.id, soon(tenancy.now()), 82000000001)

    off = await tenancy.hosts.set_active(host.id, False)
    assert off.status == "inactive"
    assert (await tenancy.zoom.get_user(user_id)).status == "inactive"
    await tenancy.hosts.set_active(host.id, True)
    assert (await tenancy.zoom.get_user(user_id)).status == "active"

    assert await tenancy.hosts.move([host.id], beta.id) == 1
    [row] = await tenancy.hosts.rows()
    assert row.tenant_name == "Beta"
    assert row.next_session_at == soon(tenancy.now()).astimezone(UTC)

    impact = await tenancy.hosts.impact(host.id)
    assert [s.meeting_id for s in impact.coming_sessions] == [82000000001]
    await tenancy.hosts.remove(host.id)
    assert tenancy.store.hosts.all() == []
    assert tenancy.server.sandbox.state.find_user(user_id) is None
    actions = [e.action for e in tenancy.store.audit.entries(object_type="host")]
    assert actions == [
        "host.remove",
        "host.move",
        "host.reactivate",
        "host.deactivate",
        "host.link",
    ]


async def test_quota_use_today_comes_from_the_ledger(tenancy: Tenancy) -> None:
    tenant = await tenancy.tenants.create(draft("Acme"))
    user_id = add_zoom_user(tenancy.server, "ann@school.example")
    await tenancy.hosts.link_email("ann@school.example", tenant.id)
    today = tenancy.now().astimezone(UTC).date()
    for _ in range(37):
        await tenancy.store.quota.record_request(user_id, today)
    [row] = await tenancy.hosts.rows()
    assert (row.quota_used, row.quota_limit) == (37, 100)


async def test_rows_cover_every_tenant_and_hosts_in_none(tenancy: Tenancy) -> None:
    acme = await tenancy.tenants.create(draft("Acme"))
    beta = await tenancy.tenants.create(draft("Beta"))
    for email in ("a@school.example", "b@school.example", "c@school.example"):
        add_zoom_user(tenancy.server, email)
    await tenancy.sync.sync()
    await tenancy.hosts.link_email("a@school.example", acme.id)
    await tenancy.hosts.link_email("b@school.example", beta.id)
    rows = {r.host.email: r.tenant_name for r in await tenancy.hosts.rows()}
    assert rows["a@school.example"] == "Acme"
    assert rows["b@school.example"] == "Beta"
    assert rows["c@school.example"] == ""
    assert len(rows) == 4  # and the account owner
    unassigned = tenancy.store.hosts.overview(tenancy.now(), unassigned=True)
    assert sorted(o.host.email for o in unassigned)[0] == "c@school.example"


async def test_link_refuses_a_host_of_another_tenant(tenancy: Tenancy) -> None:
    acme = await tenancy.tenants.create(draft("Acme"))
    beta = await tenancy.tenants.create(draft("Beta"))
    host = await tenancy.hosts.add_host(NewHost(acme.id, "ann@school.example"))
    with pytest.raises(EmailInAccountError) as taken:
        await tenancy.hosts.add_host(NewHost(beta.id, "ann@school.example"))
    assert taken.value.linkable  # Zoom says only "in this account": the dialog offers Link
    with pytest.raises(TenancyError, match=r"already a host of “Acme”.*Move"):
        await tenancy.hosts.link_email("ann@school.example", beta.id)
    assert tenancy.store.hosts.get(host.id).tenant_id == acme.id
    actions = [e.action for e in tenancy.store.audit.entries(object_type="host")]
    assert actions == ["host.create"]
