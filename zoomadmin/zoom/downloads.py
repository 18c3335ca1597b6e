"""Resumable, verified downloads of recording files, with the token in the header only."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import httpx

from zoomadmin.zoom.errors import ZoomError, ZoomUnavailable, error_from_response
from zoomadmin.zoom.transport import Transport

log = logging.getLogger(__name__)

#: progress(bytes on disk, total bytes or None when Zoom did not say)
Progress = Callable[[int, int | None], None]

_FLUSH_BYTES = 1 << 20


class IncompleteDownload(ZoomError):  # noqa: N818 - named for what the user sees
    """The file on disk does not have the size Zoom announced."""

    default_message = "The downloaded file is incomplete; it will be downloaded again."


def part_path(dest: Path) -> Path:
    """Where an unfinished download of ``dest`` is kept (``name.part`` beside it)."""
    return dest.with_name(dest.name + ".part")


class Downloader:
    """Streams one URL to ``dest``: into ``.part``, resuming with HTTP Range, then renamed.

    The bearer token goes only into the ``Authorization`` header (never the URL), and
    neither the URL nor the token reaches a log line or an error message.
    """

    def __init__(self, transport: Transport, *, chunk_size: int = 256 * 1024) -> None:
        self._t = transport
        self._chunk_size = chunk_size

    async def download(
        self,
        url: str,
        dest: Path,
        *,
        expected_size: int | None = None,
        progress: Progress | None = None,
        token: str | None = None,
        label: str = "recording file",
    ) -> Path:
        """Download ``url`` to ``dest`` and return ``dest`` once complete and verified."""
        part = part_path(dest)
        failures = 0
        renewed = False
        while True:
            bearer = token or await self._t.tokens.bearer()
            try:
                status = await self._attempt(url, part, bearer, expected_size, progress)
            except httpx.TransportError as exc:
                failures = await self._retry(failures, label, type(exc).__name__)
                continue
            if status == 401 and token is None and not renewed:
                renewed = True
                self._t.tokens.invalidate(bearer)
                continue
            if status >= 500:
                failures = await self._retry(failures, label, f"HTTP {status}")
                continue
            break
        return await asyncio.to_thread(_finish, part, dest, expected_size)

    async def _retry(self, failures: int, label: str, why: str) -> int:
        failures += 1
        if failures >= self._t.retry.max_attempts:
            raise ZoomUnavailable(f"The download of a {label} kept failing ({why}).")
        log.info("Download of a %s interrupted (%s); resuming", label, why)
        await self._t.sleep(self._t.backoff(failures))
        return failures

    async def _attempt(
        self,
        url: str,
        part: Path,
        bearer: str,
        expected_size: int | None,
        progress: Progress | None,
    ) -> int:
        """One request; returns its status once handled (raises for a final refusal)."""
        offset = await asyncio.to_thread(_size_on_disk, part)
        if expected_size is not None and offset > expected_size:
            offset = 0
        if expected_size is not None and offset == expected_size and offset > 0:
            return 200
        headers = {"Authorization": f"Bearer {bearer}"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
        async with self._t.http.stream("GET", url, headers=headers, follow_redirects=True) as r:
            if r.status_code == 401 or r.status_code >= 500:
                return r.status_code
            if r.status_code == 416 and offset:
                # Asked past the end: what we have is all there is; size is checked after.
                return 200
            if r.status_code not in (200, 206):
                await r.aread()
                raise error_from_response(r)
            resume = r.status_code == 206
            total = _total_size(r, offset if resume else 0) or expected_size
            await self._stream(r, part, offset if resume else 0, total, progress)
        return 200

    async def _stream(
        self,
        response: httpx.Response,
        part: Path,
        offset: int,
        total: int | None,
        progress: Progress | None,
    ) -> None:
        done = offset
        buffer = bytearray()
        fh = await asyncio.to_thread(_open, part, offset)
        try:
            async for chunk in response.aiter_bytes(self._chunk_size):
                buffer.extend(chunk)
                if len(buffer) >= _FLUSH_BYTES:
                    done += await _flush(fh, buffer)
                    if progress:
                        progress(done, total)
            done += await _flush(fh, buffer)
            if progress:
                progress(done, total)
        finally:
            await asyncio.to_thread(fh.close)


def _size_on_disk(part: Path) -> int:
    return part.stat().st_size if part.exists() else 0


def _open(part: Path, offset: int) -> BinaryIO:
    part.parent.mkdir(parents=True, exist_ok=True)
    if offset:
        fh = part.open("r+b")
        fh.seek(offset)
        fh.truncate()
        return fh
    return part.open("wb")


async def _flush(fh: BinaryIO, buffer: bytearray) -> int:
    size = len(buffer)
    if size:
        data = bytes(buffer)
        buffer.clear()
        await asyncio.to_thread(fh.write, data)
    return size


def _total_size(response: httpx.Response, offset: int) -> int | None:
    content_range = response.headers.get("content-range", "")
    if "/" in content_range:
        total = content_range.rsplit("/", 1)[1]
        if total.isdigit():
            return int(total)
    length = response.headers.get("content-length")
    return offset + int(length) if length and length.isdigit() else None


def _finish(part: Path, dest: Path, expected_size: int | None) -> Path:
    size = part.stat().st_size if part.exists() else -1
    if expected_size is not None and size != expected_size:
        if size > expected_size:
            part.unlink()
        raise IncompleteDownload()
    with part.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(part, dest)
    return dest
