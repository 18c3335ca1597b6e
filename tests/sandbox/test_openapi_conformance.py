"""The sandbox's answers validate against Zoom's own OpenAPI response schemas, per operation.

Zoom's Meetings API file (OpenAPI 3, 2025) describes meetings, past meetings and recordings;
the old Swagger 2 file (2018) is the only one describing users, settings and the dashboard.
Operations zoomadmin calls that neither file describes (``/users/summary``,
``/accounts/{id}/plans/usage``, ``/accounts/{id}/lock_settings``, ``/accounts/{id}/recordings``,
``/groups/{id}/settings``, ``/groups/{id}/lock_settings``)
are not checked here. Zoom's schemas rarely mark fields ``required``, so each operation also
names the keys the real wire carries (FACTS §2-§5); a missing one fails like a wrong type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import sandbox_http
from jsonschema import Draft4Validator
from openapi_schemas import (
    LEGACY_SPEC,
    MEETINGS_SPEC,
    SpecMissingError,
    describe_errors,
    response_validator,
    spec_dir,
)

from tests.conftest import SANDBOX_START
from zoomadmin.sandbox import SandboxServer

MONTH = {"from": "2026-02-01", "to": "2026-03-01"}


@dataclass
class Demo:
    """A demo account and the ids the operations below need, found through the API."""

    api: httpx.Client
    owner_id: str
    host_id: str
    meeting_id: int
    past_uuid: str


def _required(*keys: str, **nested: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema: these top-level keys are present; ``nested`` schemas apply to properties."""
    return {"required": list(keys), "properties": nested}


def _items(*keys: str, **nested: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema for a list whose every item carries ``keys``."""
    return {"type": "array", "minItems": 1, "items": _required(*keys, **nested)}


@dataclass(frozen=True)
class Operation:
    """One documented operation: where Zoom describes it, how to call it, what must be there."""

    spec: str
    method: str
    path: str
    status: int
    call: Callable[[Demo], httpx.Response]
    extra: dict[str, Any] = field(default_factory=dict)


def _first_host_with_meetings(api: httpx.Client) -> tuple[str, int]:
    live = api.get("/metrics/meetings", params={"type": "live"}).json()["meetings"][0]
    host = api.get(f"/users/{live['email']}").json()["id"]
    return host, live["id"]


def _past_with_recording(api: httpx.Client) -> str:
    past = api.get("/metrics/meetings", params={"type": "past", **MONTH}).json()["meetings"]
    return next(m["uuid"] for m in past if m["has_recording"])


@pytest.fixture(scope="module")
def demo() -> Iterator[Demo]:
    """One demo sandbox for the whole module (every operation only reads, or adds its own)."""
    try:
        spec_dir()
    except SpecMissingError as exc:
        pytest.skip(f"OpenAPI conformance needs Zoom's spec files: {exc}")
    server = SandboxServer(seed="demo", speed=0, start_time=SANDBOX_START)
    server.start()
    try:
        with sandbox_http.client(server) as api:
            owner = api.get("/users", params={"page_size": 1}).json()["users"][0]["id"]
            host, meeting = _first_host_with_meetings(api)
            yield Demo(api, owner, host, meeting, _past_with_recording(api))
    finally:
        server.stop()


def _quoted(uuid: str) -> str:
    # Zoom quirk: a UUID with "/" must be double-encoded; encoding twice is always safe.
    from urllib.parse import quote

    return quote(quote(uuid, safe=""), safe="")


def _create_meeting(demo: Demo) -> httpx.Response:
    body = {
        "topic": "Conformance check",
        "type": 2,
        "start_time": "2026-03-10T10:00:00Z",
        "duration": 45,
        "timezone": "Europe/London",
        "settings": {"waiting_room": True, "auto_recording": "cloud"},
    }
    return demo.api.post(f"/users/{demo.host_id}/meetings", json=body)


def _create_recurring(demo: Demo) -> httpx.Response:
    body = {
        "topic": "Weekly conformance",
        "type": 8,
        "start_time": "2026-03-10T10:00:00",
        "timezone": "Europe/London",
        "duration": 60,
        "recurrence": {"type": 2, "weekly_days": "3", "end_times": 4},
    }
    return demo.api.post(f"/users/{demo.host_id}/meetings", json=body)


def _create_user(demo: Demo) -> httpx.Response:
    info = {"email": "conformance+1@learnwell.example", "type": 1, "first_name": "Ada"}
    return demo.api.post("/users", json={"action": "create", "user_info": info})


def _group(demo: Demo, name: str) -> str:
    """A group of the demo account called ``name`` (made on first use) with the host in it."""
    groups = demo.api.get("/groups").json()["groups"]
    found = next((g["id"] for g in groups if g["name"] == name), None)
    if found is None:
        found = demo.api.post("/groups", json={"name": name}).json()["id"]
        demo.api.post(f"/groups/{found}/members", json={"members": [{"id": demo.host_id}]})
    return str(found)


def _add_member(demo: Demo) -> httpx.Response:
    group = _group(demo, "Conformance members")
    return demo.api.post(f"/groups/{group}/members", json={"members": [{"id": demo.owner_id}]})


_RECORDING_TYPE = {"type": "integer", "enum": [1, 2, 3, 4, 5, 6, 7, 8, 9, 99]}

#: Where Zoom's files contradict Zoom's wire, the wire wins; each correction says why.
CORRECTIONS: dict[str, dict[str, Any]] = {
    LEGACY_SPEC: {
        # The 2018 file types a user's pmi as a string; current Zoom sends the int64 number
        # (Zoom's own SDK typing, Rivet v0.3.0 UsersListUsersResponse: `pmi?: number`), and
        # zoomadmin reads it as an integer.
        "definitions/User/properties/pmi": {"type": "integer"},
    },
    MEETINGS_SPEC: {
        # The 2025 file types a recording's meeting `type` as the string enum "1".."99";
        # real recording objects carry the integer meeting type (e.g. `"type": 8` in
        # recording.completed payloads; meeting types are integers everywhere else, FACTS §3.1).
        "components/schemas/InlineResponse2003AllOf1/allOf/0/properties/type": _RECORDING_TYPE,
        "components/schemas/MeetingsAllOf11/allOf/0/properties/type": _RECORDING_TYPE,
    },
}

_LIST_PAGE = ("page_size", "total_records", "next_page_token")
_MEETING_CORE = ("id", "topic", "type", "start_time", "duration", "timezone", "created_at")
# Zoom quirk (FACTS §3.2): Zoom's 2025 schema for the 201 create answer omits uuid and
# host_id, yet Zoom's own example of the answer (and the wire) carries both; zoomadmin
# stores them, so they are required here on top of the schema rather than skipped.
_CREATED = (*_MEETING_CORE, "uuid", "host_id", "start_url", "join_url", "password", "settings")
# Settings keys in Zoom's own example answers (and required by clients such as pyzoom's models).
_SETTINGS = _required(
    "host_video",
    "participant_video",
    "cn_meeting",
    "in_meeting",
    "join_before_host",
    "mute_upon_entry",
    "watermark",
    "use_pmi",
    "approval_type",
    "audio",
    "auto_recording",
    "enforce_login",
    "waiting_room",
    "registrants_email_notification",
    "meeting_authentication",
)
_FILE = ("id", "meeting_id", "recording_start", "recording_end", "file_type", "file_size")
_FILES = _items(*_FILE, "download_url", "status", "recording_type")
_RECORDING = ("uuid", "id", "host_id", "topic", "start_time", "total_size", "recording_count")
_USER = ("id", "email", "type", "status", "first_name", "last_name", "pmi", "timezone")

OPERATIONS: dict[str, Operation] = {
    "GET /users": Operation(
        LEGACY_SPEC,
        "GET",
        "/users",
        200,
        lambda d: d.api.get("/users", params={"page_size": 300}),
        _required(*_LIST_PAGE, "users", users=_items(*_USER, "created_at")),
    ),
    "POST /users": Operation(
        LEGACY_SPEC,
        "POST",
        "/users",
        201,
        _create_user,
        _required("id", "email", "type", "first_name", "last_name"),
    ),
    "GET /users/{userId}": Operation(
        LEGACY_SPEC,
        "GET",
        "/users/{userId}",
        200,
        lambda d: d.api.get(f"/users/{d.host_id}"),
        _required(*_USER, "account_id", "created_at", "personal_meeting_url"),
    ),
    "GET /users/email": Operation(
        LEGACY_SPEC,
        "GET",
        "/users/email",
        200,
        lambda d: d.api.get("/users/email", params={"email": "owner@sandbox.example.com"}),
        _required("existed_email"),
    ),
    "GET /users/{userId}/settings": Operation(
        LEGACY_SPEC,
        "GET",
        "/users/{userId}/settings",
        200,
        lambda d: d.api.get(f"/users/{d.host_id}/settings"),
        _required("schedule_meeting", "in_meeting", "recording", "feature"),
    ),
    "GET /accounts/{accountId}/settings": Operation(
        LEGACY_SPEC,
        "GET",
        "/accounts/{accountId}/settings",
        200,
        lambda d: d.api.get("/accounts/me/settings"),
        _required("schedule_meeting", "in_meeting", "recording"),
    ),
    "GET /groups": Operation(
        LEGACY_SPEC,
        "GET",
        "/groups",
        200,
        lambda d: (_group(d, "Conformance"), d.api.get("/groups"))[1],
        _required("total_records", "groups", groups=_items("id", "name", "total_members")),
    ),
    "POST /groups": Operation(
        LEGACY_SPEC,
        "POST",
        "/groups",
        201,
        lambda d: d.api.post("/groups", json={"name": "Conformance created"}),
        _required("id", "name", "total_members"),
    ),
    "GET /groups/{groupId}": Operation(
        LEGACY_SPEC,
        "GET",
        "/groups/{groupId}",
        200,
        lambda d: d.api.get(f"/groups/{_group(d, 'Conformance')}"),
        _required("id", "name", "total_members"),
    ),
    "GET /groups/{groupId}/members": Operation(
        LEGACY_SPEC,
        "GET",
        "/groups/{groupId}/members",
        200,
        lambda d: d.api.get(f"/groups/{_group(d, 'Conformance')}/members"),
        _required(
            *_LIST_PAGE,
            "members",
            members=_items("id", "email", "first_name", "last_name", "type"),
        ),
    ),
    "POST /groups/{groupId}/members": Operation(
        LEGACY_SPEC,
        "POST",
        "/groups/{groupId}/members",
        201,
        _add_member,
        _required("ids", "added_at"),
    ),
    "GET /metrics/meetings?type=live": Operation(
        LEGACY_SPEC,
        "GET",
        "/metrics/meetings",
        200,
        lambda d: d.api.get("/metrics/meetings", params={"type": "live"}),
        _required(
            "from",
            "to",
            *_LIST_PAGE,
            "meetings",
            meetings=_items("uuid", "id", "topic", "host", "email", "start_time", "participants"),
        ),
    ),
    "GET /metrics/meetings?type=past": Operation(
        LEGACY_SPEC,
        "GET",
        "/metrics/meetings",
        200,
        lambda d: d.api.get("/metrics/meetings", params={"type": "past", **MONTH}),
        _required(*_LIST_PAGE, "meetings", meetings=_items("uuid", "id", "end_time", "duration")),
    ),
    "POST /users/{userId}/meetings": Operation(
        MEETINGS_SPEC,
        "POST",
        "/users/{userId}/meetings",
        201,
        _create_meeting,
        _required(*_CREATED, settings=_SETTINGS),
    ),
    "POST /users/{userId}/meetings (type 8)": Operation(
        MEETINGS_SPEC,
        "POST",
        "/users/{userId}/meetings",
        201,
        _create_recurring,
        _required(
            *_CREATED,
            "recurrence",
            "occurrences",
            occurrences=_items("occurrence_id", "start_time", "duration", "status"),
        ),
    ),
    "GET /users/{userId}/meetings": Operation(
        MEETINGS_SPEC,
        "GET",
        "/users/{userId}/meetings",
        200,
        lambda d: d.api.get(f"/users/{d.host_id}/meetings", params={"page_size": 300}),
        _required(*_LIST_PAGE, "meetings", meetings=_items(*_MEETING_CORE, "uuid", "join_url")),
    ),
    "GET /meetings/{meetingId}": Operation(
        MEETINGS_SPEC,
        "GET",
        "/meetings/{meetingId}",
        200,
        lambda d: d.api.get(f"/meetings/{d.meeting_id}"),
        _required(
            *_MEETING_CORE, "uuid", "host_id", "status", "join_url", "settings", settings=_SETTINGS
        ),
    ),
    "GET /users/{userId}/recordings": Operation(
        MEETINGS_SPEC,
        "GET",
        "/users/{userId}/recordings",
        200,
        lambda d: d.api.get(f"/users/{d.host_id}/recordings", params=MONTH),
        _required(
            "from",
            "to",
            *_LIST_PAGE,
            "meetings",
            meetings=_items(*_RECORDING, recording_files=_FILES),
        ),
    ),
    "GET /meetings/{meetingId}/recordings": Operation(
        MEETINGS_SPEC,
        "GET",
        "/meetings/{meetingId}/recordings",
        200,
        lambda d: d.api.get(f"/meetings/{_quoted(d.past_uuid)}/recordings"),
        _required(*_RECORDING, "recording_files", recording_files=_FILES),
    ),
    "GET /past_meetings/{meetingId}": Operation(
        MEETINGS_SPEC,
        "GET",
        "/past_meetings/{meetingId}",
        200,
        lambda d: d.api.get(f"/past_meetings/{_quoted(d.past_uuid)}"),
        _required("uuid", "id", "host_id", "topic", "start_time", "end_time", "duration"),
    ),
    "GET /past_meetings/{meetingId}/participants": Operation(
        MEETINGS_SPEC,
        "GET",
        "/past_meetings/{meetingId}/participants",
        200,
        lambda d: d.api.get(f"/past_meetings/{_quoted(d.past_uuid)}/participants"),
        _required(*_LIST_PAGE, "participants", participants=_items("id", "name", "join_time")),
    ),
}


def _validator(operation: Operation) -> Draft4Validator:
    return response_validator(
        operation.spec,
        operation.path,
        operation.method,
        operation.status,
        extra=operation.extra,
        corrections=CORRECTIONS[operation.spec],
    )


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_answer_matches_zoom_schema(demo: Demo, name: str) -> None:
    """The sandbox's answer to ``name`` validates against Zoom's documented response schema."""
    operation = OPERATIONS[name]
    answer = operation.call(demo)
    assert answer.status_code == operation.status, answer.text
    validator = _validator(operation)
    problems = describe_errors(validator, answer.json())
    assert not problems, f"{name} ({operation.spec}):\n" + "\n".join(problems)


def test_validators_catch_a_wrong_type_and_a_missing_field(demo: Demo) -> None:
    """The checks have teeth: a meeting with a string id and no join_url is refused."""
    operation = OPERATIONS["GET /meetings/{meetingId}"]
    validator = _validator(operation)
    body = demo.api.get(f"/meetings/{demo.meeting_id}").json()
    assert describe_errors(validator, body) == []
    broken = {**body, "id": str(body["id"])}
    del broken["join_url"]
    problems = "\n".join(describe_errors(validator, broken))
    assert "id: " in problems and "is not of type 'integer'" in problems
    assert "'join_url' is a required property" in problems


def test_legacy_schema_types_are_checked(demo: Demo) -> None:
    """Swagger 2 ``definitions`` resolve too: a string ``pmi`` or ``page_size`` is refused."""
    operation = OPERATIONS["GET /users"]
    validator = _validator(operation)
    body = demo.api.get("/users", params={"page_size": 5}).json()
    body["users"][0]["pmi"] = "not a number"
    body["page_size"] = "5"
    problems = "\n".join(describe_errors(validator, body))
    assert "users/0/pmi" in problems and "page_size" in problems
