"""Policies and settings snapshots in the store, and the migration that adds them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from zoomadmin.core.policy import (
    Layer,
    SettingFact,
    SettingsSnapshot,
    TenantPolicy,
    default_policy,
)
from zoomadmin.store.db import create_db_engine, sqlite_url
from zoomadmin.store.hosts import HostData
from zoomadmin.store.migrate import upgrade, upgrade_to_head
from zoomadmin.store.repositories import Store

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_free_text_policy_becomes_the_note_of_a_stored_default(tmp_path: Path) -> None:
    engine = create_db_engine(sqlite_url(tmp_path / "old.sqlite3"))
    try:
        upgrade(engine, "0002_meetings_quota_audit")
        with engine.begin() as conn:
            for tid, name, policy in ((1, "Acme", "Cloud recording on"), (2, "Beta", None)):
                conn.execute(
                    text(
                        "INSERT INTO tenant (id, name, slug, timezone, mailbox, domain,"
                        " email_scheme, settings_policy, created_at, updated_at) VALUES"
                        " (:id, :name, :slug, 'UTC', 't', 'school.org', :scheme, :policy,"
                        " '2025-01-02 03:04:05.000000', '2025-01-02 03:04:05.000000')"
                    ),
                    {
                        "id": tid,
                        "name": name,
                        "slug": name.lower(),
                        "scheme": "{mailbox}+{tenant}-{n}@{domain}",
                        "policy": policy,
                    },
                )
        upgrade_to_head(engine)
        store = Store.over(engine)
        acme = store.policies.get(1)
        assert acme is not None and acme.policy.note == "Cloud recording on"
        assert acme.policy.entries == default_policy("Acme").entries
        assert store.policies.get(2) is None
    finally:
        engine.dispose()


def test_policy_and_snapshot_round_trip(tmp_path: Path) -> None:
    store = Store.open_file(tmp_path / "db.sqlite3")
    try:
        tenant = store.tenants.create(name="Acme", timezone="UTC", mailbox="t", domain="school.org")
        policy = default_policy("Acme").with_entry("recording.auto_delete_cmr_days", 60)
        stored = store.policies.put(TenantPolicy(tenant.id, policy, "g1", "Acme hosts"), at=AT)
        assert stored.policy == policy and stored.group_id == "g1" and stored.stored
        host = store.hosts.add(HostData("zu-1", "h1@school.org", tenant_id=tenant.id)).id
        fact = SettingFact("recording.auto_recording", "local", Layer.USER, False)
        store.policies.put_snapshot(SettingsSnapshot(host, AT, {fact.key: fact}))
        store.policies.put_snapshot(SettingsSnapshot(host, AT, {fact.key: fact}))
        assert store.policies.snapshots([host])[host].facts == {fact.key: fact}
        assert store.policies.snapshots() == store.policies.snapshots([host, host + 1])
    finally:
        store.close()
