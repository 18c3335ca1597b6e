"""A head start: the embedded sandbox and its database begin on worker threads at process start."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from zoomadmin.paths import DATABASE_NAME, SANDBOX_STATE_NAME

SANDBOX_PORT_NAME = "port"
"""Beside the sandbox's state file: the port it served on last."""

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from zoomadmin.paths import AppPaths
    from zoomadmin.sandbox.server import SandboxInfo, SandboxServer

log = logging.getLogger(__name__)

HEAD_START_IMPORTS = (
    "zoomadmin.store.preferences",
    "zoomadmin.store.db",
    "zoomadmin.sandbox.server",
    "zoomadmin.sandbox.persist",
    # What the sandbox's server thread imports when it starts serving: uvicorn's protocols,
    # and httpx's transport for its webhook client (the app's client needs it too).
    # tests/test_startup_race.py names any module that is missing here.
    "uvicorn.lifespan.off",
    "uvicorn.protocols.websockets.websockets_sansio_impl",
    "httpcore",
)
"""Modules the head start's threads use, imported on the thread that begins it.

Python imports a module once, but two threads importing the same modules at once can each
see the other's half-initialised module (PySide's import hook makes that likelier: it reads
the source of every importing module): the head start then failed in about one start in
ten with "cannot import name ... from partially initialized module". So the threads only
ever use modules already imported.
"""
OPTIONAL_HEAD_START_IMPORTS = ("uvloop",)
"""Used by the head start where installed (the sandbox's loop; there is no uvloop on Windows)."""


class EarlySandbox:
    """A sandbox server built and started on its own thread as soon as it is created.

    It is a ``SandboxHandle``: :meth:`start` waits for that thread and returns its address
    (or raises what building or starting raised), so the connection service opens it as it
    would open a server it built itself.
    """

    def __init__(self, build: Callable[[], SandboxServer]) -> None:
        self._build = build
        self._server: Future[SandboxServer] = Future()
        self._info: Future[SandboxInfo] = Future()
        threading.Thread(target=self._run, name="sandbox-start", daemon=True).start()

    def _run(self) -> None:
        try:
            server = self._build()
        except Exception as exc:  # handed to start()'s caller, which reports it
            self._server.set_exception(exc)
            self._info.set_exception(exc)
            return
        self._server.set_result(server)
        try:
            self._info.set_result(server.start())
        except Exception as exc:  # handed to start()'s caller, which reports it
            self._info.set_exception(exc)

    def start(self) -> SandboxInfo:
        """Wait until the server listens; its URLs and credentials."""
        return self._info.result()

    def stop(self) -> None:
        """Stop the server (after its start has finished); nothing if it was never built."""
        if self._server.exception() is None:
            self._info.exception()  # stopping half-way through start() would race it
            self._server.result().stop()


@dataclass(frozen=True)
class SandboxPlan:
    """What the app will open at start-up on the sandbox, known before any service exists."""

    speed: float
    state_file: Path
    database: Path


class Warmup:
    """Starts the demo sandbox and opens its database while Qt builds the window.

    The app takes what it needs with :meth:`take_sandbox` and :meth:`take_engine`; anything
    it never takes (the user's account changed meanwhile) is released by :meth:`close`.
    Real accounts get no head start: they need the keyring and the network.
    """

    def __init__(self, plan: Callable[[], SandboxPlan | None]) -> None:
        self._plan = plan
        self._sandbox: Future[tuple[SandboxPlan, EarlySandbox] | None] = Future()
        self._engine: Future[Engine] | None = None
        self._engine_path: Path | None = None
        self._sandbox_taken = False
        self._lock = threading.Lock()

    def begin(self) -> None:
        """Make the plan and import what the work needs here; start the work on worker
        threads and return."""
        try:
            plan = self._plan()
            if plan is not None:
                _import_for(plan)
        except Exception:  # the app then reads the preferences itself and reports the problem
            log.exception("Could not plan the start-up head start")
            plan = None
        if plan is None:
            self._sandbox.set_result(None)
            return
        threading.Thread(target=self._run, args=(plan,), name="warmup", daemon=True).start()

    async def planned(self) -> None:
        """Return once the plan is made (the preferences read), so the app reads them after."""
        await asyncio.wrap_future(self._sandbox)

    def _run(self, plan: SandboxPlan) -> None:
        # The sandbox first: it is the longer way (import, load, bind, then the first requests).
        sandbox = EarlySandbox(lambda: _demo_sandbox(plan))
        engine: Future[Engine] = Future()
        with self._lock:
            self._engine = engine
            self._engine_path = plan.database
        self._sandbox.set_result((plan, sandbox))
        try:
            from zoomadmin.store.db import open_database, sqlite_url

            engine.set_result(open_database(sqlite_url(plan.database)))
        except Exception as exc:  # handed to take_engine()'s caller, which reports it
            engine.set_exception(exc)

    def take_sandbox(self, speed: float) -> EarlySandbox | None:
        """The started sandbox if it runs at ``speed`` (once); else None. May wait briefly."""
        started = self._sandbox.result()
        if started is None or started[0].speed != speed:
            return None
        with self._lock:
            if self._sandbox_taken:
                return None
            self._sandbox_taken = True
        return started[1]

    def take_engine(self, database: Path) -> Engine | None:
        """The opened database file ``database`` (once; blocks until open); else None."""
        self._sandbox.result()
        with self._lock:
            if self._engine is None or database != self._engine_path:
                return None
            engine, self._engine = self._engine, None
        return engine.result()

    def close(self) -> None:
        """Stop a sandbox and dispose of a database nobody took (at quit)."""
        started = self._sandbox.result()
        if started is not None and self.take_sandbox(started[0].speed) is not None:
            started[1].stop()
        with self._lock:
            engine, self._engine = self._engine, None
        if engine is not None and engine.exception() is None:
            engine.result().dispose()


def embedded_sandbox(paths: AppPaths, speed: float) -> SandboxServer:
    """The embedded sandbox with its demo account, kept in the sandbox folder (the desktop's
    and the command line's alike)."""

    return _demo_sandbox(SandboxPlan(speed, paths.sandbox_dir / SANDBOX_STATE_NAME, Path()))


def _import_for(plan: SandboxPlan) -> None:
    """Import every module the head start for ``plan`` uses (see HEAD_START_IMPORTS)."""
    for name in HEAD_START_IMPORTS:
        importlib.import_module(name)
    for name in OPTIONAL_HEAD_START_IMPORTS:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    from zoomadmin.store.db import create_db_engine, schema_is_current, sqlite_url

    # Connecting loads SQLAlchemy's SQLite dialect; a database that is new or older than
    # the code is migrated on the thread, with Alembic and the models imported here.
    probe = create_db_engine(sqlite_url(plan.database))
    try:
        current = schema_is_current(probe)
    finally:
        probe.dispose()
    if not current:
        importlib.import_module("zoomadmin.store.migrate")
        importlib.import_module("zoomadmin.store.models")


def _demo_sandbox(plan: SandboxPlan) -> SandboxServer:
    from zoomadmin.sandbox.server import SandboxServer

    # The port it served on last is taken again when free, so the download links the
    # recordings index keeps stay valid across restarts (Zoom's never move either).
    port_file = plan.state_file.with_name(SANDBOX_PORT_NAME)
    return SandboxServer(
        seed="demo", speed=plan.speed, state_file=plan.state_file, port_file=port_file
    )


def sandbox_plan(paths: AppPaths, force_sandbox: bool) -> SandboxPlan | None:
    """What start-up opens when it is the sandbox (None: a real account, no head start)."""
    from zoomadmin.store.preferences import PreferencesFile

    prefs = PreferencesFile(paths.preferences_path).load()
    if prefs.active_profile is not None and not force_sandbox:
        return None
    folder = paths.sandbox_dir
    return SandboxPlan(prefs.sandbox_speed, folder / SANDBOX_STATE_NAME, folder / DATABASE_NAME)
