"""Recordings as Zoom shows them: one serialiser for the HTTP answers and recording.completed."""

from __future__ import annotations

from typing import Any

from zoomadmin.sandbox.state import Recording, RecordingFile, SandboxState
from zoomadmin.sandbox.wire import iso


def file_json(base: str, item: RecordingFile, *, trash: bool) -> dict[str, Any]:
    """One entry of ``recording_files[]``."""
    out: dict[str, Any] = {
        "id": item.id,
        "meeting_id": item.meeting_uuid,
        "recording_start": iso(item.recording_start),
        "recording_end": iso(item.recording_end),
        "file_type": item.file_type,
        "file_extension": item.file_extension,
        "file_size": item.file_size,
        "status": item.status,
        "recording_type": item.recording_type,
    }
    if item.status == "completed":
        # A file Zoom is still processing has no links yet.
        out["play_url"] = f"{base}/rec/play/{item.id}"
        out["download_url"] = f"{base}/rec/download/{item.id}"
    if trash:
        out["deleted_time"] = iso(item.deleted_time)
    return out


def recording_json(
    state: SandboxState, base_url: str, rec: Recording, *, trash: bool = False
) -> dict[str, Any]:
    """A recording as list and get answer it and ``recording.completed`` carries it.

    ``trash`` selects the files in the trash (else the others) and adds their ``deleted_time``.
    """
    host = state.users.get(rec.host_id)
    files = [f for f in rec.files if (f.deleted_time is not None) == trash or rec.trashed_at]
    return {
        "uuid": rec.uuid,
        "id": rec.meeting_id,
        "account_id": state.account.account_id,
        "host_id": rec.host_id,
        "host_email": host.email if host else "",
        "topic": rec.topic,
        "type": rec.type,
        "start_time": iso(rec.start_time),
        "timezone": rec.timezone,
        "duration": rec.duration,
        "total_size": sum(f.file_size for f in files),
        "recording_count": len(files),
        "share_url": rec.share_url,
        "password": rec.password,
        "recording_play_passcode": rec.password,
        "auto_delete": False,
        "recording_files": [file_json(base_url, f, trash=trash) for f in files],
        "participant_audio_files": [],
    }
