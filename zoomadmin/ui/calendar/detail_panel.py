"""The selected session's details beside the calendar: times in both zones, host, series,
state, links, and buttons for the tab's actions on it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from zoomadmin.services.calendar import CalendarSession
from zoomadmin.ui.calendar.layout import Mark, mark_of

NOTHING = "Select a session to see its details (click it, or use the arrow keys)."


BREAKABLE = "\u200b"
"""A zero-width space: lets a long address or link wrap after its separators."""


def breakable(text: str) -> str:
    """``text`` that may wrap after ``@ + / ? & =`` (shown in a narrow panel)."""
    for mark in "@+/?&=":
        text = text.replace(mark, mark + BREAKABLE)
    return text


def span_text(session: CalendarSession, zone: tzinfo) -> str:
    """``Mon 2 Mar 2026, 09:00–09:50 EST`` in ``zone``."""
    start, end = session.start.astimezone(zone), session.end.astimezone(zone)
    day = f"{start:%a} {start.day} {start:%b %Y}"
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%a} {end.day} {end:%b %H:%M}"
    return f"{day}, {start:%H:%M}–{until} {start.tzname() or ''}".rstrip()


def mark_words(session: CalendarSession, now: datetime) -> str:
    """The session's state in words, with the queue's reason where it has one."""
    mark = mark_of(session, now)
    if mark is Mark.WAITING:
        return "Waiting for the host's Zoom quota (it resets at 00:00 UTC)"
    if mark is Mark.FAILED:
        return "Failed: see the queue below to retry or cancel it"
    if mark is Mark.QUEUED:
        return "Queued: zoomadmin creates it in Zoom as the host's quota allows"
    if mark is Mark.CREATED:
        return "Created in Zoom"
    return mark.value


class DetailPanel(QFrame):
    """Shows one session (or says how to choose one) and the buttons of its actions."""

    def __init__(self, actions: Sequence[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sessionDetails")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(270)
        self.session: CalendarSession | None = None
        self.title = QLabel(NOTHING, self)
        self.title.setObjectName("detailTitle")
        self.title.setWordWrap(True)
        bold = QFont(self.title.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        self.title.setFont(bold)
        self.fields: dict[str, QLabel] = {}
        self._form = form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, label in (
            ("status", "State"),
            ("shown", "Time"),
            ("own", "Its zone"),
            ("host", "Host"),
            ("tenant", "Tenant"),
            ("series", "Series"),
            ("meeting", "Meeting"),
            ("join", "Join link"),
        ):
            value = QLabel(self)
            value.setObjectName(f"detail_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = value
            form.addRow(f"{label}:", value)
        self.buttons: list[QToolButton] = []
        grid = QGridLayout()
        for index, action in enumerate(actions):
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            grid.addWidget(button, index // 2, index % 2)
            self.buttons.append(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addLayout(grid)
        layout.addStretch(1)
        self.show_session(None, None, None, datetime.now().astimezone())

    def show_session(
        self,
        session: CalendarSession | None,
        shown_zone: tzinfo | None,
        tenant: tuple[str, tzinfo] | None,
        now: datetime,
        *,
        series: tuple[int, int] | None = None,
    ) -> None:
        """Show ``session`` with its times in the view's zone and in its own (tenant's)."""
        self.session = session
        visible = session is not None
        for value in self.fields.values():
            value.setVisible(visible)
            label = self._label_of(value)
            if label is not None:
                label.setVisible(visible)
            if not visible:
                value.clear()
        if session is None or shown_zone is None:
            self.title.setText(NOTHING)
            return
        own_zone = tenant[1] if tenant is not None else session.start.tzinfo or shown_zone
        self.title.setText(session.title)
        self.fields["status"].setText(mark_words(session, now))
        self.fields["shown"].setText(span_text(session, shown_zone))
        self.fields["own"].setText(f"{span_text(session, own_zone)} ({session.timezone})")
        self.fields["host"].setText(breakable(session.host_email) or "—")
        self.fields["host"].setToolTip(session.host_email)
        self.fields["tenant"].setText(tenant[0] if tenant is not None else "No tenant")
        if session.meeting_id is None:
            self.fields["series"].setText("In the queue: not in Zoom yet")
        elif series is not None:
            number, left = series
            self.fields["series"].setText(f"Session {number} of the {left} left in the series")
        else:
            self.fields["series"].setText("A single meeting")
        self.fields["meeting"].setText(str(session.meeting_id) if session.meeting_id else "—")
        self.fields["join"].setText(breakable(session.join_url) or "Not known yet (sync with Zoom)")
        self.fields["join"].setToolTip(session.join_url)

    def _label_of(self, field: QLabel) -> QWidget | None:
        return self._form.labelForField(field)
