"""An exception in the sandbox's tick is logged and shown, and simulated time keeps moving."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
from sandbox_http import admin

import zoomadmin.sandbox.server as server_module
from zoomadmin.sandbox import SandboxServer


def test_a_failing_tick_is_logged_shown_and_ticking_goes_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(server_module, "_TICK_SECONDS", 0.001)
    monkeypatch.setattr(server_module, "_TICK_BACKOFF_SECONDS", 0.001)
    server = SandboxServer(speed=0)
    simulation = server.sandbox.simulation
    assert simulation is not None
    real_tick = simulation.tick
    calls = [0]
    recovered = threading.Event()

    def flaky_tick() -> Any:
        calls[0] += 1
        if calls[0] <= 3:
            raise RuntimeError(f"simulated failure {calls[0]}")
        if calls[0] >= 6:
            recovered.set()
        return real_tick()

    monkeypatch.setattr(simulation, "tick", flaky_tick)
    with caplog.at_level(logging.ERROR, logger="zoomadmin.sandbox"), server:
        assert recovered.wait(10), "the ticker stopped after the failing ticks"
        state = admin(server).get("/state").json()
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 3
    assert all(r.exc_info and isinstance(r.exc_info[1], RuntimeError) for r in errors)
    last = state["last_tick_error"]
    assert last["type"] == "RuntimeError"
    assert last["message"] == "simulated failure 3"
    assert last["count"] == 3
    assert "RuntimeError: simulated failure 3" in last["traceback"]
    assert last["at"].endswith("Z")


def test_state_shows_no_tick_error_while_all_is_well() -> None:
    with SandboxServer(speed=0) as server:
        assert admin(server).get("/state").json()["last_tick_error"] is None
