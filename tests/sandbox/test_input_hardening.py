"""Malformed requests answer Zoom-shaped 4xx, change nothing, and never stop the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
import sandbox_http

from tests.conftest import SANDBOX_START
from zoomadmin.sandbox import SandboxServer

_FAR_END = "9999-12-31T23:59:59-05:00"
_FAR_START = "0001-01-01T00:00:00+05:00"
_BAD_IDS = {"superscript two": "²", "circled one": "①", "5000 digits": "7" * 5000}


@dataclass
class World:
    """A demo account with ids the malformed requests below aim at."""

    server: SandboxServer
    api: httpx.Client
    admin: httpx.Client
    meeting_id: int
    series_id: int
    download_url: str


def _series_body() -> dict[str, Any]:
    return {
        "topic": "Weekly",
        "type": 8,
        "start_time": "2026-03-03T15:00:00Z",
        "duration": 45,
        "timezone": "Europe/Paris",
        "recurrence": {"type": 2, "weekly_days": "3", "end_times": 6},
    }


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    """One demo sandbox for the whole module (every request below is refused, so it stays put)."""
    with SandboxServer(seed="demo", speed=0, start_time=SANDBOX_START) as server:
        # Many requests in a second (a 429 would hide the answer under test) and many clock
        # moves (the token must outlive them).
        knobs = {"rate_limits": False, "token_lifetime_seconds": 10**7}
        sandbox_http.admin(server).patch("/config", json=knobs).raise_for_status()
        api = sandbox_http.client(server)
        one_off = {"topic": "One-off", "type": 2, "start_time": "2026-03-04T10:00:00Z"}
        meeting = api.post("/users/me/meetings", json=one_off).json()["id"]
        series = api.post("/users/me/meetings", json=_series_body()).json()["id"]
        month = {"from": "2026-02-01", "to": "2026-03-01"}
        recordings = api.get("/accounts/me/recordings", params=month).json()["meetings"]
        url = recordings[0]["recording_files"][0]["download_url"]
        yield World(server, api, sandbox_http.admin(server), meeting, series, url)
        api.close()


@dataclass(frozen=True)
class Bad:
    """One malformed request: method, path (``{m}``/``{s}`` = meeting/series id), payload."""

    method: str
    path: str
    json: Any = None
    content: str | None = None
    params: dict[str, str] | None = None
    headers: dict[str, str] | None = None


def _meeting_create(**fields: Any) -> Bad:
    body = {"topic": "x", "type": 2, "start_time": "2026-03-05T10:00:00Z", **fields}
    return Bad("POST", "/users/me/meetings", json=body)


def _series_create(start: str = "2026-03-05T10:00:00Z", **recurrence: Any) -> Bad:
    body = {"type": 8, "start_time": start, "recurrence": recurrence}
    return Bad("POST", "/users/me/meetings", json=body)


def _new_user(email: str = "new.person@learnwell.example", kind: Any = 1) -> Bad:
    return Bad(
        "POST", "/users", json={"action": "create", "user_info": {"email": email, "type": kind}}
    )


def _by_id(key: str) -> list[Bad]:
    """Every route taking a meeting id or UUID, with ``key`` as that id."""
    return [
        Bad("GET", f"/meetings/{key}"),
        Bad("PATCH", f"/meetings/{key}", json={"topic": "x"}),
        Bad("DELETE", f"/meetings/{key}"),
        Bad("PUT", f"/meetings/{key}/status", json={"action": "end"}),
        Bad("PUT", f"/meetings/{key}/status", json={"action": "recover"}),
        Bad("GET", f"/meetings/{key}/recordings"),
        Bad("DELETE", f"/meetings/{key}/recordings"),
        Bad("GET", f"/past_meetings/{key}"),
        Bad("GET", f"/past_meetings/{key}/participants"),
    ]


CASES: dict[str, Bad] = {
    "deep array body": Bad("PATCH", "/meetings/{m}", content="[" * 100_000),
    "deep object body": Bad("POST", "/users/me/meetings", content='{"a":' * 50_000),
    "deep but parsable": Bad(
        "PATCH",
        "/meetings/{m}",
        content='{"settings": {"host_video": ' + "[" * 500 + "]" * 500 + "}}",
    ),
    "NaN": Bad("PATCH", "/meetings/{s}", content='{"duration": NaN}'),
    "Infinity end_times": Bad(
        "PATCH", "/meetings/{s}", content='{"recurrence": {"type": 1, "end_times": Infinity}}'
    ),
    "-Infinity": Bad("POST", "/users/me/meetings", content='{"duration": -Infinity}'),
    "user type true": _new_user(kind=True),
    "user type 1.0": _new_user(kind=1.0),
    "user type 2.0": _new_user(kind=2.0),
    "email with NUL": _new_user(email="a\u0000b@learnwell.example"),
    "timezone number": _meeting_create(timezone=5),
    "timezone folder": _meeting_create(timezone="Europe"),
    "timezone very long": _meeting_create(timezone="A" * 5000),
    "patch timezone number": Bad("PATCH", "/meetings/{m}", json={"type": 2, "timezone": 5}),
    "patch timezone folder": Bad("PATCH", "/meetings/{m}", json={"timezone": "Europe"}),
    "start_time year 9999": _meeting_create(start_time=_FAR_END),
    "start_time year 1": _meeting_create(start_time=_FAR_START),
    "patch start_time year 9999": Bad(
        "PATCH", "/meetings/{m}", json={"timezone": "Asia/Tokyo", "start_time": _FAR_END}
    ),
    "patch start_time year 1": Bad("PATCH", "/meetings/{m}", json={"start_time": _FAR_START}),
    "recordings from year 9999": Bad("GET", "/users/me/recordings", params={"from": _FAR_END}),
    "recordings from year 1": Bad("GET", "/accounts/me/recordings", params={"from": _FAR_START}),
    "metrics from year 9999": Bad(
        "GET", "/metrics/meetings", params={"type": "past", "from": _FAR_END}
    ),
    "monthly_week -1, weekday 9": _series_create(type=3, monthly_week=-1, monthly_week_day=9),
    "monthly_week -1, weekday 0": _series_create(type=3, monthly_week=-1, monthly_week_day=0),
    "monthly_week_day 9": _series_create(type=3, monthly_week=1, monthly_week_day=9),
    "monthly_week 7": _series_create(type=3, monthly_week=7, monthly_week_day=2),
    "daily series in 9999": _series_create("9999-12-20T10:00:00Z", type=1, end_times=20),
    "recurrence end_times true": _series_create(type=1, end_times=True),
    "recurrence end_date_time year 1": _series_create(type=1, end_date_time=_FAR_START),
    "duration 10**15": _meeting_create(duration=10**15),
    "patch duration 10**15": Bad("PATCH", "/meetings/{m}", json={"duration": 10**15}),
    "duration true": _meeting_create(duration=True),
    "user timezone unknown": Bad("PATCH", "/users/me", json={"timezone": "Mars/Olympus_Mons"}),
    "user timezone folder": Bad("PATCH", "/users/me", json={"timezone": "Europe"}),
    "user type 2.0 on patch": Bad("PATCH", "/users/me", json={"type": 2.0}),
    "Range with underscores": Bad("GET", "{download}", headers={"Range": "bytes=1_0-2_0"}),
    "Range with full-width digits": Bad(
        "GET", "{download}", content=None, headers={"Range": "bytes=0-1e3"}
    ),
    "admin advance 1e20": Bad("POST", "{admin}/clock", json={"advance_seconds": 1e20}),
    "admin advance true": Bad("POST", "{admin}/clock", json={"advance_seconds": True}),
    "admin now year 9999": Bad("POST", "{admin}/clock", json={"now": "9999-12-31T23:59:59Z"}),
    **{
        f"{bad.method} {bad.path.replace(key, '<' + label + '>')}": bad
        for label, key in _BAD_IDS.items()
        for bad in _by_id(key)
    },
}


def _send(world: World, bad: Bad) -> httpx.Response:
    if "{download}" in bad.path:
        # Downloads answer 302 to signed storage, which reads the Range: send it there.
        link = world.api.get(world.download_url)
        assert link.status_code == 302, link.text
        return httpx.request(bad.method, link.headers["location"], headers=bad.headers)
    path = (
        bad.path.replace("{m}", str(world.meeting_id))
        .replace("{s}", str(world.series_id))
        .replace("{download}", world.download_url)
        .replace("{admin}", world.server.info.admin_url)
    )
    return world.api.request(
        bad.method,
        path,
        json=bad.json,
        content=bad.content,
        params=bad.params,
        headers=bad.headers,
    )


def _still_serving(world: World) -> None:
    api = world.api
    for kind in ("scheduled", "upcoming", "live", "previous_meetings"):
        assert api.get("/users/me/meetings", params={"type": kind}).status_code == 200, kind
    assert api.get("/users").status_code == 200
    assert api.get(f"/meetings/{world.series_id}").status_code == 200
    month = {"from": "2026-02-10", "to": "2026-03-02"}
    assert api.get("/accounts/me/recordings", params=month).status_code == 200
    assert api.get("/users/me/recordings", params=month).status_code == 200
    moved = world.admin.post("/clock", json={"advance_seconds": 60})
    assert moved.status_code == 200, moved.text


@pytest.mark.parametrize("name", list(CASES))
def test_malformed_input_answers_zoom_shaped_4xx_and_the_sandbox_goes_on(
    world: World, name: str
) -> None:
    answer = _send(world, CASES[name])
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:200])
    body = answer.json()
    assert isinstance(body.get("code"), int)
    assert isinstance(body.get("message"), str)
    assert body["message"]
    _still_serving(world)


def _meeting(api: httpx.Client, meeting_id: int) -> dict[str, Any]:
    answer = api.get(f"/meetings/{meeting_id}")
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


@pytest.mark.parametrize(
    "patch",
    [
        {"type": 2, "timezone": 5},
        {"timezone": "Asia/Tokyo", "start_time": _FAR_END},
        {"topic": "Renamed", "duration": 10**15},
        {"topic": "Renamed", "agenda": "new", "recurrence": {"type": 3, "monthly_week_day": 9}},
        {"type": 8, "recurrence": {"type": 1, "end_times": 3}, "settings": "not an object"},
    ],
)
def test_a_refused_meeting_patch_changes_nothing(
    sandbox: SandboxServer, patch: dict[str, Any]
) -> None:
    api = sandbox_http.client(sandbox)
    created = api.post("/users/me/meetings", json=_series_body()).json()
    before = _meeting(api, created["id"])
    answer = api.patch(f"/meetings/{created['id']}", json=patch)
    assert answer.status_code == 400, answer.text
    after = _meeting(api, created["id"])
    before.pop("start_url"), after.pop("start_url")
    assert after == before


def test_a_refused_user_patch_changes_nothing(sandbox: SandboxServer) -> None:
    api = sandbox_http.client(sandbox)
    before = api.get("/users/me").json()
    answer = api.patch(
        "/users/me", json={"first_name": "Renamed", "dept": "Sales", "timezone": "Mars/Base"}
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == 300
    assert api.get("/users/me").json() == before


def _no_no_shows(server: SandboxServer) -> httpx.Client:
    """Every session runs; tokens outlive a week of clock moves."""
    adm = sandbox_http.admin(server)
    knobs = {"no_show_share": 0, "token_lifetime_seconds": 10**7}
    assert adm.patch("/config", json=knobs).status_code == 200
    return adm


def test_infinity_is_refused_and_the_series_keeps_running(sandbox: SandboxServer) -> None:
    adm = _no_no_shows(sandbox)
    api = sandbox_http.client(sandbox)
    body = _series_body() | {"start_time": "2026-03-02T12:00:00Z"}
    body["recurrence"] = {"type": 1, "end_times": 8}
    series = api.post("/users/me/meetings", json=body).json()["id"]
    answer = api.patch(
        f"/meetings/{series}", content='{"recurrence": {"type": 1, "end_times": Infinity}}'
    )
    assert answer.status_code == 400
    assert answer.json() == {"code": 300, "message": "Request Body should be a valid JSON object."}
    assert _meeting(api, series)["recurrence"]["end_times"] == 8
    for _ in range(8):
        assert adm.post("/clock", json={"advance_seconds": 24 * 3600}).status_code == 200
    ran = [p for p in sandbox.sandbox.state.past.values() if p.meeting_id == series]
    assert len(ran) == 8


def test_one_meeting_that_cannot_be_simulated_does_not_stop_the_others(
    sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A meeting stored with bad data (e.g. by an older sandbox) is marked, the rest runs on."""
    adm = _no_no_shows(sandbox)
    api = sandbox_http.client(sandbox)
    body = _series_body() | {"start_time": "2026-03-02T10:00:00Z", "timezone": "UTC"}
    body["recurrence"] = {"type": 1, "end_times": 8}
    good = api.post("/users/me/meetings", json=body).json()["id"]
    bad = api.post("/users/me/meetings", json=body | {"topic": "Broken"}).json()["id"]
    state = sandbox.sandbox.state
    with state.lock:
        recurrence = state.meetings[bad].recurrence
        assert recurrence is not None
        recurrence["end_times"] = float("inf")  # what JSON's Infinity used to store
    moved = adm.post("/clock", json={"advance_seconds": 24 * 3600})
    assert moved.status_code == 200, moved.text
    ran = sum(1 for p in state.past.values() if p.meeting_id == good)
    assert ran == 1
    listing = api.get("/users/me/meetings", params={"type": "upcoming"})
    assert listing.status_code == 200
    assert [m["id"] for m in listing.json()["meetings"]] == [good]
    broken = adm.get("/state").json()["broken_meetings"]
    assert [b["meeting_id"] for b in broken] == [bad]
    assert "OverflowError" in broken[0]["error"]
    assert api.get(f"/meetings/{bad}").json()["code"] == 500
    for _ in range(6):
        assert adm.post("/clock", json={"advance_seconds": 24 * 3600}).status_code == 200
    assert sum(1 for p in state.past.values() if p.meeting_id == good) == 7
    # A valid schedule mends it (and takes it off the list); deleting it would as well.
    fixed = api.patch(f"/meetings/{bad}", json={"recurrence": {"type": 1, "end_times": 9}})
    assert fixed.status_code == 204, fixed.text
    assert adm.get("/state").json()["broken_meetings"] == []
    assert adm.post("/clock", json={"advance_seconds": 24 * 3600}).status_code == 200
    assert sum(1 for p in state.past.values() if p.meeting_id == bad) == 1
    assert adm.get("/state").json()["broken_meetings"] == []
    assert sandbox.sandbox.clock.now() == SANDBOX_START + timedelta(days=8)


@pytest.mark.parametrize(
    "body",
    ['{"grant_type":' * 50_000, '{"grant_type": ' + "[" * 900 + "]" * 900 + "}", '{"a": NaN}'],
)
def test_the_token_endpoint_answers_odd_json_bodies_in_oauth_shape(
    sandbox: SandboxServer, body: str
) -> None:
    info = sandbox.info
    answer = httpx.post(
        info.oauth_url,
        params={"grant_type": "account_credentials", "account_id": info.account_id},
        content=body,
        auth=(info.client_id, "not the secret"),
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "reason": "Invalid client_id or client_secret",
        "error": "invalid_client",
    }
