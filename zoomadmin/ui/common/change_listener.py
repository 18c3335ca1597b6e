"""The change bus as a screen hears it: bursts folded into one signal on a short timer."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from zoomadmin.core.changes import Change, ChangeBus, ChangeId, ChangeKind, coalesce

COALESCE_MS = 150
"""A sync or an import publishes many changes at once; a screen refreshes once after."""

Folded = dict[ChangeKind, frozenset[ChangeId] | None]


class ChangeListener(QObject):
    """Hears the bus and emits :attr:`changes_arrived` once per burst, with changes folded
    per kind (ids, or None for "everything of that kind"). Stops hearing when destroyed.
    """

    changes_arrived = Signal(object)
    """A ``dict[ChangeKind, frozenset | None]`` of what changed since the last emission."""

    def __init__(
        self,
        bus: ChangeBus,
        kinds: frozenset[ChangeKind],
        parent: QObject | None = None,
        *,
        delay_ms: int = COALESCE_MS,
    ) -> None:
        super().__init__(parent)
        self._kinds = kinds
        self._pending: list[Change] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._flush)
        self._unsubscribe = bus.subscribe(self._on_change)
        self.destroyed.connect(lambda _=None: self._unsubscribe())

    @property
    def pending(self) -> bool:
        """Whether changes were heard that :attr:`changes_arrived` has not told yet."""
        return bool(self._pending)

    def _on_change(self, change: Change) -> None:
        if not shiboken6.isValid(self):  # the screen is gone; its unsubscribe comes next
            return
        if change.kind in self._kinds:
            self._pending.append(change)
            if not self._timer.isActive():
                self._timer.start()

    def _flush(self) -> None:
        pending, self._pending = self._pending, []
        if pending:
            self.changes_arrived.emit(coalesce(pending))
