"""The composition root: builds every service and widget, wires them, and runs the qasync loop."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from zoomadmin import APP_NAME, __version__
from zoomadmin.core.errors import AppError
from zoomadmin.logs import setup_logging
from zoomadmin.paths import AppPaths
from zoomadmin.start_time import process_start_time
from zoomadmin.tab_wiring import AccountContext, demo_tenants, pool_notifier, tab_builders

if TYPE_CHECKING:
    from PySide6.QtCore import QObject, QSettings

    from zoomadmin.account.opener import AccountOpener
    from zoomadmin.account.runtime import AccountRuntime
    from zoomadmin.core.changes import Change
    from zoomadmin.core.profiles import AccountProfile
    from zoomadmin.core.schedule import QueueCounts
    from zoomadmin.jobs.lease import LeadershipLease
    from zoomadmin.services.connection import (
        ActiveAccount,
        ConnectionService,
        ConnectionState,
        SandboxHandle,
    )
    from zoomadmin.services.credentials import SecretStore
    from zoomadmin.services.first_open import FirstOpenReport
    from zoomadmin.store.preferences import PreferencesFile
    from zoomadmin.store.repositories import Store
    from zoomadmin.ui.accounts.accounts_dialog import AccountsDialog
    from zoomadmin.ui.common.error_dialog import ErrorReporter
    from zoomadmin.ui.curriculum.wizard import CurriculumWizard
    from zoomadmin.ui.main_window import MainWindow
    from zoomadmin.ui.pool.pool_notifier import PoolNotifier
    from zoomadmin.ui.status_bar import AppStatusBar
    from zoomadmin.warmup import Warmup
    from zoomadmin.zoom.events.stream import StreamStatus

log = logging.getLogger(__name__)

CLOCK_REFRESH_MS = 1000
CLOCK_SYNC_EVERY = 30
"""Re-read the sandbox clock every this many refreshes; extrapolate in between."""
SHUTDOWN_WAIT = 5.0
"""Seconds shutdown waits for cancelled jobs to unwind before closing the account."""
QUIT_SIGNALS = ("SIGINT", "SIGTERM")
"""Signals that quit the app as File > Quit does (Ctrl+C in a terminal, ``kill``)."""
SIGNAL_POLL_MS = 200
"""Where the loop cannot watch for signals, how often Python gets a turn to notice one."""
JOBS_FALLBACK_MS = 5000
"""The account's jobs start once the tab on screen has its data, or at the latest this
many milliseconds after the account opened (a tab that never gets ready)."""


class Application:
    """The running app: one of each service, the main window, and the account life cycle."""

    def __init__(
        self,
        *,
        paths: AppPaths,
        window: MainWindow,
        reporter: ErrorReporter,
        secrets: SecretStore,
        force_sandbox: bool = False,
        warmup: Warmup | None = None,
        database_url: str | None = None,
    ) -> None:
        from zoomadmin.core.clock import AppClock
        from zoomadmin.services.accounts import AccountService
        from zoomadmin.services.connection import ConnectionService
        from zoomadmin.store.preferences import PreferencesFile
        from zoomadmin.ui.common.async_runner import AsyncRunner

        self.paths = paths
        self.reporter = reporter
        self.secrets = secrets
        self.force_sandbox = force_sandbox
        self.warmup = warmup
        self.database_url = database_url
        """A database shared with other desks and the agent (real accounts; not the sandbox)."""
        self.preferences: PreferencesFile = PreferencesFile(paths.preferences_path)
        self.accounts = AccountService(self.preferences, secrets)
        self.clock = AppClock()
        self.connection: ConnectionService = ConnectionService(
            preferences=self.preferences,
            load_credentials=lambda profile: self.accounts.credentials(profile.name),
            sandbox_factory=self._make_sandbox,
            clock=self.clock,
        )
        from zoomadmin.account.opener import AccountOpener

        self.opener: AccountOpener = AccountOpener(
            self.connection,
            open_store=self._open_store,
            lease_for=self._lease_for,
            demo_tenants=demo_tenants(),
        )
        self.runner = AsyncRunner(reporter)
        self.runtime: AccountRuntime | None = None
        self._unsubscribe_jobs: Callable[[], None] | None = None
        self._unsubscribe_queue: Callable[[], None] | None = None
        self.first_open: FirstOpenReport | None = None
        self.pool_notifier: PoolNotifier | None = None
        """The open account's desktop notifications for pool alerts."""
        self.window = window
        self.status: AppStatusBar = window.status
        self.window.log_folder = str(paths.log_root)
        reporter.set_dialog_parent(self.window)
        self.runner.set_message_parent(self.window)
        self.quit_requested = asyncio.Event()
        self.loaded = asyncio.Event()
        self.jobs_started = asyncio.Event()
        """Set once the open account's jobs were started (cleared while another opens)."""
        self._jobs_runtime: AccountRuntime | None = None
        """The runtime whose jobs :meth:`_start_jobs` started last."""
        self._accounts_dialog: AccountsDialog | None = None
        self.curriculum_wizard: CurriculumWizard | None = None
        """The curriculum wizard opened last from the Schedule menu (tests, screenshots)."""
        self._ticks = 0
        self._wire()

    def _wire(self) -> None:
        from PySide6.QtCore import QTimer

        self.runner.busy_changed.connect(self.status.set_busy)
        self.runner.activity_changed.connect(self.status.set_activity)
        self.status.speed_chosen.connect(self._on_speed_chosen)
        self.window.accounts_requested.connect(self.open_accounts_dialog)
        self.window.retry_requested.connect(lambda: self.open_account(self._wanted_profile()))
        self.window.closing.connect(self.quit_requested.set)
        self.window.curriculum_requested.connect(self.open_curriculum)
        self.connection.subscribe(self._on_connection_state)
        self._clock_timer = QTimer(self.window)
        self._clock_timer.setInterval(CLOCK_REFRESH_MS)
        self._clock_timer.timeout.connect(self._on_clock_tick)
        self._jobs_timer = QTimer(self.window)
        self._jobs_timer.setSingleShot(True)
        self._jobs_timer.setInterval(JOBS_FALLBACK_MS)
        self._jobs_timer.timeout.connect(self._start_jobs)

    def _on_connection_state(self, state: ConnectionState) -> None:
        # The last change (DISCONNECTED) may come while the window is already torn down.
        if shiboken6_valid(self.status):
            self.status.show_connection(state.value, self.connection.last_error)

    def _make_sandbox(self, speed: float) -> SandboxHandle:
        early = self.warmup.take_sandbox(speed) if self.warmup is not None else None
        if early is not None:
            return early
        from zoomadmin.warmup import embedded_sandbox

        return embedded_sandbox(self.paths, speed)

    def _wanted_profile(self) -> str | None:
        return None if self.force_sandbox else self.preferences.load().active_profile

    def start(self) -> None:
        """Show the window at once (loading state) and open the account in the background."""
        self.window.show()
        self.open_account(self._wanted_profile())

    def open_account(self, profile: str | None) -> None:
        """Switch to ``profile`` (None: the sandbox); the tabs are rebuilt for it."""
        self.loaded.clear()
        self.jobs_started.clear()
        self._clock_timer.stop()
        self._jobs_timer.stop()
        # The old account's jobs (first open, sync, host actions) would go on with a closed
        # client and end in an error dialog, or reload tabs that are gone.
        self.runner.cancel_all()
        self.window.set_tabs([])
        self.window.show_loading(
            "Starting the sandbox with demo data…"
            if profile is None
            else f"Connecting to the Zoom account “{profile}”…"
        )
        self.runner.run(
            self._connect(profile),
            on_done=self._on_connected,
            on_error=self._on_connect_failed,
            label="Opening the account…",
        )

    async def _connect(self, profile: str | None) -> AccountRuntime:
        await self._close_runtime()
        runtime = await self.opener.open(profile, remember=not self.force_sandbox)
        self.runtime = runtime
        return runtime

    async def _close_runtime(self, *, keep_store: bool = False) -> Store | None:
        """Stop the open account's jobs and release its database (``keep_store``: return the
        store still open, for the caller to close last)."""
        runtime, self.runtime = self.runtime, None
        self._jobs_timer.stop()
        self._jobs_runtime = None
        for unsubscribe in (self._unsubscribe_jobs, self._unsubscribe_queue):
            if unsubscribe is not None:
                unsubscribe()
        self._unsubscribe_jobs = self._unsubscribe_queue = None
        if self.pool_notifier is not None and shiboken6_valid(self.pool_notifier):
            self.pool_notifier.close()
        self.pool_notifier = None
        store = None
        if runtime is not None:
            if keep_store:
                await runtime.stop()
                store = runtime.store
            else:
                await runtime.close()
        if shiboken6_valid(self.status):
            self.status.show_events("Events: off")
            self.status.show_queue("")
        return store

    def _on_event_status(self, status: StreamStatus) -> None:
        if shiboken6_valid(self.status):
            failed = " · a handler failed" if status.handler_failed else ""
            self.status.show_events(f"Events: {status.text}{failed}", status.detail)

    def _on_jobs_changed(self, change: Change) -> None:
        from zoomadmin.core.changes import ChangeKind

        runtime = self.runtime
        if change.kind is not ChangeKind.JOBS or runtime is None:
            return
        if shiboken6_valid(self.status):
            from zoomadmin.jobs.supervisor import jobs_summary

            self.status.show_jobs(*jobs_summary(runtime.job_statuses, runtime.supervisor.holder))

    def _on_queue_changed(self, change: Change | None) -> None:
        from zoomadmin.core.changes import ChangeKind

        runtime = self.runtime
        if runtime is None or (change is not None and change.kind is not ChangeKind.QUEUE):
            return

        def show(counts: QueueCounts) -> None:
            if shiboken6_valid(self.status):
                busy = counts.queued or counts.waiting or counts.failed
                self.status.show_queue(counts.text if busy else "")

        self.runner.run(runtime.services.queue.counts(), on_done=show)

    def _open_store(self, profile: AccountProfile | None) -> Store:
        """On a worker thread: the account's database (the warm-up may have opened it)."""
        from zoomadmin.store.db import open_database, sqlite_url
        from zoomadmin.store.repositories import Store

        if profile is not None and self.database_url is not None:
            return Store.over(open_database(self.database_url))
        path = self.paths.account_database(profile.name if profile else None)
        early = self.warmup.take_engine(path) if self.warmup is not None else None
        return Store.over(early if early is not None else open_database(sqlite_url(path)))

    def _lease_for(self, account: ActiveAccount, store: Store) -> LeadershipLease:
        from zoomadmin.account.shared import lease_for

        profile = account.profile
        return lease_for(account, store, self.paths.jobs_lock(profile.name if profile else None))

    def _on_connected(self, runtime: AccountRuntime) -> None:
        account = runtime.account
        self.status.show_account(account.label, is_sandbox=account.is_sandbox)
        owner = account.owner.email if account.owner else ""
        self.window.setWindowTitle(f"{account.label} — {APP_NAME}")
        log.info("Opened %s (acting as %s)", account.label, owner or "unknown user")
        self.pool_notifier = pool_notifier(runtime, self.window)
        context = AccountContext(runtime, self.runner, self.pool_notifier)
        self.window.show_connected(
            f"Signed in to {account.label} as {owner or 'the account owner'}.",
            [build(context) for build in tab_builders()],
        )
        runtime.events.add_status_listener(self._on_event_status)
        self._on_event_status(runtime.events.status)
        self._unsubscribe_jobs = runtime.bus.subscribe(self._on_jobs_changed)
        self._unsubscribe_queue = runtime.bus.subscribe(self._on_queue_changed)
        self._on_queue_changed(None)
        # The jobs (and the services only they use) wait until the tab on screen has its
        # data: building and running them meanwhile would slow the tab's first load.
        self._jobs_timer.start()
        if account.is_sandbox:
            self._on_clock_tick()
            self._clock_timer.start()
        self.runner.run(self._await_tabs(), label="Loading…")
        self._start_first_open(context)
        if self._accounts_dialog is not None and self._accounts_dialog.isVisible():
            # Opened while connecting: it must now know which account is in use.
            self._accounts_dialog.refresh(account)

    def _start_first_open(self, context: AccountContext) -> None:
        """Set up the demo on a fresh sandbox, or sync a never-synced account (in the
        background: the tabs work meanwhile)."""
        work = context.runtime.services.first_open

        def done(report: FirstOpenReport | None) -> None:
            self.first_open = report
            if report is None:
                return
            # The tabs heard what changed on the account's change bus.
            self.status.showMessage(report.summary, 15_000)

        self.runner.run(
            work.run(self.status.set_activity), on_done=done, label="Syncing with Zoom…"
        )

    async def _await_tabs(self) -> None:
        await self.window.ready()
        self._start_jobs()  # a tab that failed to load leaves it to the fallback timer
        self.loaded.set()

    def _start_jobs(self) -> None:
        """Start the open account's jobs (once per account: the tab's ready or the timer)."""
        self._jobs_timer.stop()
        runtime = self.runtime
        if runtime is None or runtime is self._jobs_runtime:
            return
        self._jobs_runtime = runtime
        runtime.start()
        self.jobs_started.set()

    def _on_connect_failed(self, exc: BaseException) -> bool:
        if not isinstance(exc, AppError):
            return False
        self.status.show_account("Not connected", is_sandbox=False)
        self.window.show_failure(
            f"{exc.user_message}\n\nTry again, or choose another account in Settings → Accounts."
        )
        return True

    def _on_clock_tick(self) -> None:
        self._ticks += 1
        self.status.show_clock(self.clock.now(), self.clock.speed)
        if self._ticks % CLOCK_SYNC_EVERY == 0:
            self.runner.run(self.connection.sync_clock())

    def _on_speed_chosen(self, speed: float) -> None:
        self.runner.run(
            self.connection.set_sandbox_speed(speed),
            on_done=lambda reading: self.status.show_clock(reading.now, reading.speed),
            label="Changing the sandbox speed…",
        )

    def open_curriculum(self, import_csv: bool = False) -> None:
        """Schedule → New curriculum… or Import curriculum CSV… on the open account."""
        from zoomadmin.ui.curriculum.wizard import open_curriculum_wizard

        if self.runtime is None:
            return
        wizard = open_curriculum_wizard(
            self.window,
            self.runtime.services.curricula,
            self.runner,
            import_csv=import_csv,
            settings=self.window.settings,
        )
        wizard.submitted.connect(lambda _done: self.status.showMessage(wizard.result_text, 15_000))
        self.curriculum_wizard = wizard

    def open_accounts_dialog(self) -> None:
        """Settings → Accounts (non-modal; one at a time)."""
        from zoomadmin.ui.accounts.accounts_dialog import AccountsDialog

        dialog = self._accounts_dialog
        if dialog is None:
            dialog = AccountsDialog(self.accounts, self.secrets, self.runner, self.window)
            dialog.switch_requested.connect(self.open_account)
            self._accounts_dialog = dialog
        dialog.refresh(self.connection.active)
        dialog.show()
        dialog.raise_()

    async def shutdown(self) -> None:
        """Stop work, close the account and the sandbox, release the database."""
        self._clock_timer.stop()
        self.window.save_geometry()
        await self._cancel_jobs()  # cancelled jobs unwind before the client closes
        store = await self._close_runtime(keep_store=True)
        await self.connection.close()
        if self.warmup is not None:
            await asyncio.to_thread(self.warmup.close)
        # Jobs begun meanwhile (a tab reloading after the last change) end before the window
        # is deleted, else their next step touches deleted widgets.
        await self._cancel_jobs()
        # Database work already handed to a worker thread cannot be cancelled: let it end,
        # so the database closes with no connection still out (SQLite then checkpoints its
        # write-ahead log and removes it).
        await finish_worker_threads(within=SHUTDOWN_WAIT)
        if store is not None:
            store.close()

    async def _cancel_jobs(self) -> None:
        self.runner.cancel_all()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(SHUTDOWN_WAIT):
                await self.runner.wait_idle()


async def finish_worker_threads(within: float) -> bool:
    """Let every call already handed to the loop's worker threads end (at quit), waiting at
    most ``within`` seconds; whether they all ended.

    The loop keeps running meanwhile (a worker may be waiting for it), and a call that never
    returns (a keyring or network call with no timeout) cannot keep the app from quitting.
    """
    loop = asyncio.get_running_loop()
    # qasync keeps its own default executor (asyncio's shutdown_default_executor does not
    # see it); a later call starts a fresh one.
    executor = getattr(loop, "_QEventLoop__default_executor", None)
    if executor is None:
        return True
    loop.set_default_executor(None)  # type: ignore[arg-type]  # qasync takes None: "make a new one"
    ended = threading.Event()

    def shut_down() -> None:
        executor.shutdown(wait=True)  # joins its threads: blocking, so not on the loop's
        ended.set()

    threading.Thread(target=shut_down, name="zoomadmin-quit-workers", daemon=True).start()
    deadline = time.monotonic() + within
    while not ended.is_set():
        if time.monotonic() >= deadline:
            log.warning("Quitting with work still running on a worker thread after %.0f s", within)
            return False
        await asyncio.sleep(0.02)
    return True


def shiboken6_valid(widget: QObject) -> bool:
    """Whether a Qt object still exists (the last updates may come after the window went)."""
    import shiboken6

    return bool(shiboken6.isValid(widget))


def build_window(paths: AppPaths, settings: QSettings) -> MainWindow:
    """The main window and its status bar: Qt only, so it can show before any service loads."""
    from zoomadmin.ui.main_window import MainWindow
    from zoomadmin.ui.status_bar import AppStatusBar

    # The same speeds ConnectionService offers; repeated to keep httpx out of the first paint.
    window = MainWindow(settings, AppStatusBar(speeds=(1.0, 10.0, 60.0)))
    window.log_folder = str(paths.log_root)
    return window


def _settings(paths: AppPaths, basedir: str | None) -> QSettings:
    from PySide6.QtCore import QSettings

    if basedir is None:
        return QSettings(APP_NAME, APP_NAME)
    # Under --basedir even the window geometry stays inside the folder.
    return QSettings(str(paths.config_dir / "window.ini"), QSettings.Format.IniFormat)


def quit_on_signals(
    loop: asyncio.AbstractEventLoop, quit: Callable[[], None]
) -> Callable[[], None]:
    """Call ``quit`` on SIGINT and SIGTERM; returns the function that puts the old handlers back.

    Qt's loop waits in C++, where Python notices a signal only when Python code runs again.
    asyncio's ``add_signal_handler`` writes each signal to a wakeup socket that qasync watches
    with a QSocketNotifier, so the loop wakes at once. A loop without it (Windows) gets a
    plain handler and a timer that lets Python run every ``SIGNAL_POLL_MS``.
    """
    signums = [getattr(signal, name) for name in QUIT_SIGNALS if hasattr(signal, name)]

    def on_signal(signum: int) -> None:
        log.info("%s received: quitting", signal.Signals(signum).name)
        quit()

    added: list[int] = []
    try:
        for signum in signums:
            loop.add_signal_handler(signum, on_signal, signum)
            added.append(signum)
    except (NotImplementedError, RuntimeError):
        for signum in added:
            loop.remove_signal_handler(signum)
        return _poll_for_signals(loop, signums, on_signal)

    def restore() -> None:
        for signum in added:
            loop.remove_signal_handler(signum)

    return restore


def _poll_for_signals(
    loop: asyncio.AbstractEventLoop, signums: list[int], on_signal: Callable[[int], None]
) -> Callable[[], None]:
    from PySide6.QtCore import QTimer

    previous = {signum: signal.getsignal(signum) for signum in signums}
    for signum in signums:
        signal.signal(signum, lambda number, _frame: loop.call_soon_threadsafe(on_signal, number))
    timer = QTimer()
    timer.setInterval(SIGNAL_POLL_MS)
    timer.timeout.connect(lambda: None)  # a Python slot: signal handlers run on its turn
    timer.start()

    def restore() -> None:
        timer.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    return restore


def _quit_by_closing(window: MainWindow, quit_requested: asyncio.Event) -> Callable[[], None]:
    """What a quit signal does: close the window as File > Quit does (geometry saved, then the
    shutdown); if it is closed already, ask for the shutdown directly."""

    def request() -> None:
        if shiboken6_valid(window) and window.isVisible():
            window.close()
        quit_requested.set()

    return request


def _shared_database(args: argparse.Namespace) -> str | None:
    import os

    from zoomadmin.paths import database_url

    return database_url(getattr(args, "database_url", None), os.environ)


def run_app(args: argparse.Namespace) -> int:
    """Open the app (or run ``--screenshot``/``--smoke-test``); returns the exit code."""
    from zoomadmin.warmup import Warmup, sandbox_plan

    started = process_start_time()
    paths = AppPaths.from_basedir(args.basedir)
    setup_logging(paths.log_dir)
    log.info("zoomadmin %s starting (data in %s)", __version__, paths.data_root)
    from zoomadmin.ui.pyside_imports import lighten_import_hook

    lighten_import_hook()  # before the many imports that follow Qt's
    import qasync
    from PySide6.QtWidgets import QApplication

    from zoomadmin.ui.common.error_dialog import ErrorReporter
    from zoomadmin.ui.common.icons import stylesheet
    from zoomadmin.ui.first_paint import PAINT_WAIT_SECONDS, show_until_painted
    from zoomadmin.ui.gui_garbage import collect_garbage_in_gui_thread

    existing = QApplication.instance()
    qt_app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    qt_app.setApplicationName(APP_NAME)
    qt_app.setApplicationVersion(__version__)
    qt_app.setStyleSheet(stylesheet())
    # Closing the window must not stop Qt's loop: _main's shutdown still has to run on it
    # (else "Event loop stopped before Future completed" and nothing saved). _main returns
    # once the window's closing (File > Quit, Ctrl+Q, the close button) or a signal asked it.
    qt_app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    quit_requested = asyncio.Event()
    reporter = ErrorReporter(paths.log_file)
    reporter.install(loop)
    collect_garbage_in_gui_thread(qt_app)
    window = build_window(paths, _settings(paths, args.basedir))
    window.closing.connect(quit_requested.set)
    restore_signals = quit_on_signals(loop, _quit_by_closing(window, quit_requested))
    window.show_loading("Starting…")
    if not show_until_painted(window):
        log.warning("The main window did not paint within %.0f s of show()", PAINT_WAIT_SECONDS)
    shown = time.time() - started
    # Only now: every start-up step is Python work that takes turns on the GIL, so a head
    # start begun earlier delayed the first paint (by 40-60 ms) and brought loading no sooner.
    unattended = bool(args.screenshot or args.smoke_test)
    warmup = Warmup(lambda: sandbox_plan(paths, unattended))
    warmup.begin()
    log.info("Main window shown %.3f s after the process started", shown)
    try:
        with loop:
            times = (started, shown)
            main = _main(
                args, paths, reporter, window, times, warmup=warmup, quit_requested=quit_requested
            )
            code: int = loop.run_until_complete(main)
            return code
    finally:
        restore_signals()
        import gc

        gc.enable()
        reporter.uninstall()
        logging.shutdown()


async def _main(
    args: argparse.Namespace,
    paths: AppPaths,
    reporter: ErrorReporter,
    window: MainWindow,
    times: tuple[float, float],
    *,
    warmup: Warmup,
    quit_requested: asyncio.Event,
) -> int:
    from zoomadmin.services.credentials import KeyringSecretStore
    from zoomadmin.ui import screenshots

    started, shown = times
    unattended = bool(args.screenshot or args.smoke_test)
    await warmup.planned()
    app = Application(
        paths=paths,
        window=window,
        reporter=reporter,
        secrets=KeyringSecretStore(),
        force_sandbox=unattended,
        warmup=warmup,
        database_url=_shared_database(args),
    )
    try:
        if quit_requested.is_set():  # closed (or signalled) while the plan was made
            return 0
        app.start()
        if args.screenshot:
            return await screenshots.save_tabs(app, Path(args.screenshot))
        if args.smoke_test:
            return await screenshots.smoke_test(app, shown, started)
        await quit_requested.wait()
        return 0
    finally:
        await app.shutdown()
        app.window.deleteLater()
