"""Shared test setup: offscreen Qt, no real user profile, a GUI marker for qtbot tests."""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import os
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from zoomadmin.sandbox import SandboxServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never read or write the real user's keyring in tests, except the one test marked `keyring`.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")


#: Sandbox fixtures start on a fixed Monday morning (UTC) so tests are reproducible.
SANDBOX_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses ``qtbot`` as a GUI test."""
    for item in items:
        if "qtbot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Python's cyclic GC runs only between tests, in the main thread (see below).

    What is imported by now lives for the whole run, so it is frozen out of every later
    collection, which keeps the per-test collections cheap.
    """
    gc.disable()
    gc.freeze()


#: A test still running after this long is stuck where the per-test timeout (a signal,
#: ``timeout`` in pyproject.toml) cannot reach it, e.g. in a C call or an event loop with
#: nothing scheduled. The run then prints every thread's stack and ends, instead of hanging
#: until CI gives up with nothing to show.
HANG_SECONDS = float(os.environ.get("ZOOMADMIN_TEST_HANG_SECONDS", "300"))


def _print_asyncio_tasks() -> None:
    """Where every unfinished asyncio task waits (found through the GC: the timer thread
    cannot ask the main thread's loop)."""
    import asyncio

    tasks = [t for t in gc.get_objects() if isinstance(t, asyncio.Task) and not t.done()]
    print(f"\n{len(tasks)} unfinished asyncio tasks:", file=sys.stderr)
    for task in tasks:
        print(f"- {task!r}", file=sys.stderr)
        with contextlib.suppress(Exception):
            task.print_stack(limit=12, file=sys.stderr)


@pytest.fixture(autouse=True)
def _end_the_run_if_a_test_hangs(request: pytest.FixtureRequest) -> Iterator[None]:
    capture = request.config.pluginmanager.getplugin("capturemanager")

    def report_and_exit() -> None:
        out, err = ("", "")
        if capture is not None:
            capture.suspend_global_capture(in_=True)
            out, err = capture.read_global_capture()
        print(
            f"\n{request.node.nodeid} is still running after {HANG_SECONDS:.0f} s.\n"
            f"Its output so far:\n{out[-4000:]}\n{err[-8000:]}\nEvery thread's stack:",
            file=sys.stderr,
            flush=True,
        )
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        _print_asyncio_tasks()
        sys.stderr.flush()
        os._exit(3)

    watchdog = threading.Timer(HANG_SECONDS, report_and_exit)
    watchdog.daemon = True
    watchdog.start()
    try:
        yield
    finally:
        watchdog.cancel()


@pytest.fixture(autouse=True)
def _collect_garbage_in_the_main_thread() -> Iterator[None]:
    """Collect each test's cyclic garbage in the main thread once the test is torn down.

    Left to itself, Python's GC runs in whichever thread allocates, often the sandbox's
    server thread; freeing a Qt object there makes Qt warn ("Timers cannot be stopped from
    another thread") or crash. The app avoids this the same way (``app.py``); tests that
    switch the GC on again are switched back here.
    """
    yield
    gc.collect()
    gc.disable()


def _running_sandbox(seed: str) -> Iterator[SandboxServer]:
    server = SandboxServer(seed=seed, speed=0, start_time=SANDBOX_START)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A fresh, empty sandbox account on a free loopback port; time moves only when advanced."""
    yield from _running_sandbox("empty")


@pytest.fixture
def demo_sandbox() -> Iterator[SandboxServer]:
    """A fresh sandbox seeded with the demo account; time moves only when advanced."""
    yield from _running_sandbox("demo")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[object]:
    """A PostgreSQL server for the run (a throw-away cluster); skips where none can start."""
    from tests.postgres_support import PostgresUnavailableError, postgres_server

    try:
        with postgres_server() as server:
            yield server
    except PostgresUnavailableError as exc:
        pytest.skip(f"PostgreSQL: {exc}")


@pytest.fixture
def postgres_url(postgres_server: object) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test; its SQLAlchemy URL."""
    from tests.postgres_support import PostgresServer

    assert isinstance(postgres_server, PostgresServer)
    url = postgres_server.new_database()
    yield url
    postgres_server.drop_database(url)
