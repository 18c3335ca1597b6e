"""The recordings index over the sandbox: a year, many pages, many hosts, deleted and late files."""

from __future__ import annotations

from datetime import timedelta

from recordings_support import put_recording, put_user

from tests.conftest import SANDBOX_START
from zoomadmin.account.runtime import AccountRuntime
from zoomadmin.core.changes import Change, ChangeKind
from zoomadmin.jobs.recordings_index import RecordingsIndexJob
from zoomadmin.sandbox import SandboxServer
from zoomadmin.sandbox.recording_view import recording_json
from zoomadmin.store.recordings import RecordingFilter
from zoomadmin.zoom.events.model import Event, EventKind


async def test_a_year_over_many_pages_and_hosts_deactivated_too_is_indexed_completely(
    sandbox: SandboxServer, runtime: AccountRuntime
) -> None:
    busy = put_user(sandbox, 0)
    gone = put_user(sandbox, 1, status="inactive")
    others = [put_user(sandbox, n) for n in range(2, 6)]
    made = set()
    # 320 recordings in one month of one host: more than Zoom's page of 300.
    for n in range(320):
        made.add(put_recording(sandbox, busy, SANDBOX_START - timedelta(days=3, hours=n)).uuid)
    for n, host in enumerate([gone, *others]):
        for day in range(2, 362, 20):
            start = SANDBOX_START - timedelta(days=day, hours=n)
            made.add(put_recording(sandbox, host, start, kinds=("M4A",)).uuid)
    report = await runtime.services.recordings.refresh()
    stored = {r.uuid for r in runtime.store.recordings.all()}
    assert stored == made
    assert report.hosts == 7  # the account owner too
    assert report.meetings == len(made)
    of_gone = runtime.store.recordings.all(RecordingFilter(host_email="host1@school.example.org"))
    assert len(of_gone) == 18


async def test_a_refresh_reads_since_the_last_one_with_an_overlap(
    sandbox: SandboxServer, runtime: AccountRuntime
) -> None:
    host = put_user(sandbox, 0)
    index = runtime.services.recordings
    put_recording(sandbox, host, SANDBOX_START - timedelta(days=40))
    await index.refresh()
    assert runtime.store.recordings.refreshed_through(host) == SANDBOX_START.date()
    sandbox.sandbox.clock.advance(timedelta(days=2))
    # Finished processing late, listed under its start two days before the last refresh.
    late = put_recording(sandbox, host, SANDBOX_START - timedelta(days=2))
    seen: list[Change] = []
    runtime.bus.subscribe(seen.append)
    report = await index.refresh()
    assert report.changed == 1
    assert runtime.store.recordings.get(late.uuid) is not None
    assert [c.ids for c in seen if c.kind is ChangeKind.RECORDINGS] == [frozenset({late.uuid})]


async def test_processing_files_are_marked_then_read_again_once_complete(
    sandbox: SandboxServer, runtime: AccountRuntime
) -> None:
    host = put_user(sandbox, 0)
    rec = put_recording(sandbox, host, SANDBOX_START - timedelta(hours=3), status="processing")
    index = runtime.services.recordings
    await index.refresh()
    stored = runtime.store.recordings.get(rec.uuid)
    assert stored is not None
    assert all(f.processing for f in stored.files)
    assert all(f.download_url == "" for f in stored.files)
    for item in rec.files:
        item.status = "completed"
    assert await index.reread_processing() == 1
    again = runtime.store.recordings.get(rec.uuid)
    assert again is not None
    assert not any(f.processing for f in again.files)
    assert all(f.download_url for f in again.files)


async def test_deleted_in_zoom_is_marked_not_dropped_and_the_trash_is_seen(
    sandbox: SandboxServer, runtime: AccountRuntime
) -> None:
    host = put_user(sandbox, 0)
    kept = put_recording(sandbox, host, SANDBOX_START - timedelta(days=5))
    deleted = put_recording(sandbox, host, SANDBOX_START - timedelta(days=6))
    trashed = put_recording(sandbox, host, SANDBOX_START - timedelta(days=7))
    index = runtime.services.recordings
    await index.refresh()
    deleted.deleted = True
    trashed.trashed_at = SANDBOX_START
    for item in trashed.files:
        item.deleted_time = SANDBOX_START
    # A full re-read (an incremental one only looks back a few days).
    report = await index.refresh(start=(SANDBOX_START - timedelta(days=30)).date())
    assert report.deleted_in_zoom == 1
    repo = runtime.store.recordings
    gone, bin_, live = repo.get(deleted.uuid), repo.get(trashed.uuid), repo.get(kept.uuid)
    assert gone is not None and gone.deleted_in_zoom and len(gone.files) == 2
    assert all(f.deleted_in_zoom for f in gone.files)
    assert bin_ is not None and bin_.in_trash and all(f.in_trash for f in bin_.files)
    assert live is not None and not live.deleted_in_zoom and not live.in_trash


async def test_recording_completed_is_indexed_at_once(
    sandbox: SandboxServer, runtime: AccountRuntime
) -> None:
    host = put_user(sandbox, 0)
    rec = put_recording(sandbox, host, SANDBOX_START - timedelta(hours=2))
    state = sandbox.sandbox.state
    body = recording_json(state, sandbox.sandbox.base_url, rec)
    job = next(j for j in runtime.jobs if isinstance(j, RecordingsIndexJob))
    event = Event(
        kind=EventKind.RECORDING_COMPLETED,
        event_ts=SANDBOX_START,
        account_id=state.account.account_id,
        object=body,
        source="webhook",
    )
    await job.handle(event)
    stored = runtime.store.recordings.get(rec.uuid)
    assert stored is not None
    assert {f.file_type for f in stored.files} == {"MP4", "TRANSCRIPT"}
