"""Meetings as Zoom renders them (create/get/list shapes) and lookups by id or instance UUID."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from zoomadmin.sandbox import errors
from zoomadmin.sandbox.recurrence import occurrences
from zoomadmin.sandbox.state import Meeting, Occurrence, SandboxState
from zoomadmin.sandbox.wire import iso

if TYPE_CHECKING:
    from zoomadmin.sandbox.world import Sandbox

#: Settings a meeting carries unless the request says otherwise.
DEFAULT_MEETING_SETTINGS: dict[str, Any] = {
    "host_video": True,
    "participant_video": True,
    "cn_meeting": False,
    "in_meeting": False,
    "join_before_host": False,
    "jbh_time": 0,
    "mute_upon_entry": False,
    "watermark": False,
    "use_pmi": False,
    "approval_type": 2,
    "audio": "both",
    "auto_recording": "none",
    "waiting_room": True,
    "alternative_hosts": "",
    "alternative_hosts_email_notification": True,
    "meeting_authentication": False,
    "enforce_login": False,
    "enforce_login_domains": "",
    "private_meeting": False,
    "email_notification": True,
    "registrants_email_notification": True,
    "focus_mode": False,
    "encryption_type": "enhanced_encryption",
    "continuous_meeting_chat": {"enable": False},
}


def decode_meeting_key(raw: str) -> str:
    """A meeting id or UUID from the path, decoded once more when it was double-encoded."""
    # Zoom quirk: UUIDs with "/" must be double-encoded; the server has decoded once already.
    return unquote(raw) if "%" in raw else raw


#: Meeting numbers are int64 at Zoom: at most 19 digits.
_MAX_NUMBER_DIGITS = 19


def meeting_number(key: str) -> int | None:
    """``key`` as a meeting number when it is one (ASCII digits, int64-sized), else None.

    ``str.isdigit`` alone also accepts "²" or "①", which ``int()`` refuses.
    """
    if key.isascii() and key.isdigit() and len(key) <= _MAX_NUMBER_DIGITS:
        return int(key)
    return None


def find_meeting(state: SandboxState, raw: str) -> Meeting:
    """A live (not deleted) meeting by number, or by the UUID of one of its instances."""
    key = decode_meeting_key(raw)
    meeting: Meeting | None = None
    number = meeting_number(key)
    if number is not None:
        meeting = state.meetings.get(number)
    else:
        meeting_id = _meeting_of_uuid(state, key)
        meeting = state.meetings.get(meeting_id) if meeting_id is not None else None
    if meeting is None or meeting.deleted:
        raise errors.meeting_not_found(key)
    return meeting


def _meeting_of_uuid(state: SandboxState, key: str) -> int | None:
    past = state.past.get(key)
    if past is not None:
        return past.meeting_id
    for live in state.live.values():
        if live.uuid == key:
            return live.meeting_id
    return state.meeting_by_uuid.get(key)


def _encrypted(meeting: Meeting) -> str:
    digest = hashlib.sha256(f"{meeting.id}:{meeting.password}".encode()).hexdigest()
    return digest[:32]


def join_url(base: str, meeting: Meeting) -> str:
    """The participant join link (passcode embedded, as Zoom does by default)."""
    suffix = f"?pwd={_encrypted(meeting)}" if meeting.password else ""
    return f"{base}/j/{meeting.id}{suffix}"


def start_url(base: str, meeting: Meeting, now: datetime) -> str:
    """The host start link; its token is valid for two hours (as Zoom's is)."""
    expires = int((now + timedelta(hours=2)).timestamp())
    token = hashlib.sha256(f"{meeting.id}:{meeting.host_id}:{expires}".encode()).hexdigest()
    return f"{base}/s/{meeting.id}?zak={token[:40]}&exp={expires}"


def occurrence_json(occ: Occurrence) -> dict[str, Any]:
    """One entry of ``occurrences[]``."""
    return {
        "occurrence_id": occ.occurrence_id,
        "start_time": iso(occ.start_time),
        "duration": occ.duration,
        "status": occ.status,
    }


def meeting_status(state: SandboxState, meeting: Meeting) -> str:
    """``started`` while an instance is live, else ``waiting``."""
    return "started" if meeting.id in state.live else "waiting"


def meeting_json(
    sandbox: Sandbox, meeting: Meeting, *, all_occurrences: bool = True
) -> dict[str, Any]:
    """A meeting as create (201) and get return it."""
    state = sandbox.state
    host = state.users.get(meeting.host_id)
    now = sandbox.clock.now()
    out: dict[str, Any] = {
        "uuid": meeting.uuid,
        "id": meeting.id,
        "host_id": meeting.host_id,
        "host_email": host.email if host else "",
        "assistant_id": "",
        "topic": meeting.topic,
        "type": meeting.type,
        "status": meeting_status(state, meeting),
        "timezone": meeting.timezone,
        "agenda": meeting.agenda,
        "created_at": iso(meeting.created_at),
        "start_url": start_url(sandbox.base_url, meeting, now),
        "join_url": join_url(sandbox.base_url, meeting),
        "password": meeting.password,
        "h323_password": meeting.password,
        "pstn_password": meeting.password,
        "encrypted_password": _encrypted(meeting),
        "pre_schedule": False,
        # Zoom answers with the whole settings object, defaults included, whatever was stored.
        "settings": {**DEFAULT_MEETING_SETTINGS, **meeting.settings},
        "creation_source": "open_api",
    }
    if meeting.type != 3 and meeting.start_time is not None:
        out["start_time"] = iso(meeting.start_time)
        out["duration"] = meeting.duration
    if meeting.recurrence is not None:
        out["recurrence"] = meeting.recurrence
    if meeting.type == 8:
        occs = occurrences(meeting)
        if not all_occurrences:
            occs = [o for o in occs if o.start_time + timedelta(minutes=o.duration) >= now]
        out["occurrences"] = [occurrence_json(o) for o in occs]
    return out


def list_item_json(sandbox: Sandbox, meeting: Meeting) -> dict[str, Any]:
    """A meeting as ``GET /users/{userId}/meetings`` lists it."""
    host = sandbox.state.users.get(meeting.host_id)
    out: dict[str, Any] = {
        "uuid": meeting.uuid,
        "id": meeting.id,
        "host_id": meeting.host_id,
        "topic": meeting.topic,
        "type": meeting.type,
        "duration": meeting.duration,
        "timezone": meeting.timezone,
        "agenda": meeting.agenda[:250],
        "created_at": iso(meeting.created_at),
        "join_url": join_url(sandbox.base_url, meeting),
        "pmi": str(host.pmi) if host else "",
    }
    start = next_start(meeting, sandbox.clock.now())
    if start is not None:
        out["start_time"] = iso(start)
    return out


def next_start(meeting: Meeting, now: datetime) -> datetime | None:
    """The start shown for a meeting: the next available occurrence for type 8."""
    if meeting.type != 8:
        return meeting.start_time
    occs = [o for o in occurrences(meeting) if o.status == "available"]
    upcoming = [o for o in occs if o.start_time + timedelta(minutes=o.duration) >= now]
    chosen = upcoming or occs
    return chosen[0].start_time if chosen else meeting.start_time
