"""Retention: only files verified on disk go to Zoom's trash, after a count; recover; audited."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from recordings_support import put_recording, put_user

from tests.conftest import SANDBOX_START
from tests.services.tenancy_support import draft
from zoomadmin.account.runtime import AccountRuntime
from zoomadmin.sandbox import SandboxServer
from zoomadmin.services.recording_downloads import DownloadService
from zoomadmin.services.recording_retention import MAX_KEEP_DAYS, RetentionPolicyError


def _spoil(path: Path, size: int) -> None:
    path.write_bytes(b"\0" * size)


async def test_trash_after_verified_download_and_recover_round_trip(
    sandbox: SandboxServer, runtime: AccountRuntime, tmp_path: Path
) -> None:
    host = put_user(sandbox, 0)
    old = put_recording(sandbox, host, SANDBOX_START - timedelta(days=40))
    new = put_recording(sandbox, host, SANDBOX_START - timedelta(days=2))
    never = put_recording(sandbox, host, SANDBOX_START - timedelta(days=50))
    services = runtime.services
    await services.recordings.refresh()
    downloads = DownloadService(
        runtime.store, runtime.account.client, bus=runtime.bus, root=tmp_path / "out"
    )
    await downloads.enqueue([f.id for f in old.files] + [f.id for f in new.files])
    await downloads.run_queue()
    plan = await services.retention.plan(older_than_days=30)
    assert {f.meeting_uuid for f in plan.files} == {old.uuid}
    assert plan.count == 2 and plan.skipped_not_verified == len(never.files)
    assert plan.bytes == sum(f.file_size for f in old.files)
    assert "Move 2 files of 1 recordings" in plan.confirmation()
    report = await services.retention.trash(plan)
    assert sorted(report.trashed) == sorted(f.id for f in old.files)
    assert all(f.deleted_time is not None for f in old.files)  # in Zoom's trash
    stored = runtime.store.recordings.get(old.uuid)
    assert stored is not None and stored.in_trash
    assert await services.retention.recover([old.uuid]) == [old.uuid]
    assert all(f.deleted_time is None for f in old.files)
    back = runtime.store.recordings.get(old.uuid)
    assert back is not None and not back.in_trash
    actions = [e.action for e in runtime.store.audit.entries()]
    assert actions.count("recording.trash") == 2 and actions.count("recording.recover") == 1
    assert all(e.actor == "pat@school.example" for e in runtime.store.audit.entries())


async def test_a_file_changed_on_disk_after_planning_is_not_trashed(
    sandbox: SandboxServer, runtime: AccountRuntime, tmp_path: Path
) -> None:
    host = put_user(sandbox, 0)
    rec = put_recording(sandbox, host, SANDBOX_START - timedelta(days=40))
    services = runtime.services
    await services.recordings.refresh()
    downloads = DownloadService(
        runtime.store, runtime.account.client, bus=runtime.bus, root=tmp_path / "out"
    )
    await downloads.enqueue([f.id for f in rec.files])
    await downloads.run_queue()
    plan = await services.retention.plan(file_ids=[f.id for f in rec.files])
    assert plan.count == 2
    video = next(f for f in rec.files if f.file_type == "MP4")
    stored = runtime.store.recordings.file(video.id)
    assert stored is not None and stored.local_path is not None
    _spoil(Path(stored.local_path), video.file_size or 0)
    report = await services.retention.trash(plan)
    assert [r["file"] for r in report.refused] == [video.id]
    assert "damaged" in report.refused[0]["reason"]
    assert video.deleted_time is None
    assert [e.object_id for e in runtime.store.audit.entries()] == [
        f.id for f in rec.files if f.id != video.id
    ]


async def test_a_tenants_policy_moves_only_its_verified_recordings_past_its_days(
    sandbox: SandboxServer, runtime: AccountRuntime, tmp_path: Path
) -> None:
    services = runtime.services
    strict = await services.tenants.create(draft("Strict"))
    lenient = await services.tenants.create(draft("Lenient"))
    in_strict, in_lenient = put_user(sandbox, 0), put_user(sandbox, 1)
    aged = put_recording(sandbox, in_strict, SANDBOX_START - timedelta(days=20))
    fresh = put_recording(sandbox, in_strict, SANDBOX_START - timedelta(days=5))
    other = put_recording(sandbox, in_lenient, SANDBOX_START - timedelta(days=20))
    await services.hosts.link_email("host0@school.example.org", strict.id)
    await services.hosts.link_email("host1@school.example.org", lenient.id)
    await services.recordings.refresh()
    downloads = DownloadService(
        runtime.store, runtime.account.client, bus=runtime.bus, root=tmp_path / "out"
    )
    await downloads.enqueue([f.id for r in (aged, fresh, other) for f in r.files])
    await downloads.run_queue()
    assert [p.keep_days for p in await services.retention.policies()] == [None, None]
    assert (await services.retention.plan_policies()).count == 0
    await services.retention.set_policy(strict.id, 14)
    await services.retention.set_policy(lenient.id, 60)
    policies = {p.tenant_name: p for p in await services.retention.policies()}
    assert (policies["Strict"].keep_days, policies["Lenient"].keep_days) == (14, 60)
    assert policies["Strict"].words().startswith("Trash 14 days after the meeting")
    plan = await services.retention.plan_policies()
    assert {f.meeting_uuid for f in plan.files} == {aged.uuid}
    assert (await services.retention.plan_policies([lenient.id])).count == 0
    await services.retention.set_policy(strict.id, None)
    assert (await services.retention.plan_policies()).count == 0
    changes = [e for e in runtime.store.audit.entries() if e.action == "recording.retention"]
    assert len(changes) == 3


async def test_a_policy_outside_one_day_to_ten_years_is_refused(
    runtime: AccountRuntime,
) -> None:
    tenant = await runtime.services.tenants.create(draft("Acme"))
    for days in (0, -3, MAX_KEEP_DAYS + 1):
        with pytest.raises(RetentionPolicyError, match="between 1 and 3650 days"):
            await runtime.services.retention.set_policy(tenant.id, days)
    with pytest.raises(RetentionPolicyError, match="no longer exists"):
        await runtime.services.retention.set_policy(tenant.id + 99, 30)
