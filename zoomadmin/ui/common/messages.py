"""Messages about a known error, in one style: plain words, and Retry when trying again may work."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from zoomadmin.ui.common.async_runner import user_message_of


def is_retryable(exc: BaseException) -> bool:
    """Whether the same thing may work if tried again (Zoom busy, the network down)."""
    return bool(getattr(exc, "retryable", False))


def show_error(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    retry: Callable[[], None] | None = None,
) -> QMessageBox:
    """A non-modal warning with ``text``; with ``retry``, a Retry button that calls it."""
    box = QMessageBox(parent.window() if parent is not None else None)
    box.setObjectName("userErrorMessage")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(text)
    again = box.addButton(QMessageBox.StandardButton.Retry) if retry is not None else None
    close = box.addButton(QMessageBox.StandardButton.Close)
    box.setDefaultButton(again or close)
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if retry is not None:
        box.finished.connect(lambda _: retry() if box.clickedButton() is again else None)
    box.show()
    return box


def error_text(exc: BaseException) -> str | None:
    """The known error's message (None for a bug, which goes to the error dialog)."""
    return user_message_of(exc)
