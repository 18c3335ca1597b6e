"""Show the main window and wait for its first paint: the honest "window shown" moment."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QMainWindow, QWidget

PAINT_WAIT_SECONDS = 2.0
"""Give up waiting after this long (a window manager may keep the window unexposed)."""


class _PaintWatch(QObject):
    """Notes the first paint event of one widget."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.painted = False
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Watch only; every event goes on to the widget."""
        if event.type() == QEvent.Type.Paint:
            self.painted = True
        return False


def show_until_painted(window: QWidget, within: float = PAINT_WAIT_SECONDS) -> bool:
    """Show ``window`` and process events until its contents have painted; False on timeout.

    On X11 or Wayland the window is exposed by the display server a moment after ``show()``,
    so one ``processEvents()`` may return before anything is on screen.
    """
    central = window.centralWidget() if isinstance(window, QMainWindow) else None
    content = central or window
    watch = _PaintWatch(content)
    window.show()
    deadline = time.monotonic() + within
    try:
        while True:
            QCoreApplication.processEvents()
            if watch.painted or time.monotonic() >= deadline:
                return watch.painted
            time.sleep(0.001)
    finally:
        content.removeEventFilter(watch)
        watch.deleteLater()
