"""The admin switch that turns per-second and daily rate limits off (for load measurements)."""

from __future__ import annotations

import sandbox_http

from zoomadmin.sandbox import SandboxServer


def _statuses(server: SandboxServer, count: int) -> set[int]:
    with sandbox_http.client(server) as api:
        owner = api.get("/users").json()["users"][0]["id"]
        return {api.get(f"/users/{owner}").status_code for _ in range(count)}


def test_rate_limits_can_be_switched_off_and_on(sandbox: SandboxServer) -> None:
    """On the Free plan (Light 4/s) 30 quick reads hit 429; with limits off none does."""
    with sandbox_http.admin(sandbox) as admin:
        assert admin.get("/config").json()["rate_limits"] is True
        admin.patch("/config", json={"plan": "free"}).raise_for_status()
        assert 429 in _statuses(sandbox, 30)
        answer = admin.patch("/config", json={"rate_limits": False})
        assert answer.json()["rate_limits"] is False
        assert _statuses(sandbox, 30) == {200}
        admin.patch("/config", json={"rate_limits": True}).raise_for_status()
        assert 429 in _statuses(sandbox, 30)
        assert admin.patch("/config", json={"rate_limits": "no"}).status_code == 400
