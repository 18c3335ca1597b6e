"""A tab's actions: one way to make them, so every tab's keys, tooltips and icons agree."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from zoomadmin.ui.common.icons import icon


def tab_action(
    owner: QWidget,
    text: str,
    keys: str | QKeySequence | QKeySequence.StandardKey,
    slot: Callable[[], None],
    icon_name: str = "",
) -> QAction:
    """An action of ``owner`` (a tab): its shortcut works while the tab has the keyboard, its
    tooltip names the key (``Export (Ctrl+E)``), and its icon name is kept as a property."""
    action = QAction(icon(icon_name), text, owner)
    action.setProperty("icon_name", icon_name)
    sequence = keys if isinstance(keys, QKeySequence) else QKeySequence(keys)
    action.setShortcut(sequence)
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shown = sequence.toString(QKeySequence.SequenceFormat.NativeText)
    plain = text.replace("&", "").rstrip("…")
    action.setToolTip(f"{plain} ({shown})" if shown else plain)
    action.triggered.connect(lambda _=False: slot())
    owner.addAction(action)
    return action
