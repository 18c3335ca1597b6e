"""Start-up never imports one module on two threads at once: the head start's threads find
everything they need already imported (an import racing the GUI thread's could see a
partially initialised module and fail the head start)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
HEAD_START_THREAD = re.compile(r"warmup|sandbox-start|sandbox-\d+")
"""The warm-up thread, the thread starting the early sandbox and the sandbox's server thread."""
STARTS = 30
AT_ONCE = 4
"""Starts run side by side, which also makes a race between threads likelier."""


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", **extra}


def _head_start_imports(tmp_path: Path, basedir: Path) -> dict[str, list[str]]:
    report = tmp_path / "imports.json"
    result = subprocess.run(  # noqa: S603 - our own interpreter and test script
        [
            sys.executable,
            str(HERE / "thread_imports_child.py"),
            "--basedir",
            str(basedir),
            "--smoke-test",
        ],
        capture_output=True,
        text=True,
        timeout=90,
        env=_env(IMPORTS_REPORT=str(report)),
        cwd=REPO,
        check=False,
    )
    assert '"loaded_s"' in result.stdout, result.stderr
    imports: dict[str, list[str]] = json.loads(report.read_text(encoding="utf-8"))
    return {name: mods for name, mods in imports.items() if HEAD_START_THREAD.fullmatch(name)}


@pytest.mark.slow
def test_the_head_start_threads_import_nothing_themselves(tmp_path: Path) -> None:
    basedir = tmp_path / "base"
    first = _head_start_imports(tmp_path, basedir)  # a fresh folder: the database is created
    assert first == {}, f"imported on a head-start thread at the first start: {first}"
    again = _head_start_imports(tmp_path, basedir)  # the database and state file exist
    assert again == {}, f"imported on a head-start thread at a later start: {again}"


def _start_once(basedir: Path) -> str:
    """Run ``--smoke-test`` once; the log's ERROR lines (with their traceback), if any."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "zoomadmin", "--basedir", str(basedir), "--smoke-test"],
        capture_output=True,
        text=True,
        timeout=90,
        env=_env(),
        cwd=REPO,
        check=False,
    )
    log = (basedir / "logs" / "zoomadmin.log").read_text(encoding="utf-8")
    problems = log[log.index(" ERROR ") - 30 :] if " ERROR " in log else ""
    if '"loaded_s"' not in result.stdout:
        problems += f"\nno summary printed; stderr:\n{result.stderr}"
    return problems


def _starts_log_no_error(tmp_path: Path, starts: int) -> None:
    folders = [tmp_path / f"start-{number:02d}" for number in range(starts)]
    with ThreadPoolExecutor(AT_ONCE) as pool:
        problems = [p for p in pool.map(_start_once, folders) if p]
    assert problems == [], f"{len(problems)} of {starts} starts went wrong:\n{problems[0]}"


@pytest.mark.slow
def test_a_few_starts_log_no_error(tmp_path: Path) -> None:
    _starts_log_no_error(tmp_path, AT_ONCE)


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.skipif(
    not os.environ.get("ZOOMADMIN_SLOW_TESTS"),
    reason="a minute or more; set ZOOMADMIN_SLOW_TESTS=1 to run (four starts always run)",
)
def test_thirty_starts_log_no_error(tmp_path: Path) -> None:
    _starts_log_no_error(tmp_path, STARTS)
