"""The main window: tabs with Ctrl+N shortcuts, the ready() contract, states, geometry."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from zoomadmin.services.connection import SANDBOX_SPEEDS, ConnectionState
from zoomadmin.ui.main_window import MainWindow, TabSpec, tab_ready
from zoomadmin.ui.status_bar import AppStatusBar


class SlowTab(QLabel):
    """A tab that loads its data later, as real tabs do."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.loaded = asyncio.Event()

    async def ready(self) -> None:
        await self.loaded.wait()


def _window(tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    return MainWindow(settings, AppStatusBar(SANDBOX_SPEEDS))


def test_tabs_get_view_menu_entries_with_ctrl_number_shortcuts(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = _window(tmp_path)
    qtbot.addWidget(window)
    first, second = QLabel("hosts"), QLabel("calendar")
    window.set_tabs(
        [TabSpec("Tenants && Hosts", lambda: first), TabSpec("Calendar", lambda: second)]
    )

    actions = window.view_menu.actions()
    # "&&" is a literal "&" in a menu; a single "&" would show "Tenants _Hosts".
    assert [a.text() for a in actions] == ["Tenants && Hosts", "Calendar"]
    assert [a.shortcut() for a in actions] == [QKeySequence("Ctrl+1"), QKeySequence("Ctrl+2")]
    actions[1].trigger()
    assert window.tabs.currentIndex() == 1 and window.tab_specs[1].widget is second
    assert second.parent() is window.tabs.currentWidget()
    actions[0].trigger()
    assert window.tabs.currentIndex() == 0 and first.parent() is window.tabs.currentWidget()

    window.set_tabs([TabSpec("Recordings", lambda: QLabel("recordings"))])
    assert [a.text() for a in window.view_menu.actions()] == ["Recordings"]
    assert window.tabs.count() == 1


def test_menus_offer_quit_accounts_and_about_by_keyboard(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(tmp_path)
    qtbot.addWidget(window)
    asked: list[bool] = []
    window.accounts_requested.connect(lambda: asked.append(True))
    quit_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Quit)
    assert window.quit_action.shortcut() == (quit_keys[0] if quit_keys else QKeySequence("Ctrl+Q"))
    assert not window.quit_action.shortcut().isEmpty()  # a key always quits
    assert window.accounts_action.shortcut() == QKeySequence("Ctrl+,")
    titles = [m.title() for m in window.menuBar().findChildren(type(window.view_menu))]
    assert {"&File", "&Settings", "&View", "&Help"} <= set(titles)
    window.accounts_action.trigger()
    assert asked == [True]


async def test_ready_waits_for_the_tab_on_screen(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(tmp_path)
    qtbot.addWidget(window)
    slow, plain = SlowTab("sessions"), QWidget()
    window.set_tabs([TabSpec("Calendar", lambda: slow), TabSpec("Licenses", lambda: plain)])
    waiting = asyncio.ensure_future(window.ready())
    await asyncio.sleep(0.02)
    assert not waiting.done()
    slow.loaded.set()
    await asyncio.wait_for(waiting, 2)
    await tab_ready(plain)  # a tab without ready() counts as loaded


def test_a_tab_is_built_only_when_first_shown(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(tmp_path)
    qtbot.addWidget(window)
    built: list[str] = []

    def build(name: str) -> QWidget:
        built.append(name)
        return QLabel(name)

    specs = [TabSpec(name, lambda n=name: build(n)) for name in ("A", "B", "C", "D", "E")]
    window.set_tabs(specs)
    assert built == ["A"]
    assert [s.widget is None for s in window.tab_specs] == [False, True, True, True, True]
    window.show_tab(3)
    window.tabs.setCurrentIndex(3)
    window.tabs.setCurrentIndex(0)
    assert built == ["A", "D"]


def test_loading_and_failure_pages_replace_the_tabs(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(tmp_path)
    qtbot.addWidget(window)
    retries: list[bool] = []
    window.retry_requested.connect(lambda: retries.append(True))
    window.show_loading("Starting the sandbox with demo data…")
    assert window.state_page.message.text() == "Starting the sandbox with demo data…"
    assert window.state_page.retry.isHidden()
    window.show_failure("Zoom refused the client secret.")
    assert not window.state_page.retry.isHidden()
    window.state_page.retry.click()
    assert retries == [True]


def test_geometry_and_current_tab_survive_a_restart(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(tmp_path)
    qtbot.addWidget(window)
    window.set_tabs([TabSpec("A", lambda: QLabel("a")), TabSpec("B", lambda: QLabel("b"))])
    window.resize(700, 510)
    window.tabs.setCurrentIndex(1)
    window.close()
    assert (tmp_path / "window.ini").is_file()

    again = _window(tmp_path)
    qtbot.addWidget(again)
    again.set_tabs([TabSpec("A", lambda: QLabel("a")), TabSpec("B", lambda: QLabel("b"))])
    assert (again.width(), again.height()) == (700, 510)
    assert again.tabs.currentIndex() == 1


def test_status_bar_marks_the_sandbox_and_shows_its_clock(qtbot: QtBot) -> None:
    from datetime import UTC, datetime

    status = AppStatusBar(SANDBOX_SPEEDS)
    qtbot.addWidget(status)
    chosen: list[float] = []
    status.speed_chosen.connect(chosen.append)
    status.show_account("Sandbox: demo account", is_sandbox=True)
    status.show_connection(ConnectionState.CONNECTED.value)
    status.show_clock(datetime(2026, 3, 2, 8, 30, tzinfo=UTC), 10.0)
    assert status.account.text() == "Sandbox: demo account"
    assert status.connection.text() == "Connected"
    assert status.clock.text() == "Mon 2 Mar 2026 08:30 UTC"  # the one date format
    assert status.speed.currentText() == "10×"
    assert [status.speed.itemText(i) for i in range(status.speed.count())] == ["1×", "10×", "60×"]
    status.speed.activated.emit(2)
    assert chosen == [60.0]
    status.show_account("Zoom: School", is_sandbox=False)
    assert status.clock.isHidden() and status.speed.isHidden()
