"""Edges of the Zoom contract: 405s, the token endpoint's account check, user.updated, seats."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
from sandbox_http import admin, client, token
from webhook_receiver import WebhookReceiver

from tests.conftest import SANDBOX_START
from zoomadmin.sandbox import SandboxServer
from zoomadmin.sandbox.faults import FaultPlan

SECRET = "edge-secret"


def test_wrong_method_answers_zoom_shaped_405(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        answer = api.put("/users/me")
    assert answer.status_code == 405
    assert answer.json() == {"code": 405, "message": "Method Not Allowed"}
    assert answer.headers["content-type"].startswith("application/json")
    assert "GET" in answer.headers["allow"]
    assert answer.headers["x-zm-trackingid"]


def test_wrong_account_id_at_token_endpoint(sandbox: SandboxServer) -> None:
    info = sandbox.info
    answer = httpx.post(
        info.oauth_url,
        params={"grant_type": "account_credentials", "account_id": "someone-else"},
        auth=(info.client_id, info.client_secret),
    )
    assert answer.status_code == 400
    assert answer.json() == {"reason": "Invalid account_id", "error": "invalid_request"}


async def _subscribe(sandbox: SandboxServer, receiver: WebhookReceiver) -> None:
    async with httpx.AsyncClient(base_url=sandbox.info.admin_url) as adm:
        answer = await adm.post(
            "/webhooks",
            json={"url": receiver.url, "secret_token": SECRET, "events": ["user.updated"]},
        )
    answer.raise_for_status()


async def _patch(sandbox: SandboxServer, url: str, body: dict[str, object]) -> int:
    headers = {"Authorization": f"Bearer {token(sandbox)}"} if "/v2/" in url else {}
    async with httpx.AsyncClient() as http:
        answer = await http.patch(url, json=body, headers=headers)
    return answer.status_code


async def test_licence_change_publishes_user_updated_with_old_object(
    sandbox: SandboxServer,
) -> None:
    owner = sandbox.sandbox.state.owner_id
    async with WebhookReceiver(SECRET) as receiver:
        await _subscribe(sandbox, receiver)
        status = await _patch(sandbox, f"{sandbox.info.api_url}/users/{owner}", {"type": 1})
        assert status == 204
        await receiver.wait_for(1, "user.updated")
    payload = receiver.events("user.updated")[0].json()["payload"]
    assert payload["object"] == {"id": owner, "type": 1}  # type: ignore[index]
    assert payload["old_object"] == {"id": owner, "type": 2}  # type: ignore[index]
    assert payload["operator_id"] == owner  # type: ignore[index]


async def test_settings_changed_from_outside_publish_user_updated(sandbox: SandboxServer) -> None:
    owner = sandbox.sandbox.state.owner_id
    before = sandbox.sandbox.state.users[owner].settings["recording"]["auto_recording"]
    url = f"{sandbox.info.admin_url}/users/{owner}/settings"
    async with WebhookReceiver(SECRET) as receiver:
        await _subscribe(sandbox, receiver)
        assert await _patch(sandbox, url, {"recording": {"auto_recording": "local"}}) == 204
        await receiver.wait_for(1, "user.updated")
    payload = receiver.events("user.updated")[0].json()["payload"]
    assert payload["object"] == {  # type: ignore[index]
        "id": owner,
        "settings": {"recording": {"auto_recording": "local"}},
    }
    assert payload["old_object"] == {  # type: ignore[index]
        "id": owner,
        "settings": {"recording": {"auto_recording": before}},
    }


def test_deactivated_user_keeps_its_paid_seat(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        made = api.post(
            "/users",
            json={"action": "autoCreate", "user_info": {"email": "paid@example.com", "type": 2}},
        )
        user_id = made.json()["id"]
        used = api.get("/accounts/me/plans/usage").json()["plan_base"]["usage"]
        assert api.put(f"/users/{user_id}/status", json={"action": "deactivate"}).status_code == 204
        assert api.get(f"/users/{user_id}").json()["type"] == 2
        assert api.get("/accounts/me/plans/usage").json()["plan_base"]["usage"] == used
        assert api.patch(f"/users/{user_id}", json={"type": 1}).status_code == 204
        assert api.get("/accounts/me/plans/usage").json()["plan_base"]["usage"] == used - 1


def test_live_meetings_and_waiting_recordings_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    cloud = {"type": 2, "duration": 30, "settings": {"auto_recording": "cloud"}}
    with SandboxServer(speed=0, state_file=path, start_time=SANDBOX_START) as first:
        config = first.sandbox.config
        config.no_show_share = config.late_join_share = 0.0
        config.overrun_minutes, config.recording_delay_minutes = (0, 0), (30, 30)
        with client(first) as api:
            ended = api.post(
                "/users/me/meetings", json={**cloud, "start_time": "2026-03-02T09:05:00Z"}
            ).json()["id"]
            live = api.post(
                "/users/me/meetings", json={**cloud, "start_time": "2026-03-02T09:50:00Z"}
            ).json()["id"]
        first.sandbox.clock.advance(timedelta(minutes=55))
        state = first.sandbox.state
        assert state.latest_instance(ended) is not None and not state.recordings
        assert live in state.live and state.pending_recordings
    later = SANDBOX_START + timedelta(minutes=55)
    with SandboxServer(speed=0, state_file=path, start_time=later) as second:
        state = second.sandbox.state
        assert live in state.live and state.pending_recordings
        second.sandbox.clock.advance(timedelta(days=1))
        assert live not in state.live and state.latest_instance(live) is not None
        assert {r.meeting_id for r in state.recordings.values()} == {ended, live}


def test_slow_fault_delays_without_failing(sandbox: SandboxServer) -> None:
    plan = FaultPlan.parse("slow=1:0.05,seed=2")
    assert plan.draw() == (None, 0.05)
    with admin(sandbox) as adm:
        adm.put("/faults", json={"spec": "slow=1:0.05"}).raise_for_status()
        with client(sandbox) as api:
            assert api.get("/users/me").status_code == 200
        assert adm.delete("/faults").status_code == 204


def test_fault_draws_repeat_for_a_seed() -> None:
    spec = "5xx=0.3,drop=0.2,slow=0.2:0.5,burst429=0.2"

    def draws(seed: int) -> list[tuple[str | None, float]]:
        plan = FaultPlan.parse(f"{spec},seed={seed}")
        return [plan.draw() for _ in range(40)]

    assert draws(7) == draws(7)
    assert draws(7) != draws(8)
    assert {fault for fault, _ in draws(7)} >= {None, "5xx", "drop", "burst429"}


def test_recordings_page_by_next_page_token(demo_sandbox: SandboxServer) -> None:
    window = {"from": "2026-02-01", "to": "2026-03-01T23:59:59Z", "page_size": 5}
    with client(demo_sandbox) as api:
        first = api.get("/accounts/me/recordings", params=window).json()
        assert first["total_records"] > 5 and len(first["meetings"]) == 5
        seen = [m["uuid"] for m in first["meetings"]]
        token = first["next_page_token"]
        while token:
            page = api.get(
                "/accounts/me/recordings", params={**window, "next_page_token": token}
            ).json()
            seen += [m["uuid"] for m in page["meetings"]]
            token = page["next_page_token"]
    assert len(seen) == len(set(seen)) == first["total_records"]


def test_disassociate_is_the_default_delete(sandbox: SandboxServer) -> None:
    with client(sandbox) as api:
        made = api.post(
            "/users",
            json={"action": "autoCreate", "user_info": {"email": "left@example.com", "type": 1}},
        )
        user_id = made.json()["id"]
        assert api.delete(f"/users/{user_id}", params={"action": "shred"}).status_code == 400
        assert api.delete(f"/users/{user_id}").status_code == 204
        assert api.get(f"/users/{user_id}").status_code == 404
