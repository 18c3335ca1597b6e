"""The window passes each tab's confirmations and Zoom outcomes to the status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from zoomadmin.services.connection import SANDBOX_SPEEDS
from zoomadmin.ui.main_window import MainWindow, TabSpec
from zoomadmin.ui.status_bar import AppStatusBar


class TalkingTab(QWidget):
    """A tab with the two status signals."""

    status_message = Signal(str)
    zoom_problem = Signal(str)


def test_11_a_tabs_confirmation_shows_in_the_status_bar(qtbot: QtBot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, AppStatusBar(SANDBOX_SPEEDS))
    qtbot.addWidget(window)
    tab = TalkingTab()
    window.set_tabs([TabSpec("Tenants && Hosts", lambda: tab)])
    tab.status_message.emit("Added ann@school.org — invitation sent.")
    assert window.status.currentMessage() == "Added ann@school.org — invitation sent."
    window.status.show_connection("Connected")
    tab.zoom_problem.emit("Zoom is having trouble on its side.")
    assert window.status.connection.text() == "Zoom: not answering"
    tab.zoom_problem.emit("")
    assert window.status.connection.text() == "Connected"
