"""Cloud recordings: list (user, account, trash), get, trash/delete, recover, and file downloads."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from zoomadmin.sandbox import errors, media
from zoomadmin.sandbox.api import ApiRequest, ApiRoute, bearer_token, check_token
from zoomadmin.sandbox.errors import ZoomError, json_response
from zoomadmin.sandbox.meeting_view import decode_meeting_key, meeting_number
from zoomadmin.sandbox.ratelimit import LIGHT, MEDIUM
from zoomadmin.sandbox.recording_view import recording_json
from zoomadmin.sandbox.routes_users import require_own_account, require_user
from zoomadmin.sandbox.state import Recording, RecordingFile, SandboxState
from zoomadmin.sandbox.wire import bool_param, page, parse_day

if TYPE_CHECKING:
    from zoomadmin.sandbox.world import Sandbox

_log = logging.getLogger(__name__)
_RECOVER_DAYS = 30
#: A byte position longer than this cannot be inside any file the sandbox serves.
_MAX_RANGE_DIGITS = 18


def _visible(rec: Recording, now_ok: bool, trash: bool) -> bool:
    if rec.deleted or not now_ok:
        return False
    return (rec.trashed_at is not None) == trash


def _window(req: ApiRequest) -> tuple[date, date]:
    today = req.now().date()
    start = parse_day(req.query["from"], "from") if req.query.get("from") else today
    end = parse_day(req.query["to"], "to") if req.query.get("to") else today + timedelta(days=1)
    if end < start or end > _add_month(start):
        raise errors.invalid_parameter(
            "The date range between from and to cannot exceed one month."
        )
    return start, end


def _add_month(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    return day + timedelta(days=31)


def _listing(req: ApiRequest, uuids: Iterable[str]) -> Response:
    state = req.sandbox.state
    trash = bool_param(req.query, "trash")
    start, end = _window(req)
    now = req.now()
    found: list[Recording] = []
    for uuid in uuids:
        rec = state.recordings[uuid]
        if not _visible(rec, rec.completed_at <= now, trash):
            continue
        # Zoom quirk: the trash cannot be filtered by date.
        if trash or start <= rec.start_time.date() <= end:
            found.append(rec)
    found.sort(key=lambda r: r.start_time, reverse=True)
    items, meta = page(found, req.query)
    body = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "page_count": meta["page_count"],
        "page_size": meta["page_size"],
        "total_records": meta["total_records"],
        "next_page_token": meta["next_page_token"],
        "meetings": [
            recording_json(req.sandbox.state, req.sandbox.base_url, r, trash=trash) for r in items
        ],
    }
    return json_response(body)


def list_user_recordings(req: ApiRequest) -> Response:
    """GET /users/{userId}/recordings."""
    user = require_user(req)
    return _listing(req, list(req.sandbox.state.recordings_by_host.get(user.id, ())))


def list_account_recordings(req: ApiRequest) -> Response:
    """GET /accounts/me/recordings (every host of the account)."""
    require_own_account(req)
    return _listing(req, list(req.sandbox.state.recordings))


def find_recording(state: SandboxState, raw: str, *, trashed_ok: bool = False) -> Recording:
    """A meeting's recording by UUID, or by meeting number (its latest recorded instance)."""
    key = decode_meeting_key(raw)
    candidates: list[str] = [key]
    number = meeting_number(key)
    if number is not None:
        candidates = list(reversed(state.past_by_meeting.get(number, [])))
    for uuid in candidates:
        rec = state.recordings.get(uuid)
        if rec is not None and not rec.deleted and (trashed_ok or rec.trashed_at is None):
            return rec
    raise errors.no_recording()


def get_recording(req: ApiRequest) -> Response:
    """GET /meetings/{meetingId}/recordings."""
    rec = find_recording(req.sandbox.state, req.params["meetingId"])
    if rec.completed_at > req.now():
        raise errors.no_recording()
    out = recording_json(req.sandbox.state, req.sandbox.base_url, rec)
    if "download_access_token" in req.query.get("include_fields", ""):
        out["download_access_token"] = req.sandbox.issue_token(
            kind="download", meeting_uuid=rec.uuid
        ).value
    return json_response(out)


def _delete_action(req: ApiRequest) -> str:
    action = req.query.get("action") or "trash"
    if action not in ("trash", "delete"):
        raise errors.invalid_parameter("Invalid parameter: action.")
    return action


def delete_recordings(req: ApiRequest) -> Response:
    """DELETE /meetings/{meetingId}/recordings (``action`` trash, the default, or delete)."""
    action = _delete_action(req)
    rec = find_recording(req.sandbox.state, req.params["meetingId"], trashed_ok=action == "delete")
    now = req.now()
    if action == "delete":
        rec.deleted = True
    else:
        rec.trashed_at = now
        for item in rec.files:
            item.deleted_time = item.deleted_time or now
    return Response(status_code=200)


def delete_recording_file(req: ApiRequest) -> Response:
    """DELETE /meetings/{meetingId}/recordings/{recordingId}."""
    action = _delete_action(req)
    rec = find_recording(req.sandbox.state, req.params["meetingId"], trashed_ok=True)
    item = next((f for f in rec.files if f.id == req.params["recordingId"]), None)
    if item is None:
        raise errors.no_recording()
    if action == "delete":
        rec.files.remove(item)
        req.sandbox.state.recording_files.pop(item.id, None)
    else:
        item.deleted_time = req.now()
    return Response(status_code=200)


def recover_recordings(req: ApiRequest) -> Response:
    """PUT /meetings/{meetingUUID}/recordings/status {"action": "recover"} (within 30 days)."""
    if req.body.get("action") != "recover":
        raise errors.validation("action")
    rec = find_recording(req.sandbox.state, req.params["meetingId"], trashed_ok=True)
    now = req.now()
    trashed = rec.trashed_at or min(
        (f.deleted_time for f in rec.files if f.deleted_time), default=None
    )
    if trashed is None:
        return Response(status_code=200)
    if now - trashed > timedelta(days=_RECOVER_DAYS):
        raise errors.no_recording()
    rec.trashed_at = None
    for item in rec.files:
        item.deleted_time = None
    return Response(status_code=200)


_READ = ("recording:read:admin", "cloud_recording:read:list_recording_files:admin")
_WRITE = ("recording:write:admin", "cloud_recording:delete:meeting_recording:admin")
_FILE = ("recording:write:admin", "cloud_recording:delete:recording_file:admin")
_RECOVER = ("recording:write:admin", "cloud_recording:update:recover_meeting_recordings:admin")

ROUTES: list[ApiRoute] = [
    ApiRoute(
        "/users/{userId}/recordings",
        "GET",
        list_user_recordings,
        MEDIUM,
        ("recording:read:admin", "cloud_recording:read:list_user_recordings:admin"),
    ),
    ApiRoute(
        "/accounts/{accountId}/recordings",
        "GET",
        list_account_recordings,
        MEDIUM,
        ("recording:read:admin", "cloud_recording:read:list_account_recordings:admin"),
    ),
    ApiRoute(
        "/meetings/{meetingId:path}/recordings/status", "PUT", recover_recordings, LIGHT, _RECOVER
    ),
    ApiRoute("/meetings/{meetingId:path}/recordings", "GET", get_recording, LIGHT, _READ),
    ApiRoute("/meetings/{meetingId:path}/recordings", "DELETE", delete_recordings, LIGHT, _WRITE),
    ApiRoute(
        "/meetings/{meetingId:path}/recordings/{recordingId}",
        "DELETE",
        delete_recording_file,
        LIGHT,
        _FILE,
    ),
]


def _byte_number(text: str) -> int:
    """One position of a Range header: ASCII digits only (``int`` also takes "1_0" and "²")."""
    if not (text.isascii() and text.isdigit()) or len(text) > _MAX_RANGE_DIGITS:
        raise ValueError(f"not a byte position: {text!r}")
    return int(text)


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) of a single ``bytes=`` range; None when unsatisfiable or malformed."""
    unit, _, spec = header.partition("=")
    first_text, _, last_text = spec.split(",")[0].strip().partition("-")
    if unit.strip() != "bytes":
        return None
    try:
        if first_text == "":
            length = _byte_number(last_text)
            first, last = max(0, size - length), size - 1
        else:
            first = _byte_number(first_text)
            last = _byte_number(last_text) if last_text else size - 1
    except ValueError:
        return None
    last = min(last, size - 1)
    return (first, last) if 0 <= first <= last else None


def download_routes(sandbox: Sandbox) -> list[BaseRoute]:
    """``GET /rec/download/{fileId}`` (Bearer header or ``access_token`` query, as Zoom) answers
    302 to ``GET /rec/storage/{fileId}``: a signed link that expires and takes no token.
    """

    async def download(request: Request) -> Response:
        try:
            return _download(sandbox, request)
        except ZoomError as exc:
            return exc.response()
        except Exception:  # a sandbox bug: log it, and still answer in Zoom's shape
            _log.exception("GET %s failed inside the sandbox", request.url.path)
            return errors.internal_error().response()

    async def storage(request: Request) -> Response:
        try:
            return _storage(sandbox, request)
        except ZoomError as exc:
            return exc.response()
        except Exception:  # a sandbox bug: log it, and still answer in Zoom's shape
            _log.exception("GET %s failed inside the sandbox", request.url.path)
            return errors.internal_error().response()

    endpoints: list[Callable[[Request], Awaitable[Response]]] = [download, storage]
    return [
        Route("/rec/download/{fileId}", endpoints[0], methods=["GET"]),
        Route("/rec/storage/{fileId}", endpoints[1], methods=["GET"]),
    ]


#: How long a signed storage link stays valid (sandbox seconds).
SIGNED_LINK_SECONDS = 300


def _signature(sandbox: Sandbox, file_id: str, expires: int) -> str:
    key = sandbox.config.client_secret.encode("utf-8")
    message = f"{file_id}:{expires}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _download(sandbox: Sandbox, request: Request) -> Response:
    value = bearer_token(request) or request.query_params.get("access_token")
    token = check_token(sandbox, value, kinds=("access", "download"))
    state = sandbox.state
    with state.lock:
        item = state.recording_files.get(request.path_params["fileId"])
        rec = state.recordings.get(item.meeting_uuid) if item is not None else None
        if item is None or rec is None or rec.deleted or item.deleted_time is not None:
            raise errors.no_recording()
        if item.status != "completed":
            raise errors.no_recording()
        if token.kind == "download" and token.meeting_uuid not in (None, rec.uuid):
            raise errors.invalid_token()
    expires = int(sandbox.clock.now().timestamp()) + SIGNED_LINK_SECONDS
    query = urlencode({"expires": expires, "signature": _signature(sandbox, item.id, expires)})
    location = f"{sandbox.base_url}/rec/storage/{item.id}?{query}"
    return Response(b"", 302, headers={"Location": location})


def _storage_refusal(status: int, message: str) -> Response:
    body = f"<?xml version='1.0'?><Error><Message>{message}</Message></Error>"
    return Response(body, status, media_type="application/xml")


def _storage(sandbox: Sandbox, request: Request) -> Response:
    """Signed storage: no token (a request carrying one is refused, as S3 refuses two)."""
    if request.headers.get("authorization"):
        return _storage_refusal(400, "Only one auth mechanism allowed")
    file_id = request.path_params["fileId"]
    expires_text = request.query_params.get("expires", "")
    signature = request.query_params.get("signature", "")
    if not expires_text.isdigit() or not hmac.compare_digest(
        signature, _signature(sandbox, file_id, int(expires_text))
    ):
        return _storage_refusal(403, "Signature does not match")
    if int(expires_text) < sandbox.clock.now().timestamp():
        return _storage_refusal(403, "Request has expired")
    state = sandbox.state
    with state.lock:
        item = state.recording_files.get(file_id)
    if item is None:
        return _storage_refusal(404, "The specified key does not exist")
    return _file_answer(item, request.headers.get("range"), sandbox.config.download_rate)


def _file_answer(item: RecordingFile, range_header: str | None, rate: int) -> Response:
    data = media.content(item)
    size = len(data)
    headers = {
        "Accept-Ranges": "bytes",
        "Content-Disposition": f'attachment; filename="{item.id}.{item.file_extension.lower()}"',
    }
    media_type = _MEDIA_TYPES.get(item.file_type, "application/octet-stream")
    status, first, last = 200, 0, size - 1
    if range_header is not None:
        chosen = _byte_range(range_header, size)
        if chosen is None:
            headers["Content-Range"] = f"bytes */{size}"
            error = ZoomError(416, 416, f"Requested range not satisfiable: {range_header[:100]!r}.")
            return json_response(error.body(), 416, headers=headers)
        status, (first, last) = 206, chosen
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    body = memoryview(data)[first : last + 1]
    headers["Content-Length"] = str(len(body))
    return StreamingResponse(_paced(body, rate), status, headers=headers, media_type=media_type)


_STREAM_CHUNK = 256 * 1024


async def _paced(body: memoryview, rate: int) -> AsyncIterator[bytes]:
    """``body`` in chunks; with ``rate`` (bytes per second) no faster than that."""
    step = _STREAM_CHUNK if rate <= 0 else max(1024, min(_STREAM_CHUNK, rate // 20))
    began = time.monotonic()
    for offset in range(0, len(body), step):
        chunk = bytes(body[offset : offset + step])
        yield chunk
        if rate > 0:
            ahead = (offset + len(chunk)) / rate - (time.monotonic() - began)
            if ahead > 0:
                await asyncio.sleep(ahead)


_MEDIA_TYPES = {
    "MP4": "video/mp4",
    "M4A": "audio/mp4",
    "TRANSCRIPT": "text/vtt",
    "CC": "text/vtt",
    "CHAT": "text/plain; charset=utf-8",
}
