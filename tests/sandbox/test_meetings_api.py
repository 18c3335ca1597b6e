"""Meetings, past meetings and dashboard endpoints of the sandbox, over loopback HTTP."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import httpx
from sandbox_http import client

from zoomadmin.sandbox import SandboxServer


def _schedule(api: httpx.Client, **extra: object) -> httpx.Response:
    body = {"topic": "Algebra", "type": 2, "start_time": "2026-03-03T10:00:00Z", "duration": 45}
    body.update(extra)
    return api.post("/users/me/meetings", json=body)


def test_create_and_get_scheduled(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        made = _schedule(api, settings={"auto_recording": "cloud", "alternative_hosts": ""})
        assert made.status_code == 201
        body = made.json()
        assert isinstance(body["id"], int) and body["id"] >= 1_000_000_000
        assert body["uuid"].endswith("==") and len(body["uuid"]) == 24
        assert body["start_time"] == "2026-03-03T10:00:00Z" and body["duration"] == 45
        assert body["join_url"].startswith(sandbox.info.api_url.removesuffix("/v2"))
        assert body["settings"]["auto_recording"] == "cloud"
        got = api.get(f"/meetings/{body['id']}").json()
        assert got["status"] == "waiting" and got["host_email"] == body["host_email"]


def test_local_start_time_with_timezone(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        made = _schedule(api, start_time="2026-07-01T09:00:00", timezone="Europe/Berlin")
        assert made.json()["start_time"] == "2026-07-01T07:00:00Z"


def test_recurring_occurrences_and_occurrence_edits(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        recurrence = {"type": 2, "weekly_days": "2,4", "end_times": 50}
        made = _schedule(api, type=8, recurrence=recurrence, start_time="2026-03-02T15:00:00Z")
        assert made.status_code == 201
        occs = made.json()["occurrences"]
        assert len(occs) == 50
        first, second = occs[0]["occurrence_id"], occs[1]["occurrence_id"]
        meeting_id = made.json()["id"]
        answer = api.patch(
            f"/meetings/{meeting_id}", params={"occurrence_id": second}, json={"duration": 90}
        )
        assert answer.status_code == 204
        assert (
            api.delete(f"/meetings/{meeting_id}", params={"occurrence_id": first}).status_code
            == 204
        )
        got = api.get(
            f"/meetings/{meeting_id}", params={"show_previous_occurrences": "true"}
        ).json()
        by_id = {o["occurrence_id"]: o for o in got["occurrences"]}
        assert by_id[first]["status"] == "deleted" and by_id[second]["duration"] == 90
        one = api.get(f"/meetings/{meeting_id}", params={"occurrence_id": second}).json()
        assert one["duration"] == 90
        unknown = {"occurrence_id": "1"}
        for answer in (
            api.get(f"/meetings/{meeting_id}", params=unknown),
            api.patch(f"/meetings/{meeting_id}", params=unknown, json={"duration": 30}),
            api.delete(f"/meetings/{meeting_id}", params=unknown),
        ):
            assert answer.status_code == 400
            assert answer.json()["message"] == "Invalid parameter: occurrence_id."


def test_update_delete_and_errors(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        meeting_id = _schedule(api).json()["id"]
        assert (
            api.patch(f"/meetings/{meeting_id}", json={"topic": "Geometry", "junk": 1}).status_code
            == 204
        )
        assert api.get(f"/meetings/{meeting_id}").json()["topic"] == "Geometry"
        assert api.delete(f"/meetings/{meeting_id}").status_code == 204
        gone = api.get(f"/meetings/{meeting_id}")
        assert gone.status_code == 404
        assert gone.json() == {"code": 3001, "message": f"Meeting does not exist: {meeting_id}."}
        assert _schedule(api, type=5).status_code == 400
        assert api.post("/users/nobody@example.com/meetings", json={}).status_code == 404


def test_list_types_and_paging(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        for day in range(3, 8):
            _schedule(api, start_time=f"2026-03-0{day}T10:00:00Z")
        _schedule(api, start_time="2026-03-01T10:00:00Z")
        listed = api.get("/users/me/meetings", params={"page_size": 4}).json()
        assert listed["total_records"] == 6 and len(listed["meetings"]) == 4
        rest = api.get(
            "/users/me/meetings",
            params={"page_size": 4, "next_page_token": listed["next_page_token"]},
        ).json()
        assert len(rest["meetings"]) == 2 and rest["next_page_token"] == ""
        assert (
            api.get("/users/me/meetings", params={"type": "upcoming"}).json()["total_records"] == 5
        )
        assert (
            api.get("/users/me/meetings", params={"type": "previous_meetings"}).json()[
                "total_records"
            ]
            == 1
        )


def test_live_end_past_and_metrics(sandbox: SandboxServer) -> None:
    world = sandbox.sandbox
    with client(sandbox) as api:
        body = _schedule(api, start_time="2026-03-02T09:05:00Z", duration=30).json()
        world.clock.advance(timedelta(minutes=10))
        assert api.get(f"/meetings/{body['id']}").json()["status"] == "started"
        assert api.get("/users/me/meetings", params={"type": "live"}).json()["total_records"] == 1
        live = api.get("/metrics/meetings", params={"type": "live"}).json()
        assert [m["id"] for m in live["meetings"]] == [body["id"]]
        assert api.put(f"/meetings/{body['id']}/status", json={"action": "end"}).status_code == 204
        assert api.get(f"/meetings/{body['id']}").json()["status"] == "waiting"
        past = api.get(f"/past_meetings/{body['id']}").json()
        assert past["id"] == body["id"] and past["participants_count"] >= 1
        double = quote(quote(past["uuid"], safe=""), safe="")
        assert api.get(f"/past_meetings/{double}").json()["uuid"] == past["uuid"]
        people = api.get(f"/past_meetings/{body['id']}/participants").json()["participants"]
        assert people and people[0]["join_time"].endswith("Z")
        metrics = api.get(
            "/metrics/meetings",
            params={"type": "past", "from": "2026-03-01", "to": "2026-03-02T23:00:00Z"},
        ).json()
        assert body["id"] in [m["id"] for m in metrics["meetings"]]
        assert api.get("/past_meetings/123456789").status_code == 404


def test_instant_and_no_fixed_time_meetings(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        instant = api.post("/users/me/meetings", json={"topic": "Now", "type": 1})
        assert instant.status_code == 201 and instant.json()["type"] == 1
        hosts = {"alternative_hosts": "staff+1@learnwell.example"}
        loose = api.post("/users/me/meetings", json={"topic": "Any", "type": 3, "settings": hosts})
        assert loose.status_code == 201 and loose.json()["type"] == 3
        got = api.get(f"/meetings/{loose.json()['id']}").json()
        assert got["type"] == 3 and "occurrences" not in got
        assert got["settings"]["alternative_hosts"] == "staff+1@learnwell.example"
        scheduled = api.get("/users/me/meetings", params={"type": "scheduled"}).json()
        assert {m["id"] for m in scheduled["meetings"]} >= {loose.json()["id"]}


def test_weekly_occurrences_keep_local_time_across_dst(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        made = _schedule(
            api,
            type=8,
            start_time="2026-03-02T09:00:00",
            timezone="America/New_York",
            recurrence={"type": 2, "weekly_days": "2", "end_times": 3},  # 2 = Monday
        )
        got = api.get(f"/meetings/{made.json()['id']}").json()
    assert [o["start_time"] for o in got["occurrences"]] == [
        "2026-03-02T14:00:00Z",
        "2026-03-09T13:00:00Z",
        "2026-03-16T13:00:00Z",
    ]
