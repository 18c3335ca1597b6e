"""Meetings API: create, list, get, update, delete (whole or one occurrence) and end."""

from __future__ import annotations

import copy
import logging
from datetime import datetime, timedelta
from typing import Any

from starlette.responses import Response

from zoomadmin.sandbox import errors
from zoomadmin.sandbox.api import ApiRequest, ApiRoute
from zoomadmin.sandbox.errors import ZoomError, json_response, no_content
from zoomadmin.sandbox.meeting_input import duration as check_duration
from zoomadmin.sandbox.meeting_input import is_int
from zoomadmin.sandbox.meeting_input import recurrence as check_recurrence
from zoomadmin.sandbox.meeting_view import (
    DEFAULT_MEETING_SETTINGS,
    find_meeting,
    list_item_json,
    meeting_json,
    meeting_number,
    next_start,
)
from zoomadmin.sandbox.ratelimit import LIGHT, MEDIUM
from zoomadmin.sandbox.recurrence import RecurrenceError, occurrences
from zoomadmin.sandbox.routes_users import require_user
from zoomadmin.sandbox.state import Meeting, Occurrence, User
from zoomadmin.sandbox.wire import iso, page, parse_start_time, zone_name

_log = logging.getLogger(__name__)
_TYPES = (1, 2, 3, 8)
_AUTO_RECORDING = ("local", "cloud", "none")
_LIST_TYPES = ("scheduled", "live", "upcoming", "upcoming_meetings", "previous_meetings")


def _host_may_schedule(user: User) -> None:
    if user.status != "active" or user.type == 4:
        raise ZoomError(
            400,
            3161,
            "Your user account is not allowed meeting hosting and scheduling capabilities.",
        )


def _settings(body: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    given = body.get("settings")
    if given is None:
        return base
    if not isinstance(given, dict):
        raise errors.validation("settings")
    merged = dict(base)
    # Zoom quirk: a null setting counts as not given (clients send unset fields as null).
    merged.update(
        {k: v for k, v in given.items() if k in DEFAULT_MEETING_SETTINGS and v is not None}
    )
    if merged["auto_recording"] not in _AUTO_RECORDING:
        raise errors.validation("settings.auto_recording")
    if not isinstance(merged["alternative_hosts"], str):
        raise errors.validation("settings.alternative_hosts")
    return merged


def _meeting_type(value: Any) -> int:
    if not is_int(value) or value not in _TYPES:
        raise errors.validation("type")
    result: int = value
    return result


def _password(req: ApiRequest, host: User) -> str:
    value = req.body.get("password")
    if value is None:
        if host.settings["schedule_meeting"].get("require_password_for_scheduled_meetings"):
            return str(req.sandbox.rng.randrange(100000, 999999))
        return ""
    if not isinstance(value, str) or len(value) > 10:
        raise errors.validation("password", "Invalid field: password. Maximum 10 characters.")
    return value


def _check_occurrences(meeting: Meeting) -> None:
    """400/300 unless the meeting's series expands (and so can be shown and simulated)."""
    try:
        found = occurrences(meeting)
    except (RecurrenceError, ValueError, TypeError, OverflowError, IndexError) as exc:
        raise errors.validation("recurrence", f"Invalid field: {exc}") from exc
    if meeting.type == 8 and not found:
        raise errors.validation("recurrence", "Invalid field: the series has no occurrence.")


def _start(body: dict[str, Any], timezone: str, now: datetime) -> datetime:
    raw = body.get("start_time")
    return now.replace(microsecond=0) if raw in (None, "") else parse_start_time(raw, timezone)


def create_meeting(req: ApiRequest) -> Response:
    """POST /users/{userId}/meetings (201)."""
    host = require_user(req)
    _host_may_schedule(host)
    body = req.body
    meeting_type = _meeting_type(body.get("type", 2))
    timezone = zone_name(body.get("timezone") or host.timezone)
    topic = body.get("topic", "Zoom meeting")
    if not isinstance(topic, str) or len(topic) > 200:
        raise errors.validation("topic")
    duration = check_duration(body.get("duration", 60))
    now = req.now()
    base_settings = dict(DEFAULT_MEETING_SETTINGS)
    base_settings["auto_recording"] = host.settings["recording"].get("auto_recording", "none")
    meeting = Meeting(
        id=req.sandbox.state.new_meeting_id(req.sandbox.rng),
        uuid=req.sandbox.state.new_uuid(req.sandbox.rng),
        host_id=host.id,
        topic=topic,
        type=meeting_type,
        start_time=None if meeting_type == 3 else _start(body, timezone, now),
        duration=duration,
        timezone=timezone,
        created_at=now,
        agenda=str(body.get("agenda", ""))[:2000],
        password=_password(req, host),
        settings=_settings(body, base_settings),
        recurrence=check_recurrence(body.get("recurrence")),
    )
    if meeting_type == 8 and meeting.recurrence is None:
        raise errors.validation("recurrence", "Invalid field: recurrence is required for type 8.")
    _check_occurrences(meeting)
    req.take_host_quota(host.id)
    req.sandbox.state.add_meeting(meeting)
    return json_response(meeting_json(req.sandbox, meeting), 201)


def _is_upcoming(meeting: Meeting, now: datetime) -> bool:
    if meeting.type == 3:
        return True
    start = next_start(meeting, now)
    return start is not None and start + timedelta(minutes=meeting.duration) >= now


#: What showing a meeting stored before its fields were checked at the door may raise.
_UNSHOWABLE = (ArithmeticError, ValueError, TypeError, IndexError, KeyError)


def _keep(state: Any, meeting: Meeting, kind: str, now: datetime) -> bool:
    if kind == "live":
        return meeting.id in state.live
    if kind in ("upcoming", "upcoming_meetings"):
        return meeting.type != 1 and _is_upcoming(meeting, now)
    if kind == "previous_meetings":
        return meeting.id in state.past_by_meeting or not _is_upcoming(meeting, now)
    return meeting.type != 1


def list_meetings(req: ApiRequest) -> Response:
    """GET /users/{userId}/meetings (a meeting that cannot be shown is left out and logged)."""
    host = require_user(req)
    kind = req.query.get("type") or "scheduled"
    if kind not in _LIST_TYPES:
        raise errors.invalid_parameter("Invalid parameter: type.")
    state = req.sandbox.state
    now = req.now()
    found: list[tuple[datetime, int, Meeting]] = []
    for meeting_id in state.meetings_by_host.get(host.id, ()):
        meeting = state.meetings[meeting_id]
        if meeting.deleted:
            continue
        try:
            if _keep(state, meeting, kind, now):
                found.append((next_start(meeting, now) or meeting.created_at, meeting.id, meeting))
        except _UNSHOWABLE:
            _log.exception("meeting %s cannot be listed; it is left out", meeting.id)
    found.sort(key=lambda entry: (entry[0], entry[1]))
    items, meta = page(found, req.query)
    meetings = [list_item_json(req.sandbox, m) for _, _, m in items]
    return json_response({**meta, "meetings": meetings})


def _occurrence(meeting: Meeting, occ_id: str) -> Occurrence:
    """The meeting's occurrence ``occ_id``; 400/300 when the series has no such occurrence."""
    for occurrence in occurrences(meeting):
        if occurrence.occurrence_id == occ_id:
            return occurrence
    raise errors.invalid_parameter("Invalid parameter: occurrence_id.")


def get_meeting(req: ApiRequest) -> Response:
    """GET /meetings/{meetingId} (``occurrence_id``, ``show_previous_occurrences``)."""
    meeting = find_meeting(req.sandbox.state, req.params["meetingId"])
    show_all = req.query.get("show_previous_occurrences", "").lower() == "true"
    out = meeting_json(req.sandbox, meeting, all_occurrences=show_all)
    occ_id = req.query.get("occurrence_id")
    if occ_id:
        chosen = _occurrence(meeting, occ_id)
        out["start_time"] = iso(chosen.start_time)
        out["duration"] = chosen.duration
    return json_response(out)


def _update_occurrence(req: ApiRequest, meeting: Meeting, occ_id: str) -> None:
    _occurrence(meeting, occ_id)
    override = dict(meeting.occurrence_overrides.get(occ_id, {}))
    if "start_time" in req.body:
        start = parse_start_time(req.body["start_time"], meeting.timezone)
        override["start_time"] = start.isoformat()
    if req.body.get("duration") is not None:
        override["duration"] = check_duration(req.body["duration"])
    if isinstance(req.body.get("agenda"), str):
        override["agenda"] = req.body["agenda"]
    meeting.occurrence_overrides[occ_id] = override


def _update_when(req: ApiRequest, meeting: Meeting) -> None:
    body = req.body
    if body.get("timezone"):
        meeting.timezone = zone_name(body["timezone"])
    if body.get("start_time") and meeting.type != 3:
        start = parse_start_time(body["start_time"], meeting.timezone)
        if start >= req.now():  # Zoom quirk: a start_time in the past is ignored
            meeting.start_time = start


def _update_series(req: ApiRequest, meeting: Meeting) -> None:
    """Apply the PATCH body to ``meeting`` (a working copy: it may fail half-way)."""
    body = req.body
    if "type" in body:
        meeting.type = _meeting_type(body["type"])
    _update_when(req, meeting)
    if "duration" in body:
        meeting.duration = check_duration(body["duration"])
    for name, limit in (("topic", 200), ("agenda", 2000)):
        if isinstance(body.get(name), str):
            setattr(meeting, name, body[name][:limit])
    if "password" in body:
        if not isinstance(body["password"], str) or len(body["password"]) > 10:
            raise errors.validation("password")
        meeting.password = body["password"]
    meeting.settings = _settings(body, meeting.settings)
    recurrence = check_recurrence(body.get("recurrence"))
    if recurrence is not None:
        meeting.recurrence = recurrence


_SERIES_FIELDS = (
    "type",
    "timezone",
    "start_time",
    "duration",
    "topic",
    "agenda",
    "password",
    "settings",
    "recurrence",
)


def update_meeting(req: ApiRequest) -> Response:
    """PATCH /meetings/{meetingId} (204; counts toward the host's daily limit).

    The whole body is applied to a copy and the copy's series expanded first; the stored
    meeting changes only when all of it is valid, so a refused PATCH changes nothing.
    """
    meeting = find_meeting(req.sandbox.state, req.params["meetingId"])
    req.take_host_quota(meeting.host_id)
    occ_id = req.query.get("occurrence_id")
    if occ_id:
        _update_occurrence(req, meeting, occ_id)
        return no_content()
    draft = copy.deepcopy(meeting)
    _update_series(req, draft)
    _check_occurrences(draft)
    for name in _SERIES_FIELDS:
        setattr(meeting, name, getattr(draft, name))
    return no_content()


def delete_meeting(req: ApiRequest) -> Response:
    """DELETE /meetings/{meetingId} (whole series, or one ``occurrence_id``)."""
    meeting = find_meeting(req.sandbox.state, req.params["meetingId"])
    occ_id = req.query.get("occurrence_id")
    if occ_id:
        _occurrence(meeting, occ_id)
        meeting.deleted_occurrences.add(occ_id)
        return no_content()
    meeting.deleted = True
    return no_content()


def update_status(req: ApiRequest) -> Response:
    """PUT /meetings/{meetingId}/status: ``end`` a live meeting (the simulation ends it now)."""
    state = req.sandbox.state
    action = req.body.get("action")
    if action == "recover":
        key = req.params["meetingId"]
        number = meeting_number(key)
        meeting = state.meetings.get(number) if number is not None else None
        if meeting is None:
            raise errors.meeting_not_found(key)
        meeting.deleted = False
        return no_content()
    if action != "end":
        raise errors.validation("action")
    meeting = find_meeting(state, req.params["meetingId"])
    live = state.live.get(meeting.id)
    if live is not None:
        live.ends_at = req.now()
        req.sandbox.tick()
    return no_content()


_READ = ("meeting:read:admin", "meeting:read:meeting:admin")
_LIST = ("meeting:read:admin", "meeting:read:list_meetings:admin")
_CREATE = ("meeting:write:admin", "meeting:write:meeting:admin")
_UPDATE = ("meeting:write:admin", "meeting:update:meeting:admin")
_DELETE = ("meeting:write:admin", "meeting:delete:meeting:admin")
_STATUS = ("meeting:write:admin", "meeting:update:status:admin")

ROUTES: list[ApiRoute] = [
    ApiRoute("/users/{userId}/meetings", "POST", create_meeting, MEDIUM, _CREATE),
    ApiRoute("/users/{userId}/meetings", "GET", list_meetings, MEDIUM, _LIST),
    ApiRoute("/meetings/{meetingId:path}/status", "PUT", update_status, LIGHT, _STATUS),
    ApiRoute("/meetings/{meetingId:path}", "GET", get_meeting, LIGHT, _READ),
    ApiRoute("/meetings/{meetingId:path}", "PATCH", update_meeting, LIGHT, _UPDATE),
    ApiRoute("/meetings/{meetingId:path}", "DELETE", delete_meeting, LIGHT, _DELETE),
]
