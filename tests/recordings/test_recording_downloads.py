"""The download queue over the sandbox: parallel, verified, resumable, safe with bad answers."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from recordings_support import put_recording, put_user
from starlette.responses import Response

from tests.conftest import SANDBOX_START
from zoomadmin.account.runtime import AccountRuntime
from zoomadmin.logs import LOG_NAME, setup_logging
from zoomadmin.sandbox import SandboxServer, media, routes_recordings
from zoomadmin.services.recording_downloads import DownloadService, FileProgress, QueueProgress
from zoomadmin.store.recordings import LocalState, RecordingFilter
from zoomadmin.zoom.downloads import part_path


def _service(runtime: AccountRuntime, root: Path, **kwargs: Any) -> DownloadService:
    """Another download service over the same store (as after a restart)."""
    return DownloadService(
        runtime.store, runtime.account.client, bus=runtime.bus, root=root, **kwargs
    )


def _read(path: Path) -> bytes:
    return path.read_bytes()


def _set_rate(sandbox: SandboxServer, rate: int) -> None:
    response = httpx.patch(
        sandbox.info.admin_url + "/config", json={"download_rate": rate}, timeout=10
    )
    response.raise_for_status()


async def _indexed(
    sandbox: SandboxServer, runtime: AccountRuntime, count: int, seconds: int = 60
) -> list[str]:
    host = put_user(sandbox, 0)
    for n in range(count):
        put_recording(sandbox, host, SANDBOX_START - timedelta(days=1, hours=n), seconds=seconds)
    await runtime.services.recordings.refresh()
    return [f.id for r in runtime.store.recordings.all() for f in r.files]


async def test_the_queue_downloads_verifies_and_a_second_run_fetches_nothing(
    sandbox: SandboxServer, runtime: AccountRuntime, tmp_path: Path
) -> None:
    ids = await _indexed(sandbox, runtime, 6)
    service = _service(runtime, tmp_path / "out", parallel=4)
    heard: list[tuple[str, LocalState]] = []
    service.listen(lambda f, _q: heard.append((f.file_id, f.state)))
    assert await service.enqueue_matching(RecordingFilter()) == len(ids)
    summary = await service.run_queue()
    assert summary.verified == len(ids) and summary.failed == []
    state = sandbox.sandbox.state
    for fid in ids:
        item = runtime.store.recordings.file(fid)
        assert item is not None and item.local_state is LocalState.VERIFIED
        assert item.local_path is not None
        path = Path(item.local_path)
        assert _read(path) == media.content(state.recording_files[fid])
        assert path.relative_to(tmp_path / "out").parts[0] == "No tenant"
    assert {s for _f, s in heard} >= {LocalState.DOWNLOADING, LocalState.VERIFIED}
    assert service.overall.bytes_done == summary.bytes == service.overall.bytes_total
    # Again: verified files are not queued, and a queue over a new index adopts them.
    assert await service.enqueue(ids) == 0
    runtime.store.recordings.set_local(ids, LocalState.QUEUED, path="")
    fresh = _service(runtime, tmp_path / "out")
    again = await fresh.run_queue()
    assert again.bytes == 0 and again.skipped_already_verified == len(ids)


async def test_a_download_killed_halfway_resumes_without_fetching_again(
    sandbox: SandboxServer, runtime: AccountRuntime, tmp_path: Path
) -> None:
    (video, *_rest) = await _indexed(sandbox, runtime, 1, seconds=36_000)
    item = runtime.store.recordings.file(video)
    assert item is not None and item.file_size is not None and item.file_size > 1 << 20
    _set_rate(sandbox, 1_000_000)
    service = _service(runtime, tmp_path / "out")
    halfway = asyncio.Event()

    def on_progress(f: FileProgress, _q: QueueProgress) -> None:
        if f.file_id == video and f.done >= 1 << 20:
            halfway.set()

    service.listen(on_progress)
    await service.enqueue([video])
    run = asyncio.create_task(service.run_queue())
    await asyncio.wait_for(halfway.wait(), 30)
    service.pause()  # as a kill would: the part stays on disk
    await run
    record = runtime.store.recordings.file(video)
    assert record is not None and record.local_state is LocalState.QUEUED
    assert record.local_path is not None
    had = part_path(Path(record.local_path)).stat().st_size
    assert had >= 1 << 20
    _set_rate(sandbox, 0)
    # Two hours later the token has expired: it is renewed, and the rest is fetched.
    sandbox.sandbox.clock.advance(timedelta(hours=2))
    summary = await _service(runtime, tmp_path / "out").run_queue()
    assert summary.verified == 1
    assert summary.bytes == item.file_size - had
    data = _read(Path(record.local_path))
    assert data == media.content(sandbox.sandbox.state.recording_files[video])


async def test_web_pages_short_and_corrupt_answers_are_caught_and_fetched_again(
    sandbox: SandboxServer,
    runtime: AccountRuntime,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = await _indexed(sandbox, runtime, 1)
    real: Callable[..., Response] = routes_recordings._file_answer
    bad = ["html", "short", "corrupt"]

    def answer(item: Any, range_header: str | None, rate: int) -> Response:
        kind = bad.pop(0) if bad and item.file_type == "MP4" else ""
        size = len(media.content(item))
        if kind == "html":
            return Response(b"<html><body>Sign in</body></html>", 200, media_type="text/html")
        if kind == "short":
            return Response(media.content(item)[: size // 2], 200, media_type="video/mp4")
        if kind == "corrupt":
            return Response(b"\0" * size, 200, media_type="video/mp4")
        return real(item, range_header, rate)

    monkeypatch.setattr(routes_recordings, "_file_answer", answer)
    service = _service(runtime, tmp_path / "out")
    await service.enqueue(ids)
    result = await service.run_queue()
    assert bad == []
    assert result.verified == len(ids) and result.failed == []
    for fid in ids:
        record = runtime.store.recordings.file(fid)
        assert record is not None and record.local_path is not None
        content = media.content(sandbox.sandbox.state.recording_files[fid])
        assert _read(Path(record.local_path)) == content


async def test_a_different_existing_file_is_never_overwritten(
    sandbox: SandboxServer, runtime: AccountRuntime, tmp_path: Path
) -> None:
    ids = await _indexed(sandbox, runtime, 1)
    service = _service(runtime, tmp_path / "out")
    first = runtime.store.recordings.file(ids[0])
    record = runtime.store.recordings.get(first.meeting_uuid) if first else None
    assert first is not None and record is not None
    target = service.destination(record, first)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"someone else's file")
    await service.enqueue(ids)
    await service.run_queue()
    assert target.read_bytes() == b"someone else's file"
    again = runtime.store.recordings.file(ids[0])
    assert again is not None and again.local_path is not None
    assert Path(again.local_path).name.endswith(" (2)" + target.suffix)


async def test_the_token_and_signed_links_never_reach_a_log(
    sandbox: SandboxServer, runtime: AccountRuntime, tmp_path: Path
) -> None:
    root = logging.getLogger()
    level = root.level
    handler = setup_logging(tmp_path / "logs", level=logging.DEBUG)
    try:
        ids = await _indexed(sandbox, runtime, 2)
        service = _service(runtime, tmp_path / "out")
        await service.enqueue(ids)
        await service.run_queue()
    finally:
        root.removeHandler(handler)
        handler.close()
        root.setLevel(level)
    text = (tmp_path / "logs" / LOG_NAME).read_text(encoding="utf-8")
    token = await runtime.account.client.tokens.bearer()
    assert "/rec/storage/" in text  # the redirects were logged (by httpcore) ...
    assert token not in text
    assert re.search(r"signature=[0-9a-f]", text) is None  # ... without their signatures


async def test_a_vanished_recording_and_an_unwritable_folder_fail_plainly(
    sandbox: SandboxServer, runtime: AccountRuntime, tmp_path: Path
) -> None:
    ids = await _indexed(sandbox, runtime, 2)
    first = runtime.store.recordings.file(ids[0])
    assert first is not None
    sandbox.sandbox.state.recordings[first.meeting_uuid].deleted = True
    service = _service(runtime, tmp_path / "out")
    await service.enqueue(ids)
    summary = await service.run_queue()
    gone = [
        f.id
        for r in runtime.store.recordings.all()
        for f in r.files
        if r.uuid == first.meeting_uuid
    ]
    assert {f["file"] for f in summary.failed} == {Path(service.files[f].name).name for f in gone}
    assert all("recording" in f["reason"].lower() for f in summary.failed)
    assert summary.verified == len(ids) - len(gone)
    states = {f.local_state for r in runtime.store.recordings.all() for f in r.files}
    assert states == {LocalState.VERIFIED, LocalState.FAILED}
    # A download folder that is a file: the queue says so and stays consistent.
    blocked = tmp_path / "blocked"
    _write(blocked, b"not a folder")
    runtime.store.recordings.set_local(ids, LocalState.QUEUED, path="")
    stuck = _service(runtime, blocked)
    result = await stuck.run_queue()
    assert result.verified == 0
    reasons = [f["reason"] for f in result.failed]
    assert sum("could not be written" in r for r in reasons) == len(ids) - len(gone)
    left = {f.local_state for r in runtime.store.recordings.all() for f in r.files}
    assert left == {LocalState.FAILED}


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)
