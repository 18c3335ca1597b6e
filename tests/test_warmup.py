"""The start-up head start: a sandbox and database opened early, taken once, released if not."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from zoomadmin.sandbox import SandboxServer
from zoomadmin.store.db import schema_is_current
from zoomadmin.warmup import EarlySandbox, SandboxPlan, Warmup


def _plan(tmp_path: Path, speed: float = 10.0) -> SandboxPlan:
    return SandboxPlan(speed, tmp_path / "state.json", tmp_path / "zoomadmin.sqlite3")


def _clock(admin_url: str) -> dict[str, object]:
    response = httpx.get(f"{admin_url}/clock", timeout=10)
    response.raise_for_status()
    data: dict[str, object] = response.json()
    return data


def test_the_app_takes_a_started_sandbox_and_an_open_database_once(tmp_path: Path) -> None:
    warmup = Warmup(lambda: _plan(tmp_path))
    warmup.begin()
    assert warmup.take_sandbox(1.0) is None  # another speed: the app builds its own
    early = warmup.take_sandbox(10.0)
    assert early is not None
    try:
        info = early.start()
        assert _clock(info.admin_url)["speed"] == 10.0
        assert early.start() == info
        assert warmup.take_sandbox(10.0) is None
        assert warmup.take_engine(tmp_path / "other.sqlite3") is None
        engine = warmup.take_engine(tmp_path / "zoomadmin.sqlite3")
        assert engine is not None
        try:
            assert schema_is_current(engine)
        finally:
            engine.dispose()
        assert warmup.take_engine(tmp_path / "zoomadmin.sqlite3") is None
    finally:
        early.stop()
        warmup.close()
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{info.admin_url}/clock", timeout=2)


def test_close_stops_what_nobody_took_and_keeps_the_sandbox_state(tmp_path: Path) -> None:
    warmup = Warmup(lambda: _plan(tmp_path))
    warmup.begin()
    warmup.close()
    assert json.loads((tmp_path / "state.json").read_text(encoding="utf-8"))
    assert (tmp_path / "zoomadmin.sqlite3").is_file()
    assert warmup.take_sandbox(10.0) is None
    assert warmup.take_engine(tmp_path / "zoomadmin.sqlite3") is None


def test_no_plan_means_no_head_start(tmp_path: Path) -> None:
    warmup = Warmup(lambda: None)
    warmup.begin()
    assert warmup.take_sandbox(1.0) is None
    assert warmup.take_engine(tmp_path / "zoomadmin.sqlite3") is None
    warmup.close()
    assert list(tmp_path.iterdir()) == []


def test_a_sandbox_that_cannot_be_built_fails_where_the_app_starts_it(tmp_path: Path) -> None:
    # A corrupt state file is set aside now, never fatal: an unknown seed still fails.
    early = EarlySandbox(lambda: SandboxServer(seed="nope", state_file=tmp_path / "state.json"))
    with pytest.raises(ValueError, match="unknown seed 'nope'"):
        early.start()
    early.stop()  # nothing was built: nothing to stop
