"""Cloud recordings: listings in one-month windows, deletion, recovery and file downloads."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from datetime import date
from pathlib import Path
from typing import Any

from zoomadmin.zoom.client_base import ClientBase, page_params, parse_page
from zoomadmin.zoom.downloads import Downloader, Progress, content_check
from zoomadmin.zoom.errors import NoPrivilege, ZoomError
from zoomadmin.zoom.models import Page, Recording, RecordingFile
from zoomadmin.zoom.paging import iterate_pages, month_windows

MEETING_RECORDINGS = "/meetings/{meetingId}/recordings"


class RecordingsApi(ClientBase):
    """Endpoints of the Cloud Recording API that zoomadmin uses."""

    async def _windows(
        self, template: str, path: dict[str, str | int] | None, start: date, end: date
    ) -> AsyncIterator[Recording]:
        seen: set[str] = set()
        for first, last in month_windows(start, end):
            extra = {"from": first.isoformat(), "to": last.isoformat()}
            async for recording in self._listing(template, path, extra):
                # A recording near a window edge must not be reported twice.
                if recording.uuid not in seen:
                    seen.add(recording.uuid)
                    yield recording

    def _listing(
        self, template: str, path: dict[str, str | int] | None, extra: dict[str, Any]
    ) -> AsyncIterator[Recording]:
        async def fetch(token: str) -> Page[Recording]:
            data = await self._json("GET", template, path=path, params=page_params(token, extra))
            return parse_page(data, "meetings", Recording.model_validate)

        return iterate_pages(fetch)

    def iter_recordings(
        self, user_id: str, start: date, end: date, trash: bool = False
    ) -> AsyncIterator[Recording]:
        """A host's recordings from ``start`` to ``end`` (UTC dates, inclusive), in windows.

        With ``trash`` the host's trash is listed instead; Zoom cannot filter it by date.
        """
        path: dict[str, str | int] = {"userId": user_id}
        if trash:
            return self._listing("/users/{userId}/recordings", path, {"trash": "true"})
        return self._windows("/users/{userId}/recordings", path, start, end)

    def iter_account_recordings(self, start: date, end: date) -> AsyncIterator[Recording]:
        """Every recording of the account from ``start`` to ``end``, in one-month windows."""
        return self._windows("/accounts/me/recordings", None, start, end)

    async def get_meeting_recordings(self, meeting_id_or_uuid: int | str) -> Recording:
        """The recording of a meeting (id = latest instance, UUID = that instance)."""
        data = await self._json("GET", MEETING_RECORDINGS, path={"meetingId": meeting_id_or_uuid})
        return Recording.model_validate(data)

    async def delete_recordings(self, meeting_id_or_uuid: int | str, action: str = "trash") -> None:
        """Move all of a meeting's recording files to the trash (or ``delete`` them)."""
        await self._checked(
            "DELETE", MEETING_RECORDINGS, {"meetingId": meeting_id_or_uuid}, {"action": action}
        )

    async def delete_recording_file(
        self, meeting_id_or_uuid: int | str, recording_id: str, action: str = "trash"
    ) -> None:
        """Move one recording file to the trash (or ``delete`` it)."""
        await self._checked(
            "DELETE",
            MEETING_RECORDINGS + "/{recordingId}",
            {"meetingId": meeting_id_or_uuid, "recordingId": recording_id},
            {"action": action},
        )

    async def recover_recordings(self, meeting_uuid: int | str) -> None:
        """Bring a meeting's recordings back from the trash (within 30 days)."""
        await self._checked(
            "PUT",
            MEETING_RECORDINGS + "/status",
            {"meetingId": meeting_uuid},
            None,
            json={"action": "recover"},
        )

    async def _checked(
        self,
        method: str,
        template: str,
        path: dict[str, str | int],
        params: dict[str, Any] | None,
        json: Any = None,
    ) -> None:
        data = await self._json(method, template, path=path, params=params, json=json)
        # Zoom quirk: some recording calls answer HTTP 200 with an error body.
        code, message = data.get("code"), str(data.get("message", ""))
        if isinstance(code, int) and message:
            kind = NoPrivilege if code == 200 else ZoomError
            raise kind(f"Zoom refused: {message}", code=code, http_status=200)

    async def download(
        self,
        file: RecordingFile,
        dest: Path,
        progress: Progress | None = None,
        *,
        token: str | None = None,
        transfers: AbstractAsyncContextManager[object] | None = None,
    ) -> Path:
        """Download one recording file to ``dest`` (resumable, size-checked, renamed at the end).

        ``token`` may be a ``download_access_token`` or a webhook ``download_token``;
        by default the account's own token is used. ``transfers`` is held while bytes are
        fetched (see :meth:`Downloader.download`).
        """
        if not file.download_url:
            raise ZoomError("This recording file has no download link (it may be processing).")
        return await Downloader(self.transport).download(
            file.download_url,
            dest,
            expected_size=file.file_size,
            progress=progress,
            token=token,
            label=f"{file.file_type or 'recording'} file",
            check=content_check(file.file_type),
            transfers=transfers,
        )
