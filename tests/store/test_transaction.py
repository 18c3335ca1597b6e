"""A unit of work: writes through several repositories commit together or not at all."""

from __future__ import annotations

import pytest

from zoomadmin.store.errors import HostExistsError
from zoomadmin.store.hosts import HostData
from zoomadmin.store.repositories import Store


def _tenant(store: Store) -> int:
    return store.tenants.create(
        name="Acme", timezone="UTC", mailbox="teach", domain="school.example"
    ).id


def test_a_change_and_its_audit_entry_commit_together(store: Store) -> None:
    tenant_id = _tenant(store)
    with store.transaction() as tx:
        host = tx.hosts.add(HostData("zu-1", "ann@school.example", tenant_id=tenant_id))
        tx.audit.record(actor="t", action="host.create", object_type="host", object_id=host.id)
    assert [h.email for h in store.hosts.all()] == ["ann@school.example"]
    assert [e.object_id for e in store.audit.entries(object_type="host")] == [str(host.id)]


def test_an_error_in_the_unit_rolls_back_every_write(store: Store) -> None:
    tenant_id = _tenant(store)
    with pytest.raises(RuntimeError, match="cut short"), store.transaction() as tx:
        host = tx.hosts.add(HostData("zu-1", "ann@school.example", tenant_id=tenant_id))
        tx.hosts.set_fields(host.id, status="inactive")
        tx.audit.record(actor="t", action="host.create", object_type="host", object_id=host.id)
        raise RuntimeError("cut short")
    assert store.hosts.all() == []
    assert store.audit.entries() == []


def test_a_refused_write_rolls_back_what_came_before_it(store: Store) -> None:
    tenant_id = _tenant(store)
    store.hosts.add(HostData("zu-1", "ann@school.example"))
    with pytest.raises(HostExistsError), store.transaction() as tx:
        tx.tenants.delete(tenant_id)
        tx.hosts.add(HostData("zu-2", "ann@school.example"))
    assert [t.id for t in store.tenants.all()] == [tenant_id]
    assert [h.zoom_user_id for h in store.hosts.all()] == ["zu-1"]


def test_atomically_runs_a_function_in_one_transaction(store: Store) -> None:
    def work(tx: object) -> int:
        from zoomadmin.store.repositories import Transaction

        assert isinstance(tx, Transaction)
        return tx.tenants.create(
            name="Beta", timezone="UTC", mailbox="t", domain="school.example"
        ).id

    tenant_id = store.atomically(work)
    assert store.tenants.get(tenant_id).name == "Beta"
