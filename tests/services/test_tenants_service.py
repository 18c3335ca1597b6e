"""Tenant service: create, edit and delete with audit, refusals a person can act on."""

from __future__ import annotations

import pytest
from tenancy_support import Tenancy, add_session, add_zoom_user, draft, soon, store, tenancy

from zoomadmin.services.tenants import TenancyError, TenantBusyError, TenantDraft
from zoomadmin.store.hosts import HostData

__all__ = ["store", "tenancy"]


async def test_create_lists_and_audits(tenancy: Tenancy) -> None:
    record = await tenancy.tenants.create(draft(settings_policy="Recording on"))
    assert record.slug == "acme-academy"
    assert record.host_email(3) == "teach+acme-academy-3@school.example"
    [summary] = await tenancy.tenants.summaries()
    assert (summary.tenant.name, summary.host_count, summary.coming_sessions) == (
        "Acme Academy",
        0,
        0,
    )
    [entry] = tenancy.store.audit.entries(object_type="tenant")
    assert entry.action == "tenant.create"
    assert entry.actor == "pat@school.example"
    assert entry.old_value is None
    assert entry.new_value["settings_policy"] == "Recording on"


async def test_refusals_say_what_to_fix(tenancy: Tenancy) -> None:
    await tenancy.tenants.create(draft())
    with pytest.raises(TenancyError, match="already exists") as taken:
        await tenancy.tenants.create(draft("acme academy"))
    assert "Acme Academy" in taken.value.user_message
    with pytest.raises(TenancyError, match="not a known time zone"):
        await tenancy.tenants.create(draft("Other", timezone="Mars/Olympus"))
    with pytest.raises(TenancyError, match="needs \\{n\\}"):
        await tenancy.tenants.create(draft("Other", email_scheme="{mailbox}@{domain}"))


async def test_update_audits_only_changed_fields(tenancy: Tenancy) -> None:
    record = await tenancy.tenants.create(draft())
    changed = TenantDraft(
        name="Acme Academy",
        timezone="America/New_York",
        mailbox="teach",
        domain="school.example",
        slug="acme-academy",
    )
    updated = await tenancy.tenants.update(record.id, changed)
    assert updated.timezone == "America/New_York"
    entry = tenancy.store.audit.entries(object_type="tenant")[0]
    assert entry.action == "tenant.update"
    assert entry.old_value == {"timezone": "Europe/Berlin"}
    assert entry.new_value == {"timezone": "America/New_York"}


async def test_delete_refused_while_hosts_have_coming_sessions(tenancy: Tenancy) -> None:
    tenant = await tenancy.tenants.create(draft())
    user_id = add_zoom_user(tenancy.server, "ann@school.example")
    host = tenancy.store.hosts.add(HostData(user_id, "ann@school.example", tenant_id=tenant.id))
    add_session(tenancy.store, host.id, soon(tenancy.now(), 1), 81000000001)
    add_session(tenancy.store, host.id, soon(tenancy.now(), 8), 81000000002)
    with pytest.raises(TenantBusyError) as busy:
        await tenancy.tenants.delete(tenant.id)
    assert "2 coming sessions" in busy.value.user_message
    assert "ann@school.example (2)" in busy.value.user_message
    assert tenancy.store.tenants.get(tenant.id).name == "Acme Academy"

    await tenancy.hosts.move([host.id], None)
    await tenancy.tenants.delete(tenant.id)
    assert await tenancy.tenants.summaries() == []
    entry = tenancy.store.audit.entries(object_type="tenant")[0]
    assert (entry.action, entry.old_value["name"], entry.new_value) == (
        "tenant.delete",
        "Acme Academy",
        None,
    )


def test_draft_previews_scheme_emails() -> None:
    form = draft("St. Mary's", email_scheme="{mailbox}+{tenant}{n}@{domain}", domain="X.org")
    assert form.effective_slug == "st-mary-s"
    assert form.example_email(7) == "teach+st-mary-s7@x.org"
