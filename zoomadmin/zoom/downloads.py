"""Resumable, verified downloads of recording files, with the token in the header only.

Zoom answers a download with a redirect to signed storage; the signed link carries its own
authorisation, so the token is never sent after a redirect (whatever host it points to).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import struct
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urljoin

import httpx

from zoomadmin.zoom.errors import ZoomError, ZoomUnavailable, error_from_response
from zoomadmin.zoom.transport import Transport

log = logging.getLogger(__name__)

#: progress(bytes on disk, total bytes or None when Zoom did not say)
Progress = Callable[[int, int | None], None]
#: check(path) -> what is wrong with the file's content, or None when it looks right
ContentCheck = Callable[[Path], str | None]

WRITE_BYTES = 1024 * 1024
"""Bytes received before they are written to the ``.part`` file, never more: what a kill can
lose of each file in flight (and so fetch again on resume). Big enough that a write costs
little next to the transfer, small next to a recording."""
_MAX_REDIRECTS = 5
_NO_LIMIT = contextlib.nullcontext()
_AGAIN = -1
"""An attempt that should simply be made again from Zoom's link (a signed link expired)."""


class IncompleteDownload(ZoomError):  # noqa: N818 - named for what the user sees
    """The file on disk does not have the size Zoom announced."""

    default_message = "The downloaded file is incomplete; it will be downloaded again."


class NotARecordingFile(ZoomError):  # noqa: N818 - named for what the user sees
    """Zoom answered with something else than the file (a web page, or damaged content)."""

    default_message = (
        "Zoom answered with a web page or damaged data instead of the recording file; it may "
        "have been deleted in Zoom, or the account may not be allowed to download it."
    )


class DestinationExists(ZoomError):  # noqa: N818 - named for what the user sees
    """Another file already has the name the download was to get."""

    default_message = "A different file already exists under this name; it was not overwritten."


def part_path(dest: Path) -> Path:
    """Where an unfinished download of ``dest`` is kept (``name.part`` beside it)."""
    return dest.with_name(dest.name + ".part")


class Downloader:
    """Streams one URL to ``dest``: into ``.part``, resuming with HTTP Range, then renamed.

    The bearer token goes only into the ``Authorization`` header of the request to Zoom
    (never the URL, never a redirect's target), and neither the URL nor the token reaches a
    log line or an error message. A web page instead of the file, a short or long file and
    content that fails ``check`` are each fetched again, a bounded number of times.
    """

    def __init__(self, transport: Transport, *, write_bytes: int = WRITE_BYTES) -> None:
        self._t = transport
        self._write_bytes = write_bytes

    async def download(
        self,
        url: str,
        dest: Path,
        *,
        expected_size: int | None = None,
        progress: Progress | None = None,
        token: str | None = None,
        label: str = "recording file",
        check: ContentCheck | None = None,
        transfers: AbstractAsyncContextManager[object] | None = None,
    ) -> Path:
        """Download ``url`` to ``dest`` and return ``dest`` once complete and verified.

        ``transfers`` (a semaphore, say) is held only while the file's bytes come in, so a
        queue of N parallel transfers asks Zoom for the next file's link, and checks and
        renames the last one, while a file is coming.
        """
        part = part_path(dest)
        failures = 0
        renewed = False
        while True:
            bearer = token or await self._t.tokens.bearer()
            try:
                status = await self._attempt(
                    url, part, bearer, expected_size, progress, transfers=transfers or _NO_LIMIT
                )
            except httpx.TransportError as exc:
                failures = await self._retry(failures, label, type(exc).__name__)
                continue
            except NotARecordingFile as exc:
                failures = await self._retry(failures, label, "a web page", exc)
                continue
            if status == 401 and token is None and not renewed:
                renewed = True
                self._t.tokens.invalidate(bearer)
                continue
            if status >= 500 or status == _AGAIN:
                failures = await self._retry(failures, label, f"HTTP {status}")
                continue
            problem, error = await asyncio.to_thread(_verify, part, expected_size, check)
            if problem:
                failures = await self._retry(failures, label, problem, error)
                continue
            return await asyncio.to_thread(_publish, part, dest)

    async def _retry(
        self, failures: int, label: str, why: str, final: ZoomError | None = None
    ) -> int:
        failures += 1
        if failures >= self._t.retry.max_attempts:
            raise final or ZoomUnavailable(f"The download of a {label} kept failing ({why}).")
        log.info("Download of a %s interrupted (%s); trying again", label, why)
        await self._t.sleep(self._t.backoff(failures))
        return failures

    async def _attempt(
        self,
        url: str,
        part: Path,
        bearer: str,
        expected_size: int | None,
        progress: Progress | None,
        *,
        transfers: AbstractAsyncContextManager[object],
    ) -> int:
        """One request (and its redirects); its status once handled (raises when final)."""
        offset = await asyncio.to_thread(_size_on_disk, part)
        if expected_size is not None and offset > expected_size:
            offset = 0
        if expected_size is not None and offset == expected_size and offset > 0:
            return 200
        headers = {"Authorization": f"Bearer {bearer}"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
        # Zoom's own link answers with a redirect to signed storage: asked outside the
        # transfer slot, so the next file's link is known while another file comes in.
        async with self._t.http.stream("GET", url, headers=headers) as r:
            if not (r.is_redirect and "location" in r.headers):
                async with transfers:
                    return await self._answer(
                        r, part, offset, expected_size, progress, redirected=False
                    )
            target = urljoin(str(r.url), r.headers["location"])
        # The signed link needs no token: it never goes to storage. Its bytes come in
        # within the slot (the request too: storage starts sending as soon as it is asked).
        storage = {"Range": f"bytes={offset}-"} if offset else {}
        async with transfers:
            for _ in range(_MAX_REDIRECTS):
                async with self._t.http.stream("GET", target, headers=storage) as r:
                    if r.is_redirect and "location" in r.headers:
                        target = urljoin(str(r.url), r.headers["location"])
                        continue
                    return await self._answer(
                        r, part, offset, expected_size, progress, redirected=True
                    )
        return _AGAIN

    async def _answer(
        self,
        r: httpx.Response,
        part: Path,
        offset: int,
        expected_size: int | None,
        progress: Progress | None,
        *,
        redirected: bool,
    ) -> int:
        if r.status_code == 401 and not redirected:
            return 401
        if r.status_code >= 500:
            return r.status_code
        if redirected and r.status_code in (401, 403):
            return _AGAIN  # the signed link expired: ask Zoom for a new one
        if r.status_code == 416 and offset:
            # Asked past the end: what we have is all there is; size is checked after.
            return 200
        if r.status_code not in (200, 206):
            await r.aread()
            raise error_from_response(r)
        resume = r.status_code == 206
        total = _total_size(r, offset if resume else 0) or expected_size
        if _is_web_page(r) or (expected_size is not None and total not in (None, expected_size)):
            await r.aclose()
            raise NotARecordingFile()
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
            # Network reads as they come, gathered into writes of exactly ``write_bytes``
            # (the last one shorter): a kill never loses more than one write's worth.
            async for chunk in response.aiter_bytes():
                view = memoryview(chunk)
                while view:
                    room = self._write_bytes - len(buffer)
                    buffer += view[:room]
                    view = view[room:]
                    if len(buffer) >= self._write_bytes:
                        done += await _write(fh, buffer)
                        buffer = bytearray()
                        if progress:
                            progress(done, total)
            done += await _write(fh, buffer)
            if progress:
                progress(done, total)
        finally:
            await asyncio.to_thread(fh.close)


def _is_web_page(response: httpx.Response) -> bool:
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    return kind in ("text/html", "application/xhtml+xml")


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


async def _write(fh: BinaryIO, buffer: bytearray) -> int:
    """Write ``buffer`` (which the caller then drops, so it is not copied) on a worker thread."""
    if buffer:
        await asyncio.to_thread(fh.write, buffer)
    return len(buffer)


def _total_size(response: httpx.Response, offset: int) -> int | None:
    content_range = response.headers.get("content-range", "")
    if "/" in content_range:
        total = content_range.rsplit("/", 1)[1]
        if total.isdigit():
            return int(total)
    length = response.headers.get("content-length")
    return offset + int(length) if length and length.isdigit() else None


def _verify(
    part: Path, expected_size: int | None, check: ContentCheck | None
) -> tuple[str | None, ZoomError | None]:
    """What is wrong with the finished ``.part`` (a wrong part is removed unless short)."""
    size = part.stat().st_size if part.exists() else -1
    if expected_size is not None and size != expected_size:
        if size > expected_size:
            part.unlink()
        return f"{size} of {expected_size} bytes", IncompleteDownload()
    problem = check(part) if check is not None else None
    if problem:
        part.unlink()
        return problem, NotARecordingFile()
    return None, None


def _publish(part: Path, dest: Path) -> Path:
    """Rename ``part`` to ``dest`` atomically, never over a different file."""
    with part.open("rb") as fh:
        os.fsync(fh.fileno())
    try:
        os.link(part, dest)
    except FileExistsError as exc:
        raise DestinationExists() from exc
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if dest.exists():  # a file system without hard links (FAT, some shares)
            raise DestinationExists() from exc
        os.replace(part, dest)
        return dest
    part.unlink()
    return dest


# -- content checks ---------------------------------------------------------------------------

_TOP_BOXES = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"uuid", b"pnot", b"meta"}
_WEB_PAGE_STARTS = (b"<!doctype html", b"<html", b"<?xml", b'{"code"')


def mp4_problem(path: Path) -> str | None:
    """Whether ``path`` is a sane MP4/M4A: top-level boxes that end exactly at the file's end,
    starting with ``ftyp``, with a ``moov`` and an ``mdat``.
    """
    size = path.stat().st_size
    seen: list[bytes] = []
    with path.open("rb") as fh:
        offset = 0
        while offset < size:
            fh.seek(offset)
            header = fh.read(16)
            if len(header) < 8:
                return "a truncated MP4 box"
            length, kind = struct.unpack(">I4s", header[:8])
            if length == 1 and len(header) == 16:
                length = struct.unpack(">Q", header[8:16])[0]
            elif length == 0:
                length = size - offset
            if kind not in _TOP_BOXES or length < 8:
                return "not an MP4 file"
            seen.append(kind)
            offset += length
    if offset != size or not seen or seen[0] != b"ftyp":
        return "not an MP4 file"
    if b"moov" not in seen or b"mdat" not in seen:
        return "an MP4 file without its media"
    return None


def text_problem(path: Path, *, vtt: bool = False) -> str | None:
    """Whether ``path`` is UTF-8 text (a WebVTT file with ``vtt``), not a web page."""
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
    lowered = head.lstrip().lower()
    if lowered.startswith(_WEB_PAGE_STARTS):
        return "a web page, not the file"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a character cut at the 1 MiB boundary is fine
            return "not UTF-8 text"
    if vtt and not head.removeprefix(b"\xef\xbb\xbf").startswith(b"WEBVTT"):
        return "not a WebVTT file"
    return None


def content_check(file_type: str) -> ContentCheck | None:
    """The check for a Zoom ``file_type`` (None: size only)."""
    kind = file_type.upper()
    if kind in ("MP4", "M4A"):
        return mp4_problem
    if kind in ("TRANSCRIPT", "CC"):
        return lambda path: text_problem(path, vtt=True)
    if kind in ("CHAT", "CSV", "SUMMARY", "TIMELINE", "CHAT_MESSAGE"):
        return text_problem
    return None
