"""Hosts: bulk upsert, change notes, missing hosts, tenant moves and the hosts view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from zoomadmin.core.records import FieldChange
from zoomadmin.store.errors import HostExistsError, NotFoundError
from zoomadmin.store.hosts import HostData
from zoomadmin.store.meetings import MeetingData
from zoomadmin.store.repositories import Store

NOW = datetime(2030, 3, 1, 12, tzinfo=UTC)


def _many(n: int, *, user_type: int = 1) -> list[HostData]:
    return [
        HostData(f"zu-{i}", f"Teacher+t-{i}@School.org", "T", str(i), user_type=user_type)
        for i in range(n)
    ]


def test_bulk_upsert_inserts_then_updates(store: Store) -> None:
    first = store.hosts.upsert(_many(10_000), synced_at=NOW)
    assert (first.inserted, first.updated, first.unchanged) == (10_000, 0, 0)
    assert store.hosts.count() == 10_000
    again = store.hosts.upsert(_many(10_000), synced_at=NOW + timedelta(hours=1))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 10_000)
    changed = store.hosts.upsert(_many(10_000, user_type=2)[:3])
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 3, 0)
    host = store.hosts.get_by_zoom_id("zu-1")
    assert host.email == "teacher+t-1@school.org"
    assert host.user_type == 2
    assert host.zoom_changes == (FieldChange("user_type", 1, 2),)
    assert store.hosts.get_by_zoom_id("zu-5000").last_synced_at == NOW + timedelta(hours=1)
    store.hosts.clear_change_note(host.id)
    assert store.hosts.get(host.id).changed_in_zoom is None


def test_upsert_keeps_tenant_unless_given(store: Store) -> None:
    tenant = store.tenants.create(name="Acme", timezone="UTC", mailbox="t", domain="x.org")
    store.hosts.upsert([HostData("zu-1", "a@x.org", tenant_id=tenant.id)])
    store.hosts.upsert([HostData("zu-1", "a@x.org", first_name="Ada")])
    host = store.hosts.get_by_zoom_id("zu-1")
    assert host.tenant_id == tenant.id
    assert host.zoom_changes == (FieldChange("first_name", "", "Ada"),)


def test_email_clash_is_a_readable_error(store: Store) -> None:
    store.hosts.upsert([HostData("zu-1", "a@x.org")])
    with pytest.raises(HostExistsError) as caught:
        store.hosts.upsert([HostData("zu-2", "b@x.org"), HostData("zu-3", "A@x.org")])
    assert str(caught.value) == "A host with the email 'a@x.org' already exists (Zoom user zu-1)."
    assert store.hosts.count() == 1, "the whole batch is one transaction"
    with pytest.raises(HostExistsError, match=r"share the email 'c@x\.org'"):
        store.hosts.upsert([HostData("zu-4", "c@x.org"), HostData("zu-5", "C@x.org")])


def test_add_refuses_a_known_zoom_user(store: Store) -> None:
    added = store.hosts.add(HostData("zu-1", "a@x.org", "Ada", "Lovelace", 2))
    assert added.display_name == "Ada Lovelace"
    assert store.hosts.find_by_email("A@X.org") == added
    with pytest.raises(HostExistsError, match="zu-1 is already a host"):
        store.hosts.add(HostData("zu-1", "other@x.org"))
    with pytest.raises(NotFoundError, match="zu-9 is not a host here"):
        store.hosts.get_by_zoom_id("zu-9")


def test_mark_missing_and_back(store: Store) -> None:
    store.hosts.upsert(_many(5))
    assert store.hosts.mark_missing({"zu-0", "zu-1"}) == 3
    assert [h.missing_in_zoom for h in store.hosts.all()] == [False, False, True, True, True]
    store.hosts.upsert(_many(5)[2:3])
    assert not store.hosts.get_by_zoom_id("zu-2").missing_in_zoom


def test_assign_and_list_by_tenant(store: Store) -> None:
    acme = store.tenants.create(name="Acme", timezone="UTC", mailbox="t", domain="x.org")
    store.hosts.upsert(_many(4))
    ids = [h.id for h in store.hosts.all()]
    assert store.hosts.assign(ids[:3], acme.id) == 3
    assert [h.id for h in store.hosts.all(acme.id)] == ids[:3]
    assert [h.id for h in store.hosts.all(unassigned=True)] == ids[3:]
    assert store.hosts.count(acme.id) == 3
    assert store.hosts.assign(ids[:1], None) == 1
    with pytest.raises(NotFoundError, match="Tenant 99"):
        store.hosts.assign(ids, 99)
    assert store.hosts.count(acme.id) == 2


def test_set_fields_and_delete_cascades_meetings(store: Store) -> None:
    host = store.hosts.add(HostData("zu-1", "a@x.org"))
    assert store.hosts.set_fields(host.id, user_type=2, status="inactive").user_type == 2
    store.meetings.save(MeetingData(5, host.id, "x", NOW, 30))
    store.hosts.delete(host.id)
    with pytest.raises(NotFoundError):
        store.meetings.get(5)
    with pytest.raises(NotFoundError):
        store.hosts.delete(host.id)


def test_overview_shows_next_session(store: Store) -> None:
    busy = store.hosts.add(HostData("zu-1", "busy@x.org"))
    store.hosts.add(HostData("zu-2", "idle@x.org"))
    store.meetings.save(MeetingData(1, busy.id, "past", NOW - timedelta(days=1), 30))
    store.meetings.save(MeetingData(2, busy.id, "later", NOW + timedelta(days=2), 30))
    store.meetings.save(MeetingData(3, busy.id, "soon", NOW + timedelta(hours=1), 30))
    rows = store.hosts.overview(NOW)
    assert [(r.host.email, r.next_session_at) for r in rows] == [
        ("busy@x.org", NOW + timedelta(hours=1)),
        ("idle@x.org", None),
    ]
    nxt = store.meetings.next_session(busy.id, NOW)
    assert nxt is not None
    assert (nxt.topic, nxt.end_time) == ("soon", NOW + timedelta(hours=1, minutes=30))


def test_overview_pages_split_the_same_rows_in_order(store: Store) -> None:
    for n in range(7):
        store.hosts.add(HostData(f"zu-{n}", f"host{n}@x.org"))
    store.meetings.save(MeetingData(1, store.hosts.get_by_zoom_id("zu-5").id, "m", NOW, 30))
    pages = list(store.hosts.overview_pages(NOW, size=3))
    assert [len(page) for page in pages] == [3, 3, 1]
    flat = [(r.host.email, r.next_session_at) for page in pages for r in page]
    assert flat == [(r.host.email, r.next_session_at) for r in store.hosts.overview(NOW)]
    assert flat[5] == ("host5@x.org", NOW)
