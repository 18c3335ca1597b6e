"""Desktop notifications through the system tray, and nothing (quietly) where there is none."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QSystemTrayIcon

from zoomadmin.ui.common.icons import icon

log = logging.getLogger(__name__)

SHOWN_MS = 15_000
"""How long a notification stays up (where the desktop lets the app say)."""


class TrayNotifier(QObject):
    """Shows a notification from the app's tray icon, made the first time one is needed.

    Where the desktop has no system tray (a server, an offscreen test run) a notification is
    only logged: nothing fails and no warning reaches the user. ``available`` is the OS
    check, which a test may replace.
    """

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
    ) -> None:
        super().__init__(parent)
        self._available = available
        self._icon: QSystemTrayIcon | None = None
        self.sent: list[tuple[str, str]] = []
        """Every notification asked for (title, text), shown or not."""

    def notify(self, title: str, text: str) -> bool:
        """Show ``title`` and ``text`` as a desktop notification; False when none can be."""
        self.sent.append((title, text))
        if not self._available():
            log.info("No system tray for the notification %r: %s", title, text)
            return False
        tray = self._tray()
        if not tray.supportsMessages():
            log.info("The system tray shows no notifications: %r: %s", title, text)
            return False
        tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Warning, SHOWN_MS)
        return True

    def _tray(self) -> QSystemTrayIcon:
        if self._icon is None:
            self._icon = QSystemTrayIcon(icon("zoomadmin"), self)
            self._icon.setToolTip("zoomadmin")
            self._icon.show()
        return self._icon

    def close(self) -> None:
        """Take the tray icon away (the app is quitting)."""
        if self._icon is not None:
            self._icon.hide()
