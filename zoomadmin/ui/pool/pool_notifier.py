"""Desktop notifications for the license pool's alerts that mean a session runs as Basic."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from zoomadmin.core.changes import ChangeBus, ChangeKind
from zoomadmin.ui.common.change_listener import ChangeListener, Folded
from zoomadmin.ui.common.tray import TrayNotifier

if TYPE_CHECKING:
    from zoomadmin.services.license_control import PoolStatus


class PoolNotifier(QObject):
    """Hears the pool's news on the change bus and notifies the desktop of each new
    ``basic`` or ``shortfall`` alert once (by its key), whether or not the License Pool tab
    was ever opened.

    ``latest`` gives the pool's newest status without asking Zoom (the controller's last
    step: ``LicenseControl.last``); the tab hands in the statuses it reads too (:meth:`take`).
    """

    def __init__(
        self,
        bus: ChangeBus,
        latest: Callable[[], PoolStatus | None],
        tray: TrayNotifier,
        now: Callable[[], datetime],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._latest = latest
        self._tray = tray
        self._now = now
        self._told: set[str] = set()
        self._foreseen: set[tuple[str, str, datetime]] = set()
        """Sessions a shortfall's notification named as running as Basic."""
        self.listener = ChangeListener(bus, frozenset({ChangeKind.POOL}), self)
        self.listener.changes_arrived.connect(self._on_changes)

    def close(self) -> None:
        """Stop hearing the account (it is closing) and take the tray icon away."""
        self.listener.deleteLater()
        self._tray.close()
        self.deleteLater()

    def _on_changes(self, _folded: Folded) -> None:
        self.take(self._latest())

    def take(self, status: PoolStatus | None) -> list[str]:
        """Notify the alerts of ``status`` not told yet; the keys told now."""
        if status is None:
            return []
        from zoomadmin.ui.pool.pool_words import NOTIFIED, notification

        told = []
        for alert in status.alerts:
            if alert.kind not in NOTIFIED or alert.key in self._told:
                continue
            self._told.add(alert.key)
            named = {(b.title, b.host, b.start) for b in alert.basic}
            if alert.kind == "shortfall" and named and named <= self._foreseen:
                continue  # the plan's next stretch of the same shortfall: already told
            words = notification(alert, self._now())
            if words is None:
                continue
            if alert.kind == "shortfall":
                self._foreseen |= named
            self._tray.notify(*words)
            told.append(alert.key)
        return told
