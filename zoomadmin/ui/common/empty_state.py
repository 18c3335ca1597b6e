"""One look for a table's empty, no-match and loading states: a title, a line, action buttons."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)


class EmptyState(QWidget):
    """Shown in place of a table that has nothing to show, saying why and what to do.

    ``show_empty(title, text, actions)`` shows buttons for the given actions (the same
    QActions the toolbar and menus use, so shortcuts and enabled state agree);
    ``show_loading(title, done, total)`` shows a progress bar instead (``total`` 0: busy).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        self.title = QLabel(self)
        self.title.setObjectName("emptyTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.text = QLabel(self)
        self.text.setObjectName("emptyText")
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("emptyProgress")
        self.progress.setMaximumWidth(320)
        self.progress.hide()
        self._buttons = QHBoxLayout()
        self._buttons.addStretch(1)
        self._buttons.addStretch(1)
        self.buttons: list[QToolButton] = []
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(self._buttons)
        layout.addStretch(2)

    def show_empty(self, title: str, text: str = "", actions: Sequence[QAction] = ()) -> None:
        """Say there is nothing here, why (``text``), and offer ``actions`` as buttons."""
        self.title.setText(title)
        self.text.setText(text)
        self.text.setVisible(bool(text))
        self.progress.hide()
        self._set_actions(actions)

    def show_loading(self, title: str, done: int = 0, total: int = 0) -> None:
        """Say what is being loaded, with progress when it is known."""
        self.title.setText(title)
        self.text.hide()
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(min(done, total) if total else 0)
        self.progress.show()
        self._set_actions(())

    @property
    def loading(self) -> bool:
        """Whether the loading state is shown."""
        return not self.progress.isHidden()

    def _set_actions(self, actions: Sequence[QAction]) -> None:
        for button in self.buttons:
            self._buttons.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        for at, action in enumerate(actions, start=1):
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setAutoRaise(False)
            self._buttons.insertWidget(at, button)
            self.buttons.append(button)

    def button_texts(self) -> list[str]:
        """The buttons' texts without accelerators (for tests and screen readers)."""
        return [b.text().replace("&", "").split("\t")[0] for b in self.buttons]
