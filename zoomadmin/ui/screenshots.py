"""Unattended runs: ``--screenshot DIR`` saves one PNG per tab; ``--smoke-test`` checks a build."""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from zoomadmin.ui.main_window import tab_ready

if TYPE_CHECKING:
    from zoomadmin.services.connection import ConnectionService
    from zoomadmin.services.credentials import SecretStore
    from zoomadmin.ui.common.async_runner import AsyncRunner
    from zoomadmin.ui.main_window import MainWindow


class Application(Protocol):
    """What the unattended runs need of the desktop app (``zoomadmin.app.Application``)."""

    loaded: asyncio.Event
    connection: ConnectionService
    runner: AsyncRunner
    window: MainWindow
    secrets: SecretStore


LOAD_TIMEOUT = 60.0
SCREENSHOT_SIZE = (1280, 800)
PAINT_PAUSE = 0.15
"""Seconds to let a newly shown tab lay out and paint before it is grabbed."""
LOAD_POLL = 0.01
"""How often to look whether loading finished; also the resolution of ``loaded_s``."""


class NotLoaded(Exception):  # noqa: N818 - named for what the user reads
    """The app did not finish loading in time; ``user_message`` says what it was doing."""

    def __init__(self, user_message: str) -> None:
        self.user_message = user_message
        super().__init__(user_message)


def plain_title(title: str) -> str:
    """A tab title as people read it: Qt's mnemonic ``&`` markers gone, ``&&`` a plain ``&``."""
    return re.sub(r"&(&?)", r"\1", title)


def slug(title: str) -> str:
    """A file-name-safe form of a tab title: ``Tenants && Hosts`` -> ``tenants-hosts``."""
    return re.sub(r"[^a-z0-9]+", "-", title.replace("&&", "").lower()).strip("-") or "tab"


async def wait_loaded(app: Application, within: float = LOAD_TIMEOUT) -> None:
    """Wait until the account is open and every tab has loaded its first data."""
    try:
        async with asyncio.timeout(within):
            while not app.loaded.is_set():
                if app.connection.state.name == "FAILED":
                    raise NotLoaded(f"The account could not be opened: {app.connection.last_error}")
                await asyncio.sleep(LOAD_POLL)
            await app.runner.wait_idle()
    except TimeoutError:
        raise NotLoaded(f"The app did not finish loading within {within:.0f} s.") from None


async def save_tabs(app: Application, folder: Path) -> int:
    """Grab the window once per tab into ``folder`` (``01-tenants-hosts.png``, ...)."""
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    app.window.resize(*SCREENSHOT_SIZE)
    await wait_loaded(app)
    tabs = app.window.tabs
    names: list[str] = []
    pages = range(tabs.count()) if tabs.count() else [None]
    for index in pages:
        if index is not None:
            await tab_ready(app.window.show_tab(index))  # built and loaded when first shown
        await asyncio.sleep(PAINT_PAUSE)
        title = tabs.tabText(index) if index is not None else "main window"
        name = f"{(index or 0) + 1:02d}-{slug(title)}.png"
        if not app.window.grab().save(str(folder / name)):
            raise OSError(f"Could not write the screenshot {folder / name}.")
        names.append(name)
    print(json.dumps({"screenshots": names, "folder": str(folder)}))
    return 0


async def open_every_tab(app: Application, within: float = LOAD_TIMEOUT) -> dict[str, float]:
    """Show each tab in turn until it has loaded its first data; each title's seconds."""
    tabs = app.window.tabs
    opened: dict[str, float] = {}
    for index in range(tabs.count()):
        title = plain_title(tabs.tabText(index))
        began = time.perf_counter()
        try:
            async with asyncio.timeout(within):
                await tab_ready(app.window.show_tab(index))
                await app.runner.wait_idle()
        except TimeoutError:
            raise NotLoaded(f"The {title} tab did not load within {within:.0f} s.") from None
        opened[title] = round(time.perf_counter() - began, 3)
    if tabs.count():
        app.window.show_tab(0)
    return opened


def backend_name(secrets: object) -> str:
    """The keyring backend's full class name, as ``PYTHON_KEYRING_BACKEND`` takes it
    (``keyring.backends.SecretService.Keyring``); the store's own class when it has none."""
    backend = getattr(secrets, "backend", None)
    chosen = backend() if callable(backend) else secrets
    kind = type(chosen)
    return f"{kind.__module__}.{kind.__qualname__}"


def keyring_status(app: Application) -> dict[str, Any]:
    """Which keyring backend holds secrets (:func:`backend_name`), and whether it is secure."""
    check = getattr(app.secrets, "check", None)
    backend = backend_name(app.secrets)
    problem = ""
    if callable(check):
        try:
            check()
        except Exception as exc:  # SecretStoreUnavailable: reported, not raised
            problem = str(getattr(exc, "user_message", exc))
    return {"backend": backend, "secure": not problem, "problem": problem}


async def smoke_test(app: Application, shown: float, started: float) -> int:
    """Open on the sandbox, wait until loaded, check the keyring; print one JSON line.

    ``tabs`` are the tab titles as shown; ``keyring`` is the backend's full class name (the
    value ``PYTHON_KEYRING_BACKEND`` takes, e.g. ``keyring.backends.SecretService.Keyring``),
    with ``keyring_secure`` and ``keyring_problem``; ``tabs_opened``: each tab's title and the
    seconds it took to build and load its first data when shown. Exit code 0 when everything
    worked, 1 when the keyring has no secure backend (a tab that does not load raises
    :class:`NotLoaded`: exit 1 with its message).
    """
    await wait_loaded(app)
    loaded = time.time() - started
    opened = await open_every_tab(app)
    prepare = getattr(app.secrets, "prepare", None)
    if callable(prepare):
        prepare()  # the keyring's first import, here on the loop's thread
    keyring = await asyncio.to_thread(keyring_status, app)
    account = app.connection.active
    summary = {
        "ok": bool(keyring["secure"]),
        "account": account.label if account else None,
        "owner": account.owner.email if account and account.owner else None,
        "tabs": [plain_title(spec.title) for spec in app.window.tab_specs],
        "window_shown_s": round(shown, 3),
        "loaded_s": round(loaded, 3),
        "tabs_opened": opened,
        "keyring": keyring["backend"],
        "keyring_secure": keyring["secure"],
        "keyring_problem": keyring["problem"],
    }
    print(json.dumps(summary))
    if not keyring["secure"]:
        # The frozen build's check: a build without a secure keyring backend must fail loudly.
        print(
            f"Smoke test failed: the keyring is not secure. {keyring['problem']}", file=sys.stderr
        )
        return 1
    return 0
