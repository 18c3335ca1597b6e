"""Credentials come from ``secrets``, the state file is private, and the admin API is guarded."""

from __future__ import annotations

import json
import signal
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import sandbox_http

from tests.conftest import SANDBOX_START
from zoomadmin.sandbox import SandboxServer
from zoomadmin.sandbox.app import build_app
from zoomadmin.sandbox.world import Sandbox, save_state

_TOKEN = "s3cret-admin-token-for-tests"
_SERVE_OPTIONS = ("--seed", "empty", "--speed", "0", "--admin-token", _TOKEN)


def _credentials(sandbox: Sandbox) -> list[str]:
    account = sandbox.config
    return [
        account.account_id,
        account.client_id,
        account.client_secret,
        account.webhook_secret,
        account.subscription_id,
    ]


def test_same_seed_same_data_but_never_the_same_credentials() -> None:
    first = Sandbox(seed="demo", seed_value=7, speed=0, start_time=SANDBOX_START, simulate=False)
    second = Sandbox(seed="demo", seed_value=7, speed=0, start_time=SANDBOX_START, simulate=False)
    assert sorted(first.state.users) == sorted(second.state.users)
    assert sorted(first.state.meetings) == sorted(second.state.meetings)
    assert set(_credentials(first)).isdisjoint(_credentials(second))
    seeded = [*first.state.users, *(m.password for m in first.state.meetings.values())]
    seeded += [m.uuid for m in first.state.meetings.values()]
    for secret in _credentials(first):
        assert not any(value and value in secret for value in seeded), secret
        assert not any(secret in value for value in seeded), secret


def test_the_state_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    left_over = path.with_name(path.name + ".tmp")
    left_over.write_text("{}")
    left_over.chmod(0o644)  # a temporary file from a crash, made under a lax umask
    with SandboxServer(speed=0, state_file=path):
        pass
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    save_state(Sandbox(speed=0).state, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "client_secret" in json.loads(path.read_text())["account"]


def _asgi_admin(sandbox: Sandbox, client_host: str) -> httpx.AsyncClient:
    """The admin API as seen from ``client_host``: the app called in-process, as uvicorn would.

    A real socket from another address is not available on every test machine.
    """
    transport = httpx.ASGITransport(app=build_app(sandbox), client=(client_host, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://sandbox/_sandbox")


async def _clock_status(sandbox: Sandbox, client_host: str, headers: dict[str, str]) -> int:
    async with _asgi_admin(sandbox, client_host) as admin:
        answer = await admin.get("/clock", headers=headers)
    if answer.status_code != 200:
        body = answer.json()
        assert isinstance(body["code"], int) and body["message"]
    return answer.status_code


@pytest.mark.parametrize(
    ("client_host", "expected"),
    [("127.0.0.1", 200), ("::1", 200), ("::ffff:127.0.0.1", 200), ("203.0.113.7", 403)],
)
async def test_without_a_token_the_admin_api_answers_loopback_only(
    client_host: str, expected: int
) -> None:
    sandbox = Sandbox(speed=0, simulate=False)
    assert await _clock_status(sandbox, client_host, {}) == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, 401),
        ({"Authorization": "Bearer wrong"}, 401),
        ({"Authorization": f"Bearer {_TOKEN}"}, 200),
        ({"X-Sandbox-Admin-Token": _TOKEN}, 200),
    ],
)
async def test_with_a_token_the_admin_api_answers_whoever_presents_it(
    headers: dict[str, str], expected: int
) -> None:
    sandbox = Sandbox(speed=0, simulate=False, admin_token=_TOKEN)
    assert await _clock_status(sandbox, "203.0.113.7", headers) == expected
    assert await _clock_status(sandbox, "127.0.0.1", headers) == expected


def test_the_admin_token_guards_the_admin_api_over_loopback() -> None:
    with SandboxServer(speed=0, admin_token=_TOKEN) as server:
        admin = sandbox_http.admin(server)
        refused = admin.post("/clock", json={"advance_seconds": 60})
        assert refused.status_code == 401
        assert "admin token" in refused.json()["message"]
        before = server.sandbox.clock.now()
        moved = admin.post(
            "/clock",
            json={"advance_seconds": 60},
            headers={"Authorization": f"Bearer {_TOKEN}"},
        )
        assert moved.status_code == 200
        assert (server.sandbox.clock.now() - before).total_seconds() == 60
        with sandbox_http.client(server) as api:  # /v2 still takes its own OAuth tokens
            assert api.get("/users/me").status_code == 200


def test_an_empty_admin_token_is_refused() -> None:
    with pytest.raises(ValueError, match="admin token"):
        Sandbox(admin_token=" ")


def test_serve_takes_an_admin_token() -> None:
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "zoomadmin", "sandbox", "serve", *_SERVE_OPTIONS],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        clock = f"{info['admin_url']}/clock"
        assert httpx.get(clock, timeout=10).status_code == 401
        headers = {"Authorization": f"Bearer {_TOKEN}"}
        assert httpx.get(clock, headers=headers, timeout=10).status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=20)
    assert proc.returncode == 0
