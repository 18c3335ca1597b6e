"""A sandbox state file that cannot be read is set aside, never fatal; saves are durable."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest
from sandbox_http import client

from zoomadmin.sandbox import SandboxServer
from zoomadmin.sandbox.world import load_state, save_state


@pytest.mark.parametrize(
    "content",
    [
        b'{"version": 2, "account": {"account_id": "trunc',  # cut short by a power loss
        b"\xff\xfe not text at all",
        b'{"version": 99}',
        b"[1, 2, 3]",
        b'{"version": 2, "account": {}}',
    ],
)
def test_a_corrupt_state_file_is_set_aside_and_the_seed_starts(
    tmp_path: Path, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "sandbox.json"
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="zoomadmin.sandbox"):
        server = SandboxServer(speed=0, seed="demo", state_file=path)
    aside = list(tmp_path.glob("sandbox.json.corrupt-*"))
    assert len(aside) == 1
    assert aside[0].read_bytes() == content
    assert not path.exists()
    assert server.sandbox.state.users, "the demo seed was not used"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any(aside[0].name in r.getMessage() for r in warnings)
    with server, client(server) as api:
        assert api.get("/users").status_code == 200
    assert load_state(path).account.account_id == server.sandbox.config.account_id


def test_a_readable_state_file_is_loaded_and_not_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    first = SandboxServer(speed=0, seed="demo")
    save_state(first.sandbox.state, path)
    again = SandboxServer(speed=0, seed="empty", state_file=path)
    assert again.sandbox.config.account_id == first.sandbox.config.account_id
    assert list(tmp_path.glob("*.corrupt-*")) == []


def test_save_syncs_the_temporary_file_before_renaming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "sandbox.json"
    calls: list[tuple[str, Any]] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append(("fsync", fd)), real_fsync(fd))[1])
    monkeypatch.setattr(
        os, "replace", lambda a, b: (calls.append(("replace", b)), real_replace(a, b))[1]
    )
    save_state(SandboxServer(speed=0).sandbox.state, path)
    kinds = [kind for kind, _ in calls]
    assert "fsync" in kinds and "replace" in kinds
    assert kinds.index("fsync") < kinds.index("replace")
    assert load_state(path).account.account_id
