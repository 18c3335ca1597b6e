"""Quitting the real app: the close button, File > Quit, Ctrl+Q, SIGTERM and SIGINT all shut
down in order (exit 0, the sandbox state saved, the database's WAL folded back in)."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
START_WITHIN = 60.0
QUIT_WITHIN = 30.0
SEATS = 17
"""Paid seats set through the sandbox's admin API just before quitting (the demo has 5)."""


@dataclass
class Child:
    """The app in a child process, opened on the sandbox under ``basedir``."""

    process: subprocess.Popen[str]
    basedir: Path
    admin_url: str

    def quit_and_wait(self, how: str) -> tuple[int, str]:
        """Quit the way ``how`` says; the exit code and everything written on stderr."""
        if how in ("SIGTERM", "SIGINT"):
            self.process.send_signal(getattr(signal, how))
            stdin = None
        else:
            stdin = "go\n"
        try:
            _, stderr = self.process.communicate(stdin, timeout=QUIT_WITHIN)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, stderr = self.process.communicate()
            pytest.fail(f"the app was still running {QUIT_WITHIN:.0f} s after {how}:\n{stderr}")
        return self.process.returncode, stderr


def _read_ready_line(process: subprocess.Popen[str]) -> dict[str, object]:
    assert process.stdout is not None
    deadline = time.monotonic() + START_WITHIN
    while time.monotonic() < deadline:
        readable, _, _ = select.select([process.stdout], [], [], 0.5)
        if not readable:
            if process.poll() is not None:
                break
            continue
        line = process.stdout.readline()
        if not line:
            break
        if line.startswith("{") and '"ready"' in line:
            ready: dict[str, object] = json.loads(line)
            return ready
    process.kill()
    _, stderr = process.communicate()
    pytest.fail(f"the app did not open the sandbox within {START_WITHIN:.0f} s:\n{stderr}")


def _start(tmp_path: Path, how: str) -> Child:
    basedir = tmp_path / "base"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and test script
        [sys.executable, str(HERE / "quit_child.py"), how, "--basedir", str(basedir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    ready = _read_ready_line(process)
    return Child(process, basedir, str(ready["admin_url"]))


def _change_paid_seats(child: Child) -> None:
    response = httpx.patch(f"{child.admin_url}/config", json={"paid_seats": SEATS}, timeout=10)
    response.raise_for_status()


def _assert_shut_down_in_order(child: Child, code: int, stderr: str) -> None:
    assert code == 0, stderr
    assert "Traceback" not in stderr, stderr
    sandbox = child.basedir / "data" / "sandbox"
    state = json.loads((sandbox / "state.json").read_text(encoding="utf-8"))
    assert state["account"]["paid_seats"] == SEATS, "the sandbox state was not saved at quit"
    wal = sandbox / "zoomadmin.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0, "the database was not closed"
    log = (child.basedir / "logs" / "zoomadmin.log").read_text(encoding="utf-8")
    assert " ERROR " not in log, log


@pytest.mark.slow
@pytest.mark.parametrize("how", ["close", "menu"])
def test_quitting_from_the_window_shuts_down_in_order(tmp_path: Path, how: str) -> None:
    child = _start(tmp_path, how)
    _change_paid_seats(child)
    _assert_shut_down_in_order(child, *child.quit_and_wait(how))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["SIGTERM", "SIGINT"])
def test_a_signal_quits_like_the_quit_action(tmp_path: Path, name: str) -> None:
    child = _start(tmp_path, "signal")
    _change_paid_seats(child)
    _assert_shut_down_in_order(child, *child.quit_and_wait(name))
