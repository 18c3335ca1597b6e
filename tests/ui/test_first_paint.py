"""Showing the main window waits for its first paint, or gives up after a while."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel, QMainWindow
from pytestqt.qtbot import QtBot

from zoomadmin.ui.first_paint import show_until_painted


class _Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_returns_once_the_window_contents_have_painted(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    label = QLabel("Starting…")
    window.setCentralWidget(label)
    paints = _Paints()
    label.installEventFilter(paints)
    assert show_until_painted(window)
    assert window.isVisible()
    assert paints.count >= 1


def test_gives_up_when_nothing_paints(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    label = QLabel("never shown")
    window.setCentralWidget(label)
    label.setVisible(False)  # hidden contents never paint
    assert show_until_painted(window, within=0.05) is False
    assert window.isVisible()
