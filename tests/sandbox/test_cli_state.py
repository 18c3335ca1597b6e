"""``zoomadmin sandbox serve`` end to end, and --state persistence across restarts."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx
from sandbox_http import client

import zoomadmin.sandbox.server as server_module
from zoomadmin.sandbox import SandboxServer
from zoomadmin.sandbox.state import SandboxState
from zoomadmin.sandbox.world import load_state, save_state


def test_serve_prints_one_json_line_and_exits_zero(tmp_path: Path) -> None:
    state = tmp_path / "account.json"
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "zoomadmin",
            "sandbox",
            "serve",
            "--seed",
            "empty",
            "--speed",
            "0",
            "--state",
            str(state),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        for key in (
            "api_url",
            "oauth_url",
            "ws_url",
            "account_id",
            "client_id",
            "client_secret",
            "webhook_secret",
            "admin_url",
            "subscription_id",
        ):
            assert info[key]
        assert info["api_url"].startswith("http://127.0.0.1:")
        answer = httpx.post(
            info["oauth_url"],
            params={"grant_type": "account_credentials", "account_id": info["account_id"]},
            auth=(info["client_id"], info["client_secret"]),
        )
        assert answer.status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert out.strip() == ""
    assert json.loads(state.read_text())["account"]["account_id"] == info["account_id"]


def test_state_file_keeps_users_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    with SandboxServer(speed=0, state_file=path) as first, client(first) as api:
        made = api.post(
            "/users",
            json={"action": "autoCreate", "user_info": {"email": "kept@example.com", "type": 1}},
        )
        assert made.status_code == 201
        account = first.info.account_id
    with SandboxServer(speed=0, state_file=path) as second, client(second) as api:
        assert second.info.account_id == account
        assert api.get("/users/kept@example.com").status_code == 200


def test_stop_waits_for_a_periodic_save_in_progress(tmp_path: Path, monkeypatch: Any) -> None:
    """The save at stop and a periodic save never write the state file at the same time."""
    path = tmp_path / "state.json"
    entered, second, release = threading.Event(), threading.Event(), threading.Event()
    writing: list[int] = [0, 0]  # now, most at once
    guard = threading.Lock()

    def observed_save(state: SandboxState, target: Path) -> None:
        with guard:
            writing[0] += 1
            writing[1] = max(writing)
            if entered.is_set():
                second.set()
            entered.set()
        try:
            if not release.is_set():
                release.wait(5)  # the first (periodic) save is still writing
            save_state(state, target)
        finally:
            with guard:
                writing[0] -= 1

    monkeypatch.setattr(server_module, "_SAVE_SECONDS", 0.0)  # a periodic save at every tick
    monkeypatch.setattr(server_module, "save_state", observed_save)
    server = SandboxServer(speed=0, state_file=path)
    server.start()
    assert entered.wait(5)
    stopper = threading.Thread(target=server.stop)
    stopper.start()
    second.wait(1)  # the save at stop starts now unless it waits for the periodic one
    release.set()
    stopper.join(10)
    assert not stopper.is_alive()
    assert writing[1] == 1
    assert load_state(path).account.account_id == server.sandbox.config.account_id
