"""The status bar: account, connection and event-stream state, sandbox clock and busy state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QLabel, QProgressBar, QStatusBar, QWidget

from zoomadmin.ui.common.dates import date_time_text


def speed_text(speed: float) -> str:
    """How a clock speed reads in the speed control: ``1×``, ``10×``, ``60×``."""
    return f"{speed:g}×"


class AppStatusBar(QStatusBar):
    """Always shows which account the app is on, so nobody mistakes the sandbox for Zoom.

    Imports no service (it is built before them, to show the window early). The sandbox
    clock and its speed control are visible only on the sandbox. While any job
    runs, an indeterminate progress bar and the job's label show on the left.
    """

    speed_chosen = Signal(float)
    """The user picked a sandbox clock speed."""

    def __init__(self, speeds: Sequence[float], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("appStatusBar")
        # Room between the permanent fields, which otherwise run into each other.
        self.setStyleSheet("QStatusBar#appStatusBar QLabel { padding: 0 6px; }")
        self.activity = QLabel(self)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(120)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName("Working")
        self.addWidget(self.progress)
        self.addWidget(self.activity)
        self.account = QLabel(self)
        self.account.setObjectName("accountBadge")
        self.account.setAccessibleName("Account")
        self.connection = QLabel(self)
        self.connection.setAccessibleName("Connection")
        self.events = QLabel(self)
        self.events.setAccessibleName("Event stream")
        self.jobs = QLabel(self)
        self.jobs.setAccessibleName("Always-on work")
        self.queue = QLabel(self)
        self.queue.setObjectName("queueState")
        self.queue.setAccessibleName("Schedule queue")
        self.clock = QLabel(self)
        self.clock.setObjectName("sandboxClock")
        self.clock.setAccessibleName("Sandbox clock")
        self.speed_label = QLabel("Speed:", self)
        self.speed = QComboBox(self)
        self.speed_label.setBuddy(self.speed)
        self.speed.setAccessibleName("Sandbox clock speed")
        self.speed.setToolTip("How fast the sandbox's time runs (1× is real time)")
        for value in speeds:
            self.speed.addItem(speed_text(value), value)
        self.speed.activated.connect(self._on_speed_activated)
        for widget in (
            self.account,
            self.connection,
            self.events,
            self.queue,
            self.jobs,
            self.clock,
            self.speed_label,
            self.speed,
        ):
            self.addPermanentWidget(widget)
        self.set_busy(False)
        self.show_account("", is_sandbox=False)  # hidden until an account is open or fails
        self.show_connection("Connecting…")
        self.show_events("Events: off")
        self.show_queue("")

    def show_account(self, label: str, *, is_sandbox: bool) -> None:
        """Name the account; a sandbox account is marked so it stands out from production."""
        self.account.setText(label)
        self.account.setVisible(bool(label))
        self.account.setToolTip(
            "The built-in sandbox: demo data, nothing reaches Zoom."
            if is_sandbox
            else f"The Zoom account zoomadmin works in: {label}. Switch in Settings → Accounts."
            if label
            else ""
        )
        self.account.setProperty("sandbox", is_sandbox)
        self.account.setStyleSheet(
            "QLabel#accountBadge { background: #f0b429; color: #1f1f1f; font-weight: bold;"
            " padding: 1px 6px; border-radius: 3px; }"
            if is_sandbox
            else "QLabel#accountBadge { font-weight: bold; padding: 1px 6px; }"
        )
        self.clock.setVisible(is_sandbox)
        self.speed_label.setVisible(is_sandbox)
        self.speed.setVisible(is_sandbox)

    def show_connection(self, state: str, detail: str = "") -> None:
        """Show the connection state (with the reason when it failed as a tooltip)."""
        self._connection = (state, detail)
        self._show_connection_label()

    def show_zoom_problem(self, text: str) -> None:
        """The last real call to Zoom failed (``text`` says why), or worked again ("")."""
        self._zoom_problem = text
        self._show_connection_label()

    def _show_connection_label(self) -> None:
        state, detail = getattr(self, "_connection", ("Not connected", ""))
        problem = getattr(self, "_zoom_problem", "")
        if problem and state == "Connected":
            self.connection.setText("Zoom: not answering")
            self.connection.setToolTip(f"The last call to Zoom failed: {problem}")
            return
        self.connection.setText(state)
        self.connection.setToolTip(detail or f"The connection to Zoom: {state}")

    def show_events(self, text: str, detail: str = "") -> None:
        """Show the event stream's state (``Events: connected``, ``Events: reconnecting in
        4 s``), with why it is not connected as a tooltip."""
        self.events.setText(text)
        self.events.setToolTip(detail)

    def show_queue(self, text: str) -> None:
        """What the schedule queue holds (``312 sessions queued, 14 wait for Tue 00:00 UTC``);
        hidden while nothing waits to go to Zoom."""
        self.queue.setText(text)
        self.queue.setToolTip("Meeting writes waiting to go to Zoom (the Calendar tab lists them)")
        self.queue.setVisible(bool(text))

    def show_jobs(self, text: str, detail: str = "") -> None:
        """Show how the always-on work is doing (``Jobs: running``, ``Jobs: 1 failed``,
        ``Jobs: run elsewhere``), each job's state in the tooltip."""
        self.jobs.setText(text)
        self.jobs.setToolTip(detail)

    def show_clock(self, now: datetime, speed: float) -> None:
        """Show the sandbox's time and select its speed in the control."""
        self.clock.setText(date_time_text(now, UTC))
        self.clock.setToolTip("The sandbox's clock (it may run faster than real time)")
        index = self.speed.findData(speed)
        if index >= 0:
            self.speed.setCurrentIndex(index)
        elif speed > 0:
            self.speed.addItem(speed_text(speed), speed)
            self.speed.setCurrentIndex(self.speed.count() - 1)

    @Slot(bool)
    def set_busy(self, busy: bool) -> None:
        """Show or hide the progress indicator."""
        self.progress.setVisible(busy)
        if not busy:
            self.activity.clear()

    @Slot(str)
    def set_activity(self, label: str) -> None:
        """Say what is running (empty when idle)."""
        self.activity.setText(label)

    @Slot(int)
    def _on_speed_activated(self, index: int) -> None:
        self.speed_chosen.emit(float(self.speed.itemData(index)))
