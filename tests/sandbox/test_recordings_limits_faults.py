"""Recordings and downloads, rate limits, injected faults and the admin API, over loopback HTTP."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sandbox_http import admin, client, token

from zoomadmin.sandbox import SandboxServer, media
from zoomadmin.sandbox.state import Recording, RecordingFile


def _add_recording(server: SandboxServer) -> Recording:
    world = server.sandbox
    state = world.state
    now = world.clock.now()
    owner = state.owner_id
    uuid = state.new_uuid(world.rng)
    meeting_id = state.new_meeting_id(world.rng)
    start = now - timedelta(hours=1)
    files = []
    for index, (kind, ext, rtype) in enumerate(
        [
            ("MP4", "MP4", "shared_screen_with_speaker_view"),
            ("TRANSCRIPT", "VTT", "audio_transcript"),
        ]
    ):
        file_id = f"file{index}{uuid[:6]}".replace("/", "x").replace("+", "y")
        size = media.file_size(kind, rtype, 600, file_id)
        files.append(
            RecordingFile(
                file_id, uuid, kind, ext, rtype, start, start + timedelta(seconds=600), size
            )
        )
    rec = Recording(
        uuid,
        meeting_id,
        owner,
        "Algebra",
        2,
        start,
        10,
        "UTC",
        "123456",
        "http://share",
        now,
        files,
    )
    with state.lock:
        from zoomadmin.sandbox.state import PastMeeting

        state.add_past(
            PastMeeting(
                uuid, meeting_id, owner, "Algebra", 2, start, start + timedelta(minutes=10), 10
            )
        )
        state.add_recording(rec)
    return rec


def test_list_get_download_with_range(sandbox: SandboxServer) -> None:
    rec = _add_recording(sandbox)
    with client(sandbox) as api:
        listed = api.get("/users/me/recordings").json()
        assert listed["total_records"] == 1
        assert api.get("/accounts/me/recordings").json()["total_records"] == 1
        for path in ("/accounts/other-account/recordings", "/accounts/other-account/settings"):
            foreign = api.get(path)
            assert foreign.status_code == 400 and foreign.json()["code"] == 1010
        got = api.get(f"/meetings/{rec.meeting_id}/recordings").json()
        assert got["uuid"] == rec.uuid
        mp4 = got["recording_files"][0]
        assert "?" not in mp4["download_url"]
        answer = api.get(mp4["download_url"])
        assert answer.status_code == 302
        signed = answer.headers["location"]
        assert token(sandbox) not in signed
    # The signed storage link needs no token (and refuses one, as S3 refuses two).
    whole = httpx.get(signed)
    assert whole.status_code == 200 and len(whole.content) == mp4["file_size"]
    assert httpx.get(signed, headers={"Authorization": "Bearer x"}).status_code == 400
    part = httpx.get(signed, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == whole.content[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{mp4['file_size']}"
    beyond = httpx.get(signed, headers={"Range": f"bytes={mp4['file_size']}-"})
    assert beyond.status_code == 416
    assert httpx.get(signed.replace("signature=", "signature=0")).status_code == 403
    sandbox.sandbox.clock.advance(timedelta(minutes=6))
    assert httpx.get(signed).status_code == 403
    by_query = httpx.get(mp4["download_url"], params={"access_token": token(sandbox)})
    assert by_query.status_code == 302
    assert httpx.get(mp4["download_url"]).status_code == 401


def test_a_processing_file_has_no_download_and_a_rate_limit_paces_storage(
    sandbox: SandboxServer,
) -> None:
    rec = _add_recording(sandbox)
    rec.files[0].status = "processing"
    with client(sandbox) as api:
        got = api.get(f"/meetings/{rec.meeting_id}/recordings").json()
        processing = got["recording_files"][0]
        assert processing["status"] == "processing" and "download_url" not in processing
    url = f"{sandbox.sandbox.base_url}/rec/download/{rec.files[0].id}"
    bearer = {"Authorization": f"Bearer {token(sandbox)}"}
    assert httpx.get(url, headers=bearer).status_code == 404
    with admin(sandbox) as adm:
        assert adm.patch("/config", json={"download_rate": 2_000_000}).status_code < 300
        assert adm.get("/config").json()["download_rate"] == 2_000_000


def test_range_window_trash_recover_delete(sandbox: SandboxServer) -> None:
    rec = _add_recording(sandbox)
    with client(sandbox) as api:
        too_long = api.get(
            "/users/me/recordings", params={"from": "2026-01-01", "to": "2026-03-01"}
        )
        assert too_long.status_code == 400 and too_long.json()["code"] == 300
        assert api.delete(f"/meetings/{rec.meeting_id}/recordings").is_success
        assert api.get(f"/meetings/{rec.meeting_id}/recordings").json()["code"] == 3301
        assert (
            api.get("/users/me/recordings", params={"trash": "true"}).json()["total_records"] == 1
        )
        quoted = rec.uuid.replace("/", "%2F").replace("+", "%2B")
        assert api.put(
            f"/meetings/{quoted}/recordings/status", json={"action": "recover"}
        ).is_success
        assert api.get(f"/meetings/{rec.meeting_id}/recordings").status_code == 200
        file_id = rec.files[1].id
        assert api.delete(
            f"/meetings/{rec.meeting_id}/recordings/{file_id}", params={"action": "delete"}
        ).is_success
        assert len(api.get(f"/meetings/{rec.meeting_id}/recordings").json()["recording_files"]) == 1
        assert api.delete(
            f"/meetings/{rec.meeting_id}/recordings", params={"action": "delete"}
        ).is_success
        missing = api.get(f"/meetings/{rec.meeting_id}/recordings")
        assert missing.status_code == 404
        assert missing.json() == {
            "code": 3301,
            "message": "There is no recording for this meeting.",
        }


def test_per_second_limit_and_headers(sandbox: SandboxServer) -> None:
    with admin(sandbox) as adm:
        adm.patch("/config", json={"plan": "free"}).raise_for_status()
    with client(sandbox) as api:
        answers = [api.get("/users/me/meetings") for _ in range(6)]
    limited = [a for a in answers if a.status_code == 429]
    assert limited, "free plan allows 2 Medium requests per second"
    assert limited[0].json()["code"] == 429
    assert limited[0].json()["message"].startswith("You have reached the maximum per-second")
    assert limited[0].headers["x-ratelimit-category"] == "Medium"
    assert limited[0].headers["x-ratelimit-type"] == "QPS"
    assert answers[0].headers["x-ratelimit-limit"] == "2"


def test_host_daily_limit_resets_at_utc_midnight(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        meeting_id = api.post("/users/me/meetings", json={"topic": "t"}).json()["id"]
        owner = sandbox.sandbox.state.owner_id
        day = sandbox.sandbox.clock.now().date()
        sandbox.sandbox.state.quota[(owner, day)] = 100
        over = api.patch(f"/meetings/{meeting_id}", json={"topic": "u"})
        assert over.status_code == 429
        assert over.json()["message"].startswith("You have exceeded the daily rate limit (100)")
        assert over.headers["x-ratelimit-type"] == "Daily-limit"
        assert over.headers["retry-after"] == f"{day + timedelta(days=1)}T00:00:00Z"
        # Zoom counts deletes against the same 100 a day.
        assert api.delete(f"/meetings/{meeting_id}").status_code == 429
    sandbox.sandbox.clock.advance(timedelta(days=1))
    with client(sandbox) as api:  # a new token: the old one expired overnight
        assert api.post("/users/me/meetings", json={"topic": "t"}).status_code == 201
        assert api.delete(f"/meetings/{meeting_id}").status_code == 204


def test_faults_are_injected_and_removed(sandbox: SandboxServer) -> None:
    with admin(sandbox) as adm:
        assert adm.put("/faults", json={"spec": "5xx=1,seed=3"}).status_code == 200
        with client(sandbox) as api:
            answer = api.get("/users/me")
            assert answer.status_code == 500 and answer.json()["code"] == 500
            assert answer.headers["x-zm-trackingid"]
        adm.put("/faults", json={"spec": "drop=1"}).raise_for_status()
        with client(sandbox) as api, pytest.raises(httpx.TransportError):
            api.get("/users/me")
        adm.put("/faults", json={"spec": "burst429=1"}).raise_for_status()
        with client(sandbox) as api:
            assert api.get("/users/me").status_code == 429
        assert adm.put("/faults", json={"spec": "bogus=1"}).status_code == 400
        assert adm.delete("/faults").status_code == 204
        with client(sandbox) as api:
            assert api.get("/users/me").status_code == 200


def test_admin_clock_config_state_reset(sandbox: SandboxServer) -> None:
    with admin(sandbox) as adm:
        before = adm.get("/clock").json()
        assert before["speed"] == 0
        after = adm.post("/clock", json={"advance_seconds": 3600}).json()
        assert after["now"] > before["now"]
        assert adm.patch("/config", json={"plan": "gold"}).status_code == 400
        for bad in (b"{not json", b"[1, 2]"):
            refused = adm.post("/clock", content=bad)
            assert refused.status_code == 400
            assert refused.json() == {
                "code": 300,
                "message": "Request Body should be a valid JSON object.",
            }
        assert adm.get("/config").json()["plan"] == "business"
        counts = adm.get("/state").json()
        assert counts["users"] >= 1 and "webhook_deliveries" in counts
        assert adm.post("/reset", json={"seed": "demo"}).status_code == 200
        assert adm.get("/state").json()["users"] > 1
        assert adm.get("/deliveries").status_code == 200
        assert adm.post("/ws/drop").status_code == 204
