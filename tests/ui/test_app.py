"""The composition root: opens on the demo sandbox, follows its clock, runs unattended."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from zoomadmin.app import Application, build_window
from zoomadmin.paths import AppPaths
from zoomadmin.services.connection import SANDBOX_LABEL, ConnectionState
from zoomadmin.services.credentials import MemorySecretStore
from zoomadmin.start_time import process_start_time
from zoomadmin.store.preferences import PreferencesFile
from zoomadmin.ui.common.error_dialog import ErrorReporter
from zoomadmin.warmup import Warmup, sandbox_plan

REPO = Path(__file__).resolve().parents[2]


async def test_app_opens_on_the_demo_sandbox_and_says_so(
    app: Application, app_paths: AppPaths, reported_errors: list[str]
) -> None:
    status = app.status
    assert status.account.text() == SANDBOX_LABEL
    assert status.account.isVisible()
    assert status.connection.text() == ConnectionState.CONNECTED.value
    assert status.clock.isVisible() and status.speed.isVisible()
    assert app.window.windowTitle().startswith(SANDBOX_LABEL)
    account = app.connection.active
    assert account is not None and account.is_sandbox
    assert account.owner is not None and account.owner.email
    # The demo world really answers through the client, over loopback.
    users = [u async for u in account.client.iter_users()]
    assert len(users) > 1
    assert (app_paths.data_root / "sandbox" / "zoomadmin.sqlite3").is_file()
    assert reported_errors == []


async def test_the_speed_control_runs_the_app_on_the_sandbox_clock(
    app: Application, app_paths: AppPaths, wait_until
) -> None:
    before = app.clock.now()
    app.status.speed.activated.emit(2)  # 60×
    await wait_until(lambda: app.clock.speed == 60.0, what="the clock to run at 60x")
    reading = await app.connection.sync_clock()
    assert reading is not None and reading.speed == 60.0
    assert app.clock.follows_sandbox
    assert app.clock.now() >= before
    assert PreferencesFile(app_paths.preferences_path).load().sandbox_speed == 60.0
    await wait_until(
        lambda: app.clock.now() - before > timedelta(seconds=3),
        within=2,
        what="sandbox time to run fast",
    )


async def test_switching_to_a_missing_profile_shows_why_with_a_way_back(
    app: Application, wait_until
) -> None:
    app.open_account("gone")
    await wait_until(lambda: app.connection.state is ConnectionState.FAILED)
    await app.runner.wait_idle()
    page = app.window.state_page
    assert "no account called 'gone'" in page.message.text()
    assert not page.retry.isHidden() and not page.accounts.isHidden()
    assert app.status.account.text() == "Not connected"


async def test_app_opens_on_the_sandbox_and_database_its_head_start_opened(
    qtbot: QtBot, app_paths: AppPaths, reporter: ErrorReporter, wait_until
) -> None:
    warmup = Warmup(lambda: sandbox_plan(app_paths, force_sandbox=False))
    warmup.begin()
    await warmup.planned()
    settings = QSettings(str(app_paths.config_dir / "window.ini"), QSettings.Format.IniFormat)
    application = Application(
        paths=app_paths,
        window=build_window(app_paths, settings),
        reporter=reporter,
        secrets=MemorySecretStore(),
        warmup=warmup,
    )
    application.start()
    try:
        await wait_until(application.loaded.is_set, within=30, what="the sandbox to open")
        account = application.connection.active
        assert account is not None and account.is_sandbox and account.owner is not None
        # Both were taken from the head start, so it has nothing left to give.
        speed = PreferencesFile(app_paths.preferences_path).load().sandbox_speed
        assert warmup.take_sandbox(speed) is None
        assert warmup.take_engine(app_paths.data_root / "sandbox" / "zoomadmin.sqlite3") is None
    finally:
        await application.shutdown()
        application.window.close()
        application.window.deleteLater()
        await asyncio.sleep(0.01)
    assert (app_paths.data_root / "sandbox" / "state.json").is_file()


def test_process_start_time_is_before_now() -> None:
    import time

    started = process_start_time()
    assert 0 < time.time() - started < 24 * 3600


def test_process_start_time_is_not_before_the_process_was_spawned() -> None:
    import time

    code = "from zoomadmin.start_time import process_start_time; print(repr(process_start_time()))"
    before = time.time()
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    started = float(result.stdout)
    # /proc counts in clock ticks (10 ms); a start taken from btime (whole seconds) could be
    # up to a second before the spawn.
    assert before - 0.02 <= started <= time.time()


def _run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "zoomadmin", "--basedir", str(tmp_path / "base"), *args],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
        cwd=REPO,
        check=False,
    )


def test_smoke_test_opens_the_sandbox_and_reports_the_keyring(tmp_path: Path) -> None:
    result = _run_cli(tmp_path, "--smoke-test")
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["account"] == SANDBOX_LABEL
    assert summary["owner"]
    assert summary["window_shown_s"] > 0
    # Every tab was opened and loaded its first data, not only the one shown first.
    assert list(summary["tabs_opened"]) == summary["tabs"]
    assert len(summary["tabs"]) >= 5
    assert all(seconds >= 0 for seconds in summary["tabs_opened"].values())
    # Tests run with keyring's null backend: the smoke test must refuse it, by name.
    assert summary["keyring_secure"] is False
    assert "no secure password store" in summary["keyring_problem"]
    assert result.returncode == 1
    # A person reading the build log sees why it failed, without parsing the JSON.
    assert "Smoke test failed: the keyring is not secure." in result.stderr
    assert "install and unlock GNOME Keyring or KWallet" in result.stderr
    assert (tmp_path / "base" / "logs" / "zoomadmin.log").is_file()
    assert (tmp_path / "base" / "config" / "window.ini").is_file()


def test_screenshot_saves_one_png_per_tab_and_exits_0(tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    result = _run_cli(tmp_path, "--screenshot", str(shots))
    assert result.returncode == 0, result.stderr
    names = json.loads(result.stdout.strip().splitlines()[-1])["screenshots"]
    assert names
    for name in names:
        data = (shots / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(data) > 5000


async def test_accounts_opened_while_connecting_learn_the_account_in_use(
    qtbot: QtBot, app_paths: AppPaths, reporter: ErrorReporter, wait_until
) -> None:
    settings = QSettings(str(app_paths.config_dir / "window.ini"), QSettings.Format.IniFormat)
    application = Application(
        paths=app_paths,
        window=build_window(app_paths, settings),
        reporter=reporter,
        secrets=MemorySecretStore(),
    )
    application.start()
    application.open_accounts_dialog()  # before any account is open
    dialog = application._accounts_dialog
    assert dialog is not None
    try:
        await wait_until(application.loaded.is_set, within=30, what="the sandbox to open")
        await application.runner.wait_idle()
        dialog.list.setCurrentIndex(dialog.model.index(0, 0))
        assert not dialog.switch_button.isEnabled(), "the sandbox is the account in use"
    finally:
        dialog.close()
        await application.shutdown()
        application.window.close()
        application.window.deleteLater()
        await asyncio.sleep(0.01)
