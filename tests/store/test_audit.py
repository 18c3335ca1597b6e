"""The audit log keeps JSON before/after values and reads back newest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from zoomadmin.store.repositories import Store

T0 = datetime(2030, 3, 1, 12, tzinfo=UTC)


def test_record_and_filter(store: Store) -> None:
    store.audit.record(
        actor="alice",
        action="settings.apply",
        object_type="host",
        object_id="zu-1",
        old_value={"recording": {"cloud": False}},
        new_value={"recording": {"cloud": True}},
        at=T0,
    )
    store.audit.record(
        actor="app", action="license.give", object_type="host", object_id="zu-2", at=T0
    )
    store.audit.record(
        actor="bob",
        action="tenant.rename",
        object_type="tenant",
        object_id=7,
        old_value="Acme",
        new_value="Acme Corp",
        at=T0 + timedelta(minutes=1),
    )
    newest = store.audit.entries()
    assert [e.action for e in newest] == ["tenant.rename", "license.give", "settings.apply"]
    (one,) = store.audit.entries(object_type="host", object_id="zu-1")
    assert one.old_value == {"recording": {"cloud": False}}
    assert one.new_value == {"recording": {"cloud": True}}
    assert one.at == T0
    (tenant,) = store.audit.entries(object_type="tenant", object_id=7)
    assert (tenant.old_value, tenant.new_value, tenant.object_id) == ("Acme", "Acme Corp", "7")
    assert len(store.audit.entries(since=T0 + timedelta(seconds=30))) == 1
    assert len(store.audit.entries(limit=2)) == 2
