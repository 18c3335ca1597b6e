"""Runs the real app (``zoomadmin.cli.main``) in a child process for the quit tests.

Usage: ``python tests/quit_child.py HOW ARGS...`` where ARGS go to the command line as typed
(``--basedir DIR``). Once the sandbox account is open and settled it prints one JSON line,
``{"ready": true, "admin_url": ..., "pid": ...}``; the parent then changes the sandbox through
its admin API and either sends a signal (HOW is ``signal``) or writes a line on stdin, upon
which this process quits the way a person would (HOW is ``close``: the window's close button;
``menu``: File > Quit, which Ctrl+Q triggers too where the platform binds it). Nothing in the
app itself is changed: only ``Application.start`` is wrapped, to learn the app object and drive
it.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
from collections.abc import Callable

from zoomadmin import app as app_module
from zoomadmin.cli import main

HOWS = ("close", "menu", "signal")


def _close_button(app: app_module.Application) -> None:
    # What the title bar's close button does: the platform window is asked to close.
    handle = app.window.windowHandle()
    assert handle is not None
    handle.close()


def _menu(app: app_module.Application) -> None:
    file_menu = app.window.menuBar().actions()[0].menu()
    quits = [a for a in file_menu.actions() if a.text() == "&Quit"]  # type: ignore[union-attr]
    assert quits == [app.window.quit_action]
    quits[0].trigger()


QUITS: dict[str, Callable[[app_module.Application], None]] = {
    "close": _close_button,
    "menu": _menu,
}


async def _drive(app: app_module.Application, how: str) -> None:
    await app.loaded.wait()
    await app.runner.wait_idle()
    account = app.connection.active
    assert account is not None and account.sandbox is not None
    ready = {"ready": True, "admin_url": account.sandbox.admin_url, "pid": os.getpid()}
    print(json.dumps(ready), flush=True)
    if how == "signal":
        return
    loop = asyncio.get_running_loop()
    go = asyncio.Event()

    def wait_for_parent() -> None:
        sys.stdin.readline()
        loop.call_soon_threadsafe(go.set)

    threading.Thread(target=wait_for_parent, daemon=True).start()
    await go.wait()
    QUITS[how](app)


def _wrap_start(how: str) -> None:
    original = app_module.Application.start
    tasks: list[asyncio.Task[None]] = []

    def start(self: app_module.Application) -> None:
        original(self)
        tasks.append(asyncio.ensure_future(_drive(self, how)))

    app_module.Application.start = start  # type: ignore[method-assign]


if __name__ == "__main__":
    how = sys.argv[1]
    assert how in HOWS, f"HOW must be one of {HOWS}"
    _wrap_start(how)
    sys.exit(main(sys.argv[2:]))
