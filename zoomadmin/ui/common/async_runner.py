"""The one way widgets run service coroutines: tracked tasks, busy state and error routing."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from zoomadmin.core.errors import AppError
from zoomadmin.ui.common.error_dialog import ErrorReporter

log = logging.getLogger(__name__)

T = TypeVar("T")


def user_message_of(exc: BaseException) -> str | None:
    """The plain-words message of an error a person may see (an ``AppError``), else None.

    Every error the product raises for a person (Zoom said no, the network is down, the
    keyring is locked, a name is taken) is an ``AppError``; anything else is our bug and
    goes to the error dialog instead.
    """
    return exc.user_message or None if isinstance(exc, AppError) else None


class AsyncRunner(QObject):
    """Runs ``async def`` service calls for widgets on the qasync loop.

    - keeps a strong reference to every task until it finishes (asyncio keeps only weak ones);
    - counts running jobs: ``busy_changed``/``activity_changed`` drive the window's progress
      indicator, and the widgets passed as ``disable`` stay disabled while their job runs;
    - a known error (anything with ``user_message``) is shown as a non-modal message box that
      the user can act on, unless ``on_error`` handles it; anything else goes to the
      :class:`ErrorReporter` (log + global error dialog);
    - never blocks: message boxes are shown with ``show()``, never ``exec()`` (qasync #59).

    Must be used from the GUI thread.
    """

    busy_changed = Signal(bool)
    """True when the first job starts, False when the last one finishes."""
    activity_changed = Signal(str)
    """The label of the most recent running job, or "" when idle."""
    user_error_shown = Signal(str)
    """A known error's message was shown to the user."""

    def __init__(self, reporter: ErrorReporter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reporter = reporter
        self._tasks: dict[asyncio.Task[Any], str] = {}
        self._disabled: dict[int, tuple[QWidget, int]] = {}
        self._message_parent: QWidget | None = None
        self.last_message_box: QMessageBox | None = None

    @property
    def busy(self) -> bool:
        """Whether any job is running."""
        return bool(self._tasks)

    @property
    def running(self) -> int:
        """How many jobs are running."""
        return len(self._tasks)

    def set_message_parent(self, widget: QWidget | None) -> None:
        """The window that known-error messages belong to when the job names none."""
        self._message_parent = widget

    def run(
        self,
        work: Coroutine[Any, Any, T],
        *,
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], bool] | None = None,
        disable: QWidget | Iterable[QWidget] = (),
        label: str = "",
        error_parent: QWidget | None = None,
    ) -> asyncio.Task[T]:
        """Start ``work`` now and return its task.

        ``on_done(result)`` runs in the GUI thread on success. ``on_error(exc)`` may return
        True when it showed the error itself (for instance next to a form field); otherwise
        the error is routed as described on the class. ``label`` ("Loading hosts…") is shown
        while the job runs and titles its error message.
        """
        widgets = [disable] if isinstance(disable, QWidget) else list(disable)
        job = _Job(on_done, on_error, widgets, label, error_parent or _first(widgets))
        task = asyncio.ensure_future(work)
        was_busy = self.busy
        self._tasks[task] = label
        for widget in widgets:
            self._disable(widget)
        task.add_done_callback(lambda t: self._finished(t, job))
        if not was_busy:
            self.busy_changed.emit(True)
        self.activity_changed.emit(label)
        return task

    async def wait_idle(self) -> None:
        """Return once no job is running (jobs started meanwhile are awaited too)."""
        while self._tasks:
            await asyncio.wait(list(self._tasks))
            # Let the done callbacks that finish the bookkeeping run.
            await asyncio.sleep(0)

    def cancel_all(self) -> None:
        """Cancel every running job (on account switch or quit)."""
        for task in list(self._tasks):
            task.cancel()

    def _finished(self, task: asyncio.Task[Any], job: _Job) -> None:
        self._tasks.pop(task, None)
        for widget in job.widgets:
            self._enable(widget)
        try:
            self._deliver(task, job)
        finally:
            self.activity_changed.emit(next(reversed(self._tasks.values()), ""))
            if not self._tasks:
                self.busy_changed.emit(False)

    def _deliver(self, task: asyncio.Task[Any], job: _Job) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        try:
            if exc is None:
                if job.on_done is not None:
                    job.on_done(task.result())
                return
            if job.on_error is not None and job.on_error(exc):
                return
        except Exception as callback_error:  # the callbacks are ours: a failure is a bug
            self._reporter.report(callback_error, f"while finishing {job.label or 'a job'}")
            return
        message = user_message_of(exc)
        if message is None:
            self._reporter.report(exc, job.label)
        else:
            log.warning("%s: %s", job.label or "Job failed", exc)
            self._show_message(job.label, message, job.error_parent)

    def _show_message(self, label: str, message: str, parent: QWidget | None) -> None:
        owner = parent if parent is not None and shiboken6.isValid(parent) else None
        window = owner.window() if owner is not None else self._message_parent
        box = QMessageBox(window)
        box.setObjectName("userErrorMessage")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(f"{label.rstrip('…. ')} failed" if label else "zoomadmin")
        box.setText(message)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()
        self.last_message_box = box
        self.user_error_shown.emit(message)

    def _disable(self, widget: QWidget) -> None:
        _, count = self._disabled.get(id(widget), (widget, 0))
        if count == 0:
            widget.setEnabled(False)
        self._disabled[id(widget)] = (widget, count + 1)

    def _enable(self, widget: QWidget) -> None:
        _, count = self._disabled.pop(id(widget), (widget, 1))
        if count > 1:
            self._disabled[id(widget)] = (widget, count - 1)
        elif shiboken6.isValid(widget):
            widget.setEnabled(True)


@dataclass(frozen=True)
class _Job:
    """What to do when one task ends."""

    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], bool] | None
    widgets: list[QWidget]
    label: str
    error_parent: QWidget | None


def _first(widgets: list[QWidget]) -> QWidget | None:
    return widgets[0] if widgets else None
