"""GUI test setup: every ``async def`` test under tests/ui runs on a qasync loop over Qt.

How it works (pytest-asyncio 1.x, qasync 0.28):

- pytest-asyncio 1.x lets a conftest supply event loop factories through the
  ``pytest_asyncio_loop_factories`` hook (the old ``event_loop`` fixture is gone and
  ``event_loop_policy`` is deprecated with asyncio's policies). The hook below returns a
  single factory that builds ``qasync.QEventLoop`` on the one ``QApplication`` (the same
  instance pytest-qt's ``qapp`` fixture returns). So in an ``async def`` test,
  ``asyncio.get_running_loop()`` IS the Qt event loop: awaiting anything lets Qt paint,
  deliver signals and run timers, exactly as in the app. Async fixtures share that loop.
- The application is told not to quit when its last window closes: qasync runs each test
  through ``QApplication.exec()``, and a closing dialog would otherwise stop the loop
  ("Event loop stopped before Future completed").
- Never call ``qtbot.waitUntil``/``qtbot.wait`` inside an async test: they spin a nested
  Qt loop under qasync. Await the ``wait_until`` fixture (or ``asyncio.sleep``) instead.
  ``qtbot.addWidget`` and ``qtbot.keyClick``/``mouseClick`` are fine.
- Synchronous tests (``def test_x(qtbot)``) are untouched and use plain pytest-qt.

Usage::

    async def test_hosts_load(qtbot, runner, wait_until):
        tab = HostsTab(runner, hosts_service)
        qtbot.addWidget(tab)
        tab.refresh()
        await wait_until(lambda: tab.model.rowCount() == 3)

``runner`` is an :class:`AsyncRunner` whose :class:`ErrorReporter` (``reporter``) is
installed as sys.excepthook and as the loop's exception handler for the test, and whose
reported errors are collected in ``reported_errors`` (a list of one-line summaries).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any

import pytest
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from zoomadmin.app import Application, build_window
from zoomadmin.paths import AppPaths
from zoomadmin.services.credentials import MemorySecretStore
from zoomadmin.ui.common.async_runner import AsyncRunner
from zoomadmin.ui.common.error_dialog import ErrorReporter

DEFAULT_WAIT = 5.0
HERE = Path(__file__).parent
# The offscreen platform cannot raise windows or pass size hints to a window manager, and
# says so on every top-level show(); the app is right to ask, so these are not failures.
OFFSCREEN_LIMITS = (
    r"This plugin does not support propagateSizeHints\(\)",
    r"This plugin does not support raise\(\)",
    r"This plugin does not support grabbing the keyboard",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tolerate the offscreen platform's own limitations in the GUI tests here."""
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_LIMITS))


def _qasync_loop() -> asyncio.AbstractEventLoop:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication([])
    app.setQuitOnLastWindowClosed(False)
    loop: asyncio.AbstractEventLoop = qasync.QEventLoop(app)
    return loop


async def settled(application: Application, wait_until: Any) -> None:
    """Wait until the tabs heard every change so far and refreshed (the runner is idle)."""
    from zoomadmin.ui.common.change_listener import ChangeListener

    def quiet() -> bool:
        listeners = application.window.findChildren(ChangeListener)
        return application.runner.running == 0 and not any(x.pending for x in listeners)

    await wait_until(quiet, what="the tabs to catch up with the changes")
    await application.runner.wait_idle()


async def opened(application: Application, wait_until: Any) -> None:
    """Wait until the account is open and settled: its tab loaded, its jobs started (once
    the tab had its data) and through their first round (the stream connected, the
    poller's first poll), and the tabs caught up with what that changed.

    Background work settles before the test body (or before a test ends after reopening):
    between a fixture, the test and the teardown pytest-asyncio stops the loop that would
    run it, and Qt may still wake its sockets while no loop runs.
    """
    await wait_until(application.loaded.is_set, within=30, what="the sandbox account to open")
    await application.runner.wait_idle()
    await wait_until(application.jobs_started.is_set, what="the account's jobs to start")
    await wait_until(
        lambda: application.runtime is not None and application.runtime.poller.polls > 0,
        what="the poller's first poll",
    )
    await wait_until(
        lambda: application.status.events.text() == "Events: connected",
        what="the event stream to connect",
    )
    await settled(application, wait_until)


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], asyncio.AbstractEventLoop]]:
    """Run the async tests of this directory on a qasync loop (see the module docstring)."""
    return {"qasync": _qasync_loop}


async def _wait_until(
    predicate: Callable[[], object],
    *,
    within: float = DEFAULT_WAIT,
    what: str | Callable[[], str] = "",
) -> None:
    """Let Qt and asyncio run until ``predicate()`` is true; fail after ``within`` s.

    ``what`` names what was awaited in the failure; a callable is asked at the failure, so
    it can tell what the screen showed instead.
    """
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            said = what() if callable(what) else what
            pytest.fail(f"timed out after {within} s waiting for {said or predicate}")
        await asyncio.sleep(0.01)


WaitUntil = Callable[..., Coroutine[Any, Any, None]]


@pytest.fixture
def wait_until() -> WaitUntil:
    """``await wait_until(predicate, within=5, what="...")``: let Qt run until it holds."""
    return _wait_until


@pytest.fixture
def app_paths(tmp_path: Path) -> AppPaths:
    """Every file of the app under the test's tmp_path (what ``--basedir`` does)."""
    return AppPaths.under(tmp_path / "basedir")


@pytest.fixture
def reported_errors() -> list[str]:
    """Summaries of the unexpected errors the ``reporter`` showed during the test."""
    return []


@pytest.fixture
async def reporter(
    qapp: QApplication, app_paths: AppPaths, reported_errors: list[str]
) -> AsyncIterator[ErrorReporter]:
    """An ErrorReporter installed for the test's loop, removed afterwards."""
    errors = ErrorReporter(app_paths.log_root / "zoomadmin.log")
    errors.error_reported.connect(reported_errors.append)
    errors.install(asyncio.get_running_loop())
    yield errors
    errors.uninstall()
    if errors.dialog is not None:
        errors.dialog.close()
        errors.dialog.deleteLater()
        # Delete it in this thread now; Python's GC might otherwise run in a worker thread.
        await asyncio.sleep(0.01)


@pytest.fixture
async def runner(reporter: ErrorReporter) -> AsyncIterator[AsyncRunner]:
    """The app's AsyncRunner wired to ``reporter``; jobs left running are cancelled after."""
    jobs = AsyncRunner(reporter)
    yield jobs
    jobs.cancel_all()
    await asyncio.sleep(0)


@pytest.fixture
async def app(
    qtbot: object, app_paths: AppPaths, reporter: ErrorReporter, wait_until: WaitUntil
) -> AsyncIterator[Application]:
    """The whole app, opened on a fresh demo sandbox under ``app_paths``, settled."""
    settings = QSettings(str(app_paths.config_dir / "window.ini"), QSettings.Format.IniFormat)
    application = Application(
        paths=app_paths,
        window=build_window(app_paths, settings),
        reporter=reporter,
        secrets=MemorySecretStore(),
    )
    application.start()
    await opened(application, wait_until)
    yield application
    await application.shutdown()
    application.window.close()
    application.window.deleteLater()
    # Let Qt delete it now, in this thread; left to Python's GC it could go in a worker.
    await asyncio.sleep(0.01)
