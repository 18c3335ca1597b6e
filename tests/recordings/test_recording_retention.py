"""Retention: only files verified on disk go to Zoom's trash, after a count; recover; audited."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from recordings_support import put_recording, put_user

from tests.conftest import SANDBOX_START
from zoomadmin.account.runtime import AccountRuntime
from zoomadmin.sandbox import SandboxServer
from zoomadmin.services.recording_downloads import DownloadService


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
