"""Ended meetings (``/past_meetings``) and the dashboard's ``/metrics/meetings``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from starlette.responses import Response

from zoomadmin.sandbox import errors
from zoomadmin.sandbox.api import ApiRequest, ApiRoute
from zoomadmin.sandbox.errors import json_response
from zoomadmin.sandbox.meeting_view import decode_meeting_key, meeting_number
from zoomadmin.sandbox.ratelimit import LIGHT, MEDIUM, RESOURCE_INTENSIVE
from zoomadmin.sandbox.state import PastMeeting, SandboxState
from zoomadmin.sandbox.wire import iso, page, parse_day


def _find_past(state: SandboxState, raw: str) -> PastMeeting:
    key = decode_meeting_key(raw)
    number = meeting_number(key)
    uuid = state.latest_instance(number) if number is not None else key
    past = state.past.get(uuid) if uuid else None
    if past is None:
        raise errors.meeting_not_found(key)
    return past


def _plain(value: Any) -> Any:
    return iso(value) if isinstance(value, datetime) else value


def get_past(req: ApiRequest) -> Response:
    """GET /past_meetings/{meetingId or uuid}."""
    state = req.sandbox.state
    past = _find_past(state, req.params["meetingId"])
    host = state.users.get(past.host_id)
    return json_response(
        {
            "uuid": past.uuid,
            "id": past.meeting_id,
            "host_id": past.host_id,
            "type": past.type,
            "topic": past.topic,
            "user_name": f"{host.first_name} {host.last_name}".strip() if host else "",
            "user_email": host.email if host else "",
            "start_time": iso(past.start_time),
            "end_time": iso(past.end_time),
            "duration": past.duration,
            "total_minutes": past.total_minutes,
            "participants_count": len(past.participants),
            "dept": host.dept if host else "",
            "source": "Zoom",
        }
    )


def past_participants(req: ApiRequest) -> Response:
    """GET /past_meetings/{meetingId}/participants."""
    past = _find_past(req.sandbox.state, req.params["meetingId"])
    items, meta = page(past.participants, req.query)
    meta.pop("page_number")
    meta.pop("page_count")
    rows = [{k: _plain(v) for k, v in p.items()} for p in items]
    return json_response({**meta, "participants": rows})


def _duration_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _metric_row(state: SandboxState, **fields: Any) -> dict[str, Any]:
    host = state.users.get(fields.pop("host_id"))
    minutes = fields.pop("minutes")
    return {
        **fields,
        "host": f"{host.first_name} {host.last_name}".strip() if host else "",
        "email": host.email if host else "",
        "user_type": "Licensed" if host and host.type == 2 else "Basic",
        "duration": _duration_text(minutes),
        "has_pstn": False,
        "has_voip": True,
        "has_3rd_party_audio": False,
        "has_video": True,
        "has_screen_share": False,
        "has_recording": fields["uuid"] in state.recordings,
        "has_sip": False,
        "has_archiving": False,
        "dept": host.dept if host else "",
    }


def _range(req: ApiRequest) -> tuple[date, date]:
    today = req.now().date()
    start = parse_day(req.query["from"], "from") if req.query.get("from") else today
    end = parse_day(req.query["to"], "to") if req.query.get("to") else today
    if end < start or (end - start).days > 31:
        raise errors.invalid_parameter("The date range must be within one month.")
    return start, end


def metrics_meetings(req: ApiRequest) -> Response:
    """GET /metrics/meetings?type=live|past (dashboard shape)."""
    kind = req.query.get("type") or "live"
    if kind not in ("live", "past", "pastOne"):
        raise errors.invalid_parameter("Invalid parameter: type.")
    state = req.sandbox.state
    start, end = _range(req)
    now = req.now()
    rows: list[dict[str, Any]] = []
    if kind == "live":
        for live in state.live.values():
            meeting = state.meetings.get(live.meeting_id)
            rows.append(
                _metric_row(
                    state,
                    uuid=live.uuid,
                    id=live.meeting_id,
                    topic=meeting.topic if meeting else "",
                    host_id=live.host_id,
                    start_time=iso(live.started_at),
                    minutes=int((now - live.started_at).total_seconds() // 60),
                    participants=len(live.participants),
                )
            )
    else:
        for past in state.past.values():
            if not start <= past.start_time.date() <= end:
                continue
            if kind == "pastOne" and len(past.participants) != 1:
                continue
            rows.append(
                _metric_row(
                    state,
                    uuid=past.uuid,
                    id=past.meeting_id,
                    topic=past.topic,
                    host_id=past.host_id,
                    start_time=iso(past.start_time),
                    end_time=iso(past.end_time),
                    minutes=past.duration,
                    participants=len(past.participants),
                )
            )
    rows.sort(key=lambda r: str(r["start_time"]))
    items, meta = page(rows, req.query)
    meta.pop("page_number")
    out = {"from": start.isoformat(), "to": end.isoformat(), **meta, "meetings": list(items)}
    return json_response(out)


ROUTES: list[ApiRoute] = [
    ApiRoute(
        "/past_meetings/{meetingId:path}/participants",
        "GET",
        past_participants,
        MEDIUM,
        ("meeting:read:admin", "meeting:read:list_past_participants:admin"),
    ),
    ApiRoute(
        "/past_meetings/{meetingId:path}",
        "GET",
        get_past,
        LIGHT,
        ("meeting:read:admin", "meeting:read:past_meeting:admin"),
    ),
    ApiRoute(
        "/metrics/meetings",
        "GET",
        metrics_meetings,
        RESOURCE_INTENSIVE,
        ("dashboard_meetings:read:admin", "dashboard:read:list_meetings:admin"),
    ),
]
