"""Tenants: readable uniqueness errors, validation, summaries with coming sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from zoomadmin.core.records import slugify
from zoomadmin.store.errors import InvalidValueError, NotFoundError, TenantExistsError
from zoomadmin.store.hosts import HostData
from zoomadmin.store.meetings import MeetingData, OccurrenceData
from zoomadmin.store.repositories import Store

NOW = datetime(2030, 3, 1, 12, tzinfo=UTC)


def _acme(store: Store, name: str = "Acme") -> int:
    return store.tenants.create(
        name=name, timezone="Europe/Berlin", mailbox="teacher", domain="School.org"
    ).id


def test_create_and_read_back(store: Store) -> None:
    tenant = store.tenants.get(_acme(store))
    assert tenant.name == "Acme"
    assert tenant.slug == "acme"
    assert tenant.domain == "school.org"
    assert tenant.host_email(3) == "teacher+acme-3@school.org"
    assert tenant.created_at.tzinfo == UTC
    assert store.tenants.find_by_name("ACME") == tenant
    assert store.tenants.find_by_name("nobody") is None


def test_duplicate_name_is_a_readable_error(store: Store) -> None:
    _acme(store)
    with pytest.raises(TenantExistsError) as caught:
        _acme(store, "acme")
    assert str(caught.value) == "A tenant named 'Acme' already exists."


def test_duplicate_tag_is_a_readable_error(store: Store) -> None:
    _acme(store)
    with pytest.raises(TenantExistsError, match="already uses the email tag 'acme'"):
        store.tenants.create(name="Acme!", timezone="UTC", mailbox="t", domain="x.org", slug="acme")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"timezone": "Mars/Base"}, "not a known time zone"),
        ({"name": "  "}, "needs a name"),
        ({"slug": "Bad Tag"}, "lowercase letters"),
        ({"email_scheme": "{mailbox}@{domain}"}, "needs {n}"),
        ({"email_scheme": "{mailbox}+{n}{oops}@{domain}"}, "can only use"),
        ({"email_scheme": "{mailbox}-{n}"}, "not an email"),
    ],
)
def test_invalid_values_are_refused(store: Store, changes: dict[str, str], message: str) -> None:
    tenant_id = _acme(store)
    with pytest.raises(InvalidValueError, match=message):
        store.tenants.update(tenant_id, **changes)  # type: ignore[arg-type]
    assert store.tenants.get(tenant_id).timezone == "Europe/Berlin"


def test_update_renames_and_keeps_the_tag(store: Store) -> None:
    tenant_id = _acme(store)
    _acme(store, "Beta")
    before = store.tenants.get(tenant_id)
    after = store.tenants.update(tenant_id, name="Acme Corp", settings_policy="strict")
    assert (after.name, after.slug, after.settings_policy) == ("Acme Corp", "acme", "strict")
    assert after.updated_at >= before.updated_at
    assert store.tenants.update(tenant_id, settings_policy=None).settings_policy is None
    with pytest.raises(TenantExistsError, match="'Beta' already exists"):
        store.tenants.update(tenant_id, name="beta")


def test_missing_tenant(store: Store) -> None:
    with pytest.raises(NotFoundError, match="Tenant 42 does not exist"):
        store.tenants.get(42)
    with pytest.raises(NotFoundError):
        store.tenants.delete(42)


def test_delete_keeps_hosts_unassigned(store: Store) -> None:
    tenant_id = _acme(store)
    store.hosts.upsert([HostData("zu-1", "a@x.org", tenant_id=tenant_id)])
    store.tenants.delete(tenant_id)
    assert store.tenants.all() == []
    (host,) = store.hosts.all(unassigned=True)
    assert host.tenant_id is None


def test_summaries_count_hosts_and_coming_sessions(store: Store) -> None:
    acme, beta, empty = _acme(store), _acme(store, "Beta"), _acme(store, "Empty")
    store.hosts.upsert(
        [
            HostData("zu-1", "a1@x.org", tenant_id=acme),
            HostData("zu-2", "a2@x.org", tenant_id=acme),
            HostData("zu-3", "b1@x.org", tenant_id=beta),
        ]
    )
    h1 = store.hosts.get_by_zoom_id("zu-1").id
    h3 = store.hosts.get_by_zoom_id("zu-3").id
    weekly = [
        OccurrenceData(NOW + timedelta(days=7 * k - 7), 60, occurrence_id=str(k)) for k in range(4)
    ]  # one in the past, three coming
    store.meetings.save(MeetingData(1001, h1, "Maths", weekly[0].start_time, 60, 8), weekly)
    store.meetings.save(MeetingData(1002, h3, "Art", NOW + timedelta(hours=2), 30))
    store.meetings.save(
        MeetingData(1003, h3, "Gone", NOW + timedelta(hours=3), 30),
        [OccurrenceData(NOW + timedelta(hours=3), 30, "x", status="deleted")],
    )
    by_name = {s.tenant.name: s for s in store.tenants.summaries(NOW)}
    assert list(by_name) == ["Acme", "Beta", "Empty"]
    assert (by_name["Acme"].host_count, by_name["Acme"].coming_sessions) == (2, 3)
    assert by_name["Acme"].next_session_at == NOW
    assert (by_name["Beta"].host_count, by_name["Beta"].coming_sessions) == (1, 1)
    assert by_name["Beta"].next_session_at == NOW + timedelta(hours=2)
    assert (by_name["Empty"].host_count, by_name["Empty"].coming_sessions) == (0, 0)
    assert by_name["Empty"].next_session_at is None
    week = store.tenants.summaries(NOW, NOW + timedelta(days=7))
    assert [s.coming_sessions for s in week] == [1, 1, 0]
    assert empty == by_name["Empty"].tenant.id


def test_slugify() -> None:
    assert slugify("  Acme Corp. (EU) ") == "acme-corp-eu"
