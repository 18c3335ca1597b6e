"""The global error hook: log every unexpected error and show it in one non-modal dialog."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zoomadmin.core.redaction import redact

log = logging.getLogger(__name__)

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def describe(exc: BaseException) -> str:
    """A one-line summary of ``exc`` for the dialog's list, secrets removed."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return redact(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)


class ErrorDialog(QDialog):
    """Non-modal window listing unexpected errors; the user keeps working while it is open.

    Each new error is added to the same window rather than opening another, so a burst of
    failures does not bury the main window under dialogs.
    """

    def __init__(self, log_file: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorDialog")
        self.setWindowTitle("zoomadmin: unexpected error")
        self.setModal(False)
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.resize(640, 380)
        self._log_file = log_file
        self._count = 0
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setObjectName("errorDetails")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        copy = QPushButton("&Copy details", self)
        copy.clicked.connect(self._copy_details)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        if log_file is not None:
            open_log = QPushButton("Open &log folder", self)
            open_log.clicked.connect(self._open_log_folder)
            buttons.addButton(open_log, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

    @property
    def error_count(self) -> int:
        """How many errors this window has collected since it was opened."""
        return self._count

    def add_error(self, summary: str, details: str) -> None:
        """Append one error and bring the window up without taking the keyboard away."""
        self._count += 1
        where = f" The full details are in {self._log_file}." if self._log_file else ""
        self.summary.setText(
            f"Something went wrong inside zoomadmin ({self._count} error"
            f"{'s' if self._count > 1 else ''} so far). Your saved work is safe and you can "
            f"keep working; if it happens again, send the details below to support.{where}\n\n"
            f"Latest: {summary}"
        )
        self.details.appendPlainText(details.rstrip() + "\n")
        self.show()
        self.raise_()

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        """Start a fresh list next time the window opens."""
        self._count = 0
        self.details.clear()
        super().closeEvent(event)

    @Slot()
    def _copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())

    @Slot()
    def _open_log_folder(self) -> None:
        if self._log_file is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._log_file.parent)))


class ErrorReporter(QObject):
    """Where every unexpected error ends: the log first, then the :class:`ErrorDialog`.

    ``install()`` makes it the handler of ``sys.excepthook`` (exceptions raised in Qt slots
    reach Python through it), ``threading.excepthook`` and the asyncio loop's exception
    handler; without these, errors inside qasync slots and tasks vanish silently.
    Errors from other threads are carried to the GUI thread by a queued signal.
    """

    error_reported = Signal(str)
    """Emitted (in the GUI thread) with a one-line summary after an error was shown."""

    _reported_elsewhere = Signal(str, str)

    def __init__(self, log_file: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._log_file = log_file
        self._dialog: ErrorDialog | None = None
        self._dialog_parent: QWidget | None = None
        self._saved_hooks: tuple[Any, Any] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reported_elsewhere.connect(self._show, Qt.ConnectionType.QueuedConnection)

    @property
    def dialog(self) -> ErrorDialog | None:
        """The error window, once an error has been shown."""
        return self._dialog

    def set_dialog_parent(self, widget: QWidget | None) -> None:
        """Center the error window on ``widget`` (the main window) from now on."""
        self._dialog_parent = widget

    def report(self, exc: BaseException, context: str = "") -> None:
        """Log ``exc`` with its traceback and show it; safe to call from any thread."""
        self.report_exc_info((type(exc), exc, exc.__traceback__), context)

    def report_exc_info(self, exc_info: ExcInfo, context: str = "") -> None:
        """Like :meth:`report` for a ``sys.exc_info()`` triple."""
        kind, exc, tb = exc_info
        log.error("Unexpected error%s", f" ({context})" if context else "", exc_info=exc_info)
        details = redact("".join(traceback.format_exception(kind, exc, tb)))
        if context:
            details = f"{redact(context)}\n{details}"
        if threading.current_thread() is threading.main_thread():
            self._show(describe(exc), details)
        else:
            self._reported_elsewhere.emit(describe(exc), details)

    @Slot(str, str)
    def _show(self, summary: str, details: str) -> None:
        if self._dialog is None:
            self._dialog = ErrorDialog(self._log_file, self._dialog_parent)
        self._dialog.add_error(summary, details)
        self.error_reported.emit(summary)

    def install(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Become the process's handler for uncaught errors (and ``loop``'s, when given)."""
        if self._saved_hooks is None:
            self._saved_hooks = (sys.excepthook, threading.excepthook)
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook
        if loop is not None:
            self._loop = loop
            loop.set_exception_handler(self._loop_exception_handler)

    def uninstall(self) -> None:
        """Give the hooks back to whoever had them before :meth:`install`."""
        if self._saved_hooks is not None:
            sys.excepthook, threading.excepthook = self._saved_hooks
            self._saved_hooks = None
        if self._loop is not None and not self._loop.is_closed():
            self._loop.set_exception_handler(None)
        self._loop = None

    def _excepthook(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        self.report_exc_info((kind, exc, tb))

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "a worker thread"
        self.report_exc_info((args.exc_type, args.exc_value, args.exc_traceback), f"in {name}")

    def _loop_exception_handler(
        self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]
    ) -> None:
        exc = context.get("exception")
        message = str(context.get("message", "Unhandled error in the event loop"))
        if isinstance(exc, BaseException) and not isinstance(exc, asyncio.CancelledError):
            self.report(exc, message)
        else:
            # Warnings such as "Task was destroyed but it is pending" carry no exception:
            # they are our bug but not the user's problem, so they go to the log only.
            log.error("Event loop: %s (%s)", message, _context_repr(context))


def _context_repr(context: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in sorted(context.items()) if k != "message")
