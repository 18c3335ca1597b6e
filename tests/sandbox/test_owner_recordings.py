"""The demo owner hosts recorded meetings of its own, so "my recordings" is not empty."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import sandbox_http

from tests.conftest import SANDBOX_START
from zoomadmin.sandbox import SandboxServer


def _my_recordings(api: httpx.Client, start: datetime, end: datetime) -> list[dict[str, object]]:
    window = {"from": start.date().isoformat(), "to": end.date().isoformat(), "page_size": 300}
    answer = api.get("/users/me/recordings", params=window)
    assert answer.status_code == 200, answer.text
    meetings: list[dict[str, object]] = answer.json()["meetings"]
    return meetings


def test_the_demo_owner_has_cloud_recordings_in_the_last_month(
    demo_sandbox: SandboxServer,
) -> None:
    with sandbox_http.client(demo_sandbox) as api:
        me = api.get("/users/me").json()
        month_ago = SANDBOX_START - timedelta(days=28)  # from 2026-02-02: one month
        found = _my_recordings(api, month_ago, SANDBOX_START)
        assert len(found) >= 3, found
        for recording in found:
            assert recording["host_id"] == me["id"]
            started = datetime.fromisoformat(str(recording["start_time"]).replace("Z", "+00:00"))
            assert month_ago <= started <= SANDBOX_START
            files = recording["recording_files"]
            assert isinstance(files, list) and {f["file_type"] for f in files} >= {"MP4"}
        # The files download, as a third-party "my recordings" client would fetch them.
        url = found[0]["recording_files"][0]["download_url"]  # type: ignore[index]
        link = api.get(str(url))  # Zoom answers a download with a signed storage link
        assert link.status_code == 302, link.text
        assert httpx.get(link.headers["location"]).status_code == 200
        # Each recording is the owner's meeting, with its upcoming sessions still scheduled.
        upcoming = api.get("/users/me/meetings", params={"type": "upcoming"}).json()["meetings"]
        assert any(m["topic"] == found[0]["topic"] for m in upcoming)


def test_the_owner_recordings_keep_coming_as_the_clock_moves(demo_sandbox: SandboxServer) -> None:
    admin = sandbox_http.admin(demo_sandbox)
    admin.patch("/config", json={"no_show_share": 0}).raise_for_status()
    assert admin.post("/clock", json={"advance_seconds": 4 * 24 * 3600}).status_code == 200
    now = SANDBOX_START + timedelta(days=4)
    with sandbox_http.client(demo_sandbox) as api:
        recent = _my_recordings(api, now - timedelta(days=2), now)
    assert len(recent) == 1
