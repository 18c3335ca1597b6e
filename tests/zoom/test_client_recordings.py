"""Recordings: one-month windows across any range, every page, trash and recovery, downloads."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import SANDBOX_START
from tests.zoom.conftest import SLASHY, add_recording, add_users, client_for
from zoomadmin.sandbox import SandboxServer, media
from zoomadmin.zoom import downloads
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.downloads import part_path
from zoomadmin.zoom.errors import NotFound

SLASHY_UUID = SLASHY


async def test_a_long_range_is_listed_in_month_windows(
    sandbox: SandboxServer, zoom: ZoomClient
) -> None:
    (host,) = add_users(sandbox, 1)
    starts = [SANDBOX_START - timedelta(days=d) for d in (1, 29, 31, 58, 95, 140, 170)]
    made = {add_recording(sandbox, host, s) for s in starts}
    first, last = date(2025, 9, 1), SANDBOX_START.date()
    mine = {r.uuid async for r in zoom.iter_recordings(host, first, last)}
    assert mine == made
    everyone = {r.uuid async for r in zoom.iter_account_recordings(first, last)}
    assert made <= everyone


async def test_more_than_one_page_in_a_window(sandbox: SandboxServer, zoom: ZoomClient) -> None:
    hosts = add_users(sandbox, 4)
    made = {
        add_recording(sandbox, hosts[n % 4], SANDBOX_START - timedelta(days=2, minutes=n))
        for n in range(340)
    }
    day = (SANDBOX_START - timedelta(days=3)).date()
    listed = [r.uuid async for r in zoom.iter_account_recordings(day, SANDBOX_START.date())]
    assert len(listed) == len(set(listed))
    assert set(listed) == made


async def test_uuid_with_slashes_is_double_encoded(
    sandbox: SandboxServer, zoom: ZoomClient
) -> None:
    (host,) = add_users(sandbox, 1)
    add_recording(sandbox, host, SANDBOX_START - timedelta(days=1), uuid=SLASHY_UUID)
    recording = await zoom.get_meeting_recordings(SLASHY_UUID)
    assert recording.uuid == SLASHY_UUID
    assert {f.file_type for f in recording.recording_files} == {"MP4", "TRANSCRIPT"}


async def test_trash_and_recover(sandbox: SandboxServer, zoom: ZoomClient) -> None:
    (host,) = add_users(sandbox, 1)
    uuid = add_recording(sandbox, host, SANDBOX_START - timedelta(days=1))
    today = SANDBOX_START.date()
    await zoom.delete_recordings(uuid)
    assert [
        r.uuid async for r in zoom.iter_recordings(host, today - timedelta(days=7), today)
    ] == []
    trashed = [r.uuid async for r in zoom.iter_recordings(host, today, today, trash=True)]
    assert trashed == [uuid]
    await zoom.recover_recordings(uuid)
    back = [r async for r in zoom.iter_recordings(host, today - timedelta(days=7), today)]
    assert [r.uuid for r in back] == [uuid]
    transcript = next(f for f in back[0].recording_files if f.file_type == "TRANSCRIPT")
    await zoom.delete_recording_file(uuid, transcript.id)
    again = await zoom.get_meeting_recordings(uuid)
    assert [f.file_type for f in again.recording_files] == ["MP4"]


async def test_download_is_verified_and_resumes(
    sandbox: SandboxServer, zoom: ZoomClient, tmp_path: Path
) -> None:
    (host,) = add_users(sandbox, 1)
    uuid = add_recording(sandbox, host, SANDBOX_START - timedelta(days=1))
    recording = await zoom.get_meeting_recordings(uuid)
    video = next(f for f in recording.recording_files if f.file_type == "MP4")
    expected = media.content(sandbox.sandbox.state.recording_files[video.id])
    assert video.file_size == len(expected)
    dest = tmp_path / "lesson.mp4"
    # Half of it is already on disk from an interrupted run.
    await asyncio.to_thread(part_path(dest).write_bytes, expected[: len(expected) // 2])
    seen: list[tuple[int, int | None]] = []
    path = await zoom.download(video, dest, progress=lambda done, total: seen.append((done, total)))
    assert path == dest
    assert await asyncio.to_thread(dest.read_bytes) == expected
    assert not await asyncio.to_thread(part_path(dest).exists)
    assert seen[0][0] > len(expected) // 2
    assert seen[-1] == (len(expected), len(expected))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


async def test_a_download_never_holds_more_than_one_write_unwritten(
    sandbox: SandboxServer, zoom: ZoomClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a kill can lose of a file (and fetch again) is at most one write's worth."""
    (host,) = add_users(sandbox, 1)
    uuid = add_recording(sandbox, host, SANDBOX_START - timedelta(days=1))
    recording = await zoom.get_meeting_recordings(uuid)
    video = next(f for f in recording.recording_files if f.file_type == "MP4")
    assert video.download_url and video.file_size and video.file_size > 3 * 1000
    writes: list[int] = []
    real_write = downloads._write

    async def counted(fh: Any, buffer: bytearray) -> int:
        writes.append(len(buffer))
        return await real_write(fh, buffer)

    monkeypatch.setattr(downloads, "_write", counted)
    held = asyncio.Semaphore(1)
    fetching: list[bool] = []
    dest = tmp_path / "lesson.mp4"
    await downloads.Downloader(zoom.transport, write_bytes=1000).download(
        video.download_url,
        dest,
        expected_size=video.file_size,
        progress=lambda _done, _total: fetching.append(held.locked()),
        transfers=held,
    )
    assert sum(writes) == video.file_size == dest.stat().st_size
    assert max(writes) == 1000 and len(writes) == -(-video.file_size // 1000)
    # The transfer slot is held while bytes come in, and free once the file is checked.
    assert all(fetching) and not held.locked()


async def test_storage_is_asked_for_the_bytes_only_within_the_transfer_slot(
    sandbox: SandboxServer, zoom: ZoomClient, tmp_path: Path
) -> None:
    """Signed storage starts sending as soon as it is asked: asking it outside the slot let
    twice as many files stream at once as the queue allows."""
    (host,) = add_users(sandbox, 1)
    uuid = add_recording(sandbox, host, SANDBOX_START - timedelta(days=1))
    recording = await zoom.get_meeting_recordings(uuid)
    video = next(f for f in recording.recording_files if f.file_type == "MP4")
    held = asyncio.Semaphore(1)
    asked: list[tuple[bool, bool]] = []

    async def note(request: httpx.Request) -> None:
        asked.append(("authorization" in request.headers, held.locked()))

    zoom.transport.http.event_hooks["request"].append(note)
    await zoom.download(video, tmp_path / "lesson.mp4", transfers=held)
    # Zoom's link (with the token) outside the slot; signed storage (no token) within it.
    assert asked[-2:] == [(True, False), (False, True)]


async def test_download_survives_faults(
    sandbox: SandboxServer, tmp_path: Path, admin: Callable[..., dict[str, Any]]
) -> None:
    (host,) = add_users(sandbox, 1)
    uuid = add_recording(sandbox, host, SANDBOX_START - timedelta(days=1), minutes=3)
    async with client_for(sandbox) as zoom:
        recording = await zoom.get_meeting_recordings(uuid)
        admin("PUT", "/faults", json={"spec": "5xx=0.3,drop=0.2,seed=2"})
        for item in recording.recording_files:
            dest = tmp_path / f"{item.id}.{item.file_extension.lower()}"
            await zoom.download(item, dest)
            data = await asyncio.to_thread(dest.read_bytes)
            assert data == media.content(sandbox.sandbox.state.recording_files[item.id])


async def test_missing_file_is_not_found_without_url_or_token(
    sandbox: SandboxServer, zoom: ZoomClient, tmp_path: Path
) -> None:
    (host,) = add_users(sandbox, 1)
    uuid = add_recording(sandbox, host, SANDBOX_START - timedelta(days=1))
    recording = await zoom.get_meeting_recordings(uuid)
    video = recording.recording_files[0]
    await zoom.delete_recordings(uuid, action="delete")
    with pytest.raises(NotFound) as caught:
        await zoom.download(video, tmp_path / "gone.mp4")
    token = await zoom.tokens.bearer()
    for text in (str(caught.value), repr(caught.value)):
        assert token not in text
        assert "/rec/download" not in text


async def test_download_sends_the_token_only_in_the_header_and_never_logs_it(
    sandbox: SandboxServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    (host,) = add_users(sandbox, 1)
    uuid = add_recording(sandbox, host, SANDBOX_START - timedelta(days=1), minutes=3)
    sent: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        sent.append(request)

    http = httpx.AsyncClient(event_hooks={"request": [record]})
    async with http, client_for(sandbox, http=http) as zoom:
        recording = await zoom.get_meeting_recordings(uuid)
        video = recording.recording_files[0]
        await zoom.download(video, tmp_path / "lesson.mp4")
        token = await zoom.tokens.bearer()
    downloads = [r for r in sent if r.url.path.startswith("/rec/download")]
    assert downloads
    for request in downloads:
        assert token not in str(request.url)
        assert request.headers["authorization"] == f"Bearer {token}"
    logged = caplog.text + "".join(repr(r.args) for r in caplog.records)
    assert token not in logged
    # Nor the file's address, or any request's query: httpx's own request lines are off.
    assert video.download_url not in logged
    assert "page_size=" not in logged
