"""The small forms of the calendar's actions: a new session, start now, a move, a series change.

Each form only collects and checks what a person types; the tab asks the session-changes
service for the priced plan and confirms it before anything goes to the queue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from PySide6.QtCore import QDateTime, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

MAX_TITLE = 200
"""Zoom's longest meeting topic."""
MAX_MINUTES = 24 * 60


def wall_time(moment: QDateTime) -> datetime:
    """A QDateTime's date and time of day as a naive datetime (to the minute)."""
    day, clock = moment.date(), moment.time()
    return datetime(day.year(), day.month(), day.day(), clock.hour(), clock.minute())  # noqa: DTZ001 - wall-clock time, its zone is the form's


def _qt(moment: datetime) -> QDateTime:
    return QDateTime(moment.year, moment.month, moment.day, moment.hour, moment.minute, 0)


@dataclass(frozen=True)
class HostOption:
    """A host the forms offer: its id, email and tenant's time zone."""

    host_id: int
    email: str
    tenant: str
    timezone: str

    @property
    def label(self) -> str:
        """``email (tenant)``."""
        return f"{self.email} ({self.tenant})" if self.tenant else self.email


@dataclass(frozen=True)
class NewSession:
    """What the New session and Start now forms collected."""

    host: HostOption
    title: str
    start: datetime | None
    """Wall-clock start (naive, in the host's tenant's zone); None for start now."""
    duration_minutes: int


class _Form(QDialog):
    """A titled form with OK/Cancel; OK stays off while a field is wrong (said below it)."""

    def __init__(self, title: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.problem = QLabel(self)
        self.problem.setObjectName("formProblem")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def check(self) -> None:
        """Say what is wrong (and keep OK off), or nothing."""
        problem = self.problem_text()
        self.problem.setText(problem)
        self.ok.setEnabled(not problem)

    def problem_text(self) -> str:
        """What is wrong with the entries ("" when nothing)."""
        return ""


class SessionForm(_Form):
    """New session… (a date and time) or Start now… (none): host, title, length."""

    def __init__(
        self,
        hosts: Sequence[HostOption],
        *,
        start_now: bool,
        now: datetime,
        chosen: HostOption | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = "Start a meeting now" if start_now else "New session"
        super().__init__(title, "Price it…", parent)
        self.setObjectName("startNowForm" if start_now else "newSessionForm")
        self._hosts = list(hosts)
        self.host = QComboBox(self)
        self.host.setObjectName("sessionHost")
        for option in self._hosts:
            self.host.addItem(option.label)
        if chosen is not None and chosen in self._hosts:
            self.host.setCurrentIndex(self._hosts.index(chosen))
        self.title = QLineEdit(self, placeholderText="Topic the participants see")
        self.title.setObjectName("sessionTitle")
        self.title.setMaxLength(MAX_TITLE)
        self.form.addRow("&Host:", self.host)
        self.form.addRow("&Title:", self.title)
        self.when: QDateTimeEdit | None = None
        if not start_now:
            self.when = QDateTimeEdit(self)
            self.when.setObjectName("sessionStart")
            self.when.setCalendarPopup(True)
            self.when.setDisplayFormat("ddd d MMM yyyy HH:mm")
            self.when.setDateTime(_qt(now.replace(minute=0, second=0) + timedelta(hours=1)))
            self.form.addRow("&Starts (host's tenant's time):", self.when)
        self.minutes = QSpinBox(self)
        self.minutes.setObjectName("sessionMinutes")
        self.minutes.setRange(1, MAX_MINUTES)
        self.minutes.setValue(60 if not start_now else 40)
        self.minutes.setSuffix(" min")
        self.form.addRow("&Length:", self.minutes)
        if start_now:
            note = QLabel(
                "Zoom makes an instant meeting at once (one request of the host); its join "
                "and start links follow.",
                self,
            )
            note.setWordWrap(True)
            self.form.addRow(note)
        self.title.textChanged.connect(lambda _t: self.check())
        self.host.currentIndexChanged.connect(lambda _i: self.check())
        self.check()
        self.title.setFocus()

    def problem_text(self) -> str:
        """A host must be chosen and the title not empty."""
        if not self._hosts:
            return "There is no host yet: add one on the Tenants & Hosts tab."
        if not self.title.text().strip():
            return "Give the session a title."
        return ""

    def value(self) -> NewSession:
        """What was entered."""
        start = wall_time(self.when.dateTime()) if self.when is not None else None
        return NewSession(
            self._hosts[self.host.currentIndex()],
            self.title.text().strip(),
            start,
            self.minutes.value(),
        )


class MoveForm(_Form):
    """Move one session: a new date and time, and a length."""

    def __init__(
        self, start: datetime, minutes: int, zone: tzinfo, parent: QWidget | None = None
    ) -> None:
        super().__init__("Move the session", "Price it…", parent)
        self.setObjectName("moveForm")
        self._zone = zone
        local = start.astimezone(zone)
        self.when = QDateTimeEdit(self)
        self.when.setObjectName("moveStart")
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("ddd d MMM yyyy HH:mm")
        self.when.setDateTime(_qt(local))
        self.minutes = QSpinBox(self)
        self.minutes.setObjectName("moveMinutes")
        self.minutes.setRange(1, MAX_MINUTES)
        self.minutes.setValue(minutes)
        self.minutes.setSuffix(" min")
        self.form.addRow(f"&Starts ({zone}):", self.when)
        self.form.addRow("&Length:", self.minutes)
        self.check()

    def value(self) -> tuple[datetime, int]:
        """The new start (aware, in the session's zone) and length."""
        return wall_time(self.when.dateTime()).replace(tzinfo=self._zone), self.minutes.value()


class SeriesForm(_Form):
    """Change a series' time of day and length, from one session on."""

    def __init__(
        self, start: datetime, minutes: int, zone: tzinfo, parent: QWidget | None = None
    ) -> None:
        super().__init__("Change the series", "Price it…", parent)
        self.setObjectName("seriesForm")
        local = start.astimezone(zone)
        self.time = QTimeEdit(self)
        self.time.setObjectName("seriesTime")
        self.time.setDisplayFormat("HH:mm")
        self.time.setTime(QTime(local.hour, local.minute))
        self.minutes = QSpinBox(self)
        self.minutes.setObjectName("seriesMinutes")
        self.minutes.setRange(1, MAX_MINUTES)
        self.minutes.setValue(minutes)
        self.minutes.setSuffix(" min")
        note = QLabel(
            f"From the {local:%a %d %b} session on; earlier sessions stay as they were.", self
        )
        note.setWordWrap(True)
        self.form.addRow(f"&Time of day ({zone}):", self.time)
        self.form.addRow("&Length:", self.minutes)
        self.form.addRow(note)
        self.check()

    def value(self) -> tuple[str, int]:
        """``HH:MM`` and the length."""
        chosen = self.time.time()
        return f"{chosen.hour():02}:{chosen.minute():02}", self.minutes.value()
