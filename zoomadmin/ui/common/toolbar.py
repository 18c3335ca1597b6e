"""A toolbar that drops its labels before it would hide an action behind the overflow."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QToolBar, QWidget


class FittingToolBar(QToolBar):
    """Text beside icons while every action fits; icons only (names in tooltips) otherwise."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._with_text_width = 0

    def labels_shown(self) -> bool:
        """Whether the actions show their names."""
        return self.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon

    def _width_with_text(self) -> int:
        if self.labels_shown():
            self._with_text_width = self.sizeHint().width()
        return self._with_text_width

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """Switch between labels and icons only as the width allows."""
        needed = self._width_with_text()
        fits = needed <= event.size().width()
        style = (
            Qt.ToolButtonStyle.ToolButtonTextBesideIcon
            if fits
            else Qt.ToolButtonStyle.ToolButtonIconOnly
        )
        if style != self.toolButtonStyle():
            self.setToolButtonStyle(style)
        super().resizeEvent(event)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Icons-only width: the toolbar may be narrower than its labelled size."""
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), 200), hint.height())
