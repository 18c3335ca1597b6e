"""What the schedule queue relies on: end_times 1..50, deletes on the daily quota, DST."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from sandbox_http import client

from zoomadmin.sandbox import SandboxServer

LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")


def _series(api: httpx.Client, **recurrence: object) -> httpx.Response:
    body = {
        "topic": "Term",
        "type": 8,
        "start_time": "2026-03-03T10:00:00Z",
        "duration": 45,
        "recurrence": {"type": 2, "weekly_days": "3", **recurrence},
    }
    return api.post("/users/me/meetings", json=body)


@pytest.mark.parametrize("end_times", [0, 51, 60])
def test_end_times_outside_one_to_fifty_is_refused(sandbox: SandboxServer, end_times: int) -> None:
    with client(sandbox) as api:
        answer = _series(api, end_times=end_times)
        assert answer.status_code == 400
        assert answer.json()["code"] == 300
        assert "end_times" in str(answer.json()["errors"])


def test_end_times_of_fifty_makes_fifty_occurrences(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        answer = _series(api, end_times=50)
        assert answer.status_code == 201
        assert len(answer.json()["occurrences"]) == 50


def test_deletes_count_against_the_hosts_daily_quota(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        made = _series(api, end_times=5).json()
        owner = made["host_id"]
        day = sandbox.sandbox.clock.now().astimezone(UTC).date()
        before = sandbox.sandbox.state.quota[(owner, day)]
        occ = made["occurrences"][1]["occurrence_id"]
        assert (
            api.delete(f"/meetings/{made['id']}", params={"occurrence_id": occ}).status_code == 204
        )
        assert sandbox.sandbox.state.quota[(owner, day)] == before + 1
        other = _series(api, end_times=2).json()
        sandbox.sandbox.state.quota[(owner, day)] = 100
        refused = api.delete(f"/meetings/{other['id']}")
        assert refused.status_code == 429
        assert "daily rate limit (100)" in refused.json()["message"]
        assert api.get(f"/meetings/{other['id']}").status_code == 200  # not deleted


def _occurrence_starts(api: httpx.Client, start: str, tz: str, count: int) -> list[datetime]:
    body = {
        "topic": "Term",
        "type": 8,
        "start_time": start,
        "timezone": tz,
        "duration": 60,
        "recurrence": {"type": 2, "weekly_days": "3", "end_times": count},
    }
    made = api.post("/users/me/meetings", json=body)
    assert made.status_code == 201, made.text
    return [
        datetime.fromisoformat(o["start_time"].replace("Z", "+00:00"))
        for o in made.json()["occurrences"]
    ]


def test_weekly_keeps_local_time_across_london_spring_change(sandbox: SandboxServer) -> None:
    # 2026-03-29: the UK springs forward; 09:00 local moves from 09:00Z to 08:00Z.
    with client(sandbox) as api:
        starts = _occurrence_starts(api, "2026-03-24T09:00:00", "Europe/London", 3)
    assert [s.hour for s in starts] == [9, 8, 8]
    assert {s.astimezone(LONDON).hour for s in starts} == {9}


def test_weekly_keeps_local_time_across_both_sydney_changes(sandbox: SandboxServer) -> None:
    # 2026-04-05 Sydney falls back (UTC+11 -> +10); 2026-10-04 it springs forward again.
    with client(sandbox) as api:
        autumn = _occurrence_starts(api, "2026-03-31T09:00:00", "Australia/Sydney", 2)
        spring = _occurrence_starts(api, "2026-09-29T09:00:00", "Australia/Sydney", 2)
    assert [s.hour for s in autumn] == [22, 23]  # 09:00 AEDT is 22:00Z the day before
    assert [s.hour for s in spring] == [23, 22]
    assert {s.astimezone(SYDNEY).hour for s in autumn + spring} == {9}
