"""The preview of a curriculum before anything is sent: cost, spill, problems, conflicts with
the sessions involved, and the account users to make hosts first (each with a checkbox)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QProgressBar,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zoomadmin.core.curriculum import Conflict, ConflictKind, RowProblem, Session
from zoomadmin.services.curriculum import CurriculumPreview
from zoomadmin.ui.common.dates import date_time_text
from zoomadmin.ui.common.field_errors import LABEL_STYLE

COST_ROWS_SHOWN = 6
"""Hosts the cost table shows before it scrolls."""
WRAP_MARGIN = 12
"""Pixels of a findings row that are not text (the item's own margins)."""
GROUP_EXPANDED = 3
"""A group of findings of one kind and host shows its members when it has at most this many."""
GROUP_WORDS = {
    ConflictKind.DOUBLE_BOOKED: "{n} times {host} would run two sessions at once",
    ConflictKind.EXISTING_MEETING: "{n} sessions clash with meetings {host} already has",
    ConflictKind.IN_PAST: "{n} rows of {host} have sessions in the past",
    ConflictKind.BASIC_OVER_40: (
        "{n} rows run over 40 minutes, and {host} is a Basic host (it needs a license then)"
    ),
}
SESSIONS_SHOWN = 20
"""Sessions listed under one finding; the rest are counted."""
COST_HEADERS = ("Host", "Sessions", "Zoom requests", "Left today", "Last created")

FIELD_WORDS = {
    "tenant": "tenant",
    "host_email": "host",
    "title": "title",
    "weekday": "weekday",
    "start_time": "start time",
    "duration_minutes": "duration",
    "first_date": "first date",
    "last_date": "last date",
    "skip_dates": "holidays",
    "timezone": "time zone",
}
"""How the wizard names a problem's field (a CSV import names its column as it is)."""


def plural(count: int, word: str) -> str:
    """``1 session``, ``3 sessions``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def csv_problem_text(problem: RowProblem) -> str:
    """``Row 3, start_time: …`` (the file's row, counted as a spreadsheet does)."""
    return problem.text


def slot_problem_text(problem: RowProblem) -> str:
    """``Row 2, start time: …`` (the row of the wizard's weekly slots table)."""
    return f"Row {problem.row}, {FIELD_WORDS.get(problem.field, problem.field)}: {problem.message}"


def session_text(session: Session) -> str:
    """One session involved in a finding: its local start, title and row."""
    when = date_time_text(session.start, session.timezone)
    return f"{when} — “{session.title}” ({session.duration_minutes} min, row {session.row})"


def last_created_text(moment: datetime, now: datetime) -> str:
    """``now`` when it can go today, else the coming UTC midnight it waits for."""
    return "today" if moment <= now else date_time_text(moment, "UTC")


def seat_warning(preview: CurriculumPreview) -> str:
    """The license pool's shortfalls with this term, as warnings under its cost ("" when
    the seats suffice): those sessions would start as Basic (cut at 40 minutes)."""
    lines = []
    for short in preview.seat_shortfalls[:3]:
        start = datetime.fromisoformat(str(short["from"]).replace("Z", "+00:00"))
        end = datetime.fromisoformat(str(short["to"]).replace("Z", "+00:00"))
        lines.append(
            f"{start:%a %d %b %H:%M}–{end:%H:%M} UTC: {short['need']} sessions need a paid seat, "
            f"{short['have']} seats"
        )
    if not lines:
        return ""
    more = len(preview.seat_shortfalls) - len(lines)
    tail = f" (and {more} more times)" if more > 0 else ""
    return (
        "<br><b>License pool short:</b> " + "; ".join(lines) + tail + ". Those sessions would "
        "start as Basic (cut at 40 minutes, no cloud recording)."
    )


class WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their word-wrapped text at the tree's width (QTreeView alone keeps
    every row one line high and cuts the rest off)."""

    def __init__(self, view: QTreeWidget) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(  # noqa: N802 - Qt override
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        """The height the text needs, wrapped at the column's width less indentation."""
        size = super().sizeHint(option, index)
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        view = self._view
        width = view.header().sectionSize(0) - view.indentation() * (depth + 1)
        width -= option.decorationSize.width() + WRAP_MARGIN
        text = str(index.data() or "")
        flags = int(Qt.TextFlag.TextWordWrap)
        needed = option.fontMetrics.boundingRect(0, 0, max(width, 80), 100_000, flags, text)
        return QSize(size.width(), max(size.height(), needed.height() + 6))


class CurriculumPreviewView(QWidget):
    """Shows a :class:`CurriculumPreview`; :meth:`ready` says whether it may be submitted."""

    changed = Signal()
    """Whether the preview may be submitted may have changed (a link box was toggled)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("curriculumPreview")
        self.preview: CurriculumPreview | None = None
        self.working = False
        """A check or a submission is running (nothing may be submitted meanwhile)."""
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)
        self.busy.hide()
        self.summary = QLabel(self)
        self.summary.setObjectName("curriculumSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = QLabel(self)
        self.error.setObjectName("curriculumError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(LABEL_STYLE)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.costs = self._costs_table()
        self.findings = QTreeWidget(self)
        self.findings.setObjectName("curriculumFindings")
        self.findings.setHeaderHidden(True)
        self.findings.setWordWrap(True)
        self.findings.setUniformRowHeights(False)
        self.findings.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.findings.setItemDelegate(WrappingDelegate(self.findings))
        self.findings.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.findings.header().setStretchLastSection(True)
        # Wrapped rows get their height when laid out: lay out again when the width changes.
        self.findings.header().sectionResized.connect(
            lambda *_: self.findings.scheduleDelayedItemsLayout()
        )
        self.links = QGroupBox("Users to make hosts of their tenant first", self)
        self.links.setObjectName("curriculumLinks")
        self._links_layout = QVBoxLayout(self.links)
        self.links.hide()
        self.link_boxes: dict[str, QCheckBox] = {}
        self.verdict = QLabel(self)
        self.verdict.setObjectName("curriculumVerdict")
        self.verdict.setWordWrap(True)
        self._problem_text: Callable[[RowProblem], str] = csv_problem_text
        self._lay_out()
        self._fit_costs()

    def _costs_table(self) -> QTableWidget:
        costs = QTableWidget(0, len(COST_HEADERS), self)
        costs.setObjectName("curriculumCosts")
        costs.setHorizontalHeaderLabels(list(COST_HEADERS))
        costs.verticalHeader().hide()
        costs.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        costs.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = costs.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COST_HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        return costs

    def _lay_out(self) -> None:
        self.costs_label = QLabel("&Cost per host (each host may send 100 Zoom requests a day):")
        self.costs_label.setBuddy(self.costs)
        self.findings_label = QLabel("&Problems and conflicts, with the sessions involved:")
        self.findings_label.setBuddy(self.findings)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.busy)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.costs_label)
        layout.addWidget(self.costs)
        layout.addWidget(self.findings_label)
        layout.addWidget(self.findings, 1)
        layout.addWidget(self.links)
        layout.addWidget(self.verdict)

    def use_problem_words(self, words: Callable[[RowProblem], str]) -> None:
        """How row problems read (a file's rows and columns, or the wizard's slots)."""
        self._problem_text = words

    def show_busy(self, text: str) -> None:
        """A check or a submission is running: say so, and offer nothing to submit."""
        self.working = True
        self.busy.show()
        self.summary.setText(text)
        self.error.hide()
        self.verdict.clear()
        self.changed.emit()

    def show_error(self, text: str) -> None:
        """The preview could not be made (a file without the columns, Zoom unreachable)."""
        self.working = False
        self.busy.hide()
        self.preview = None
        self.summary.clear()
        self.costs.setRowCount(0)
        self._fit_costs()
        self.findings.clear()
        self._set_links(())
        self.error.setText(text)
        self.error.show()
        self.verdict.setText("Nothing can be submitted until this is fixed.")
        self.changed.emit()

    def show_preview(self, preview: CurriculumPreview) -> None:
        """Fill every part from ``preview``."""
        self.working = False
        self.busy.hide()
        self.error.hide()
        self.preview = preview
        cost = preview.cost
        words = f"{plural(cost.sessions, 'session')} in {plural(cost.requests, 'Zoom request')}"
        if cost.requests and cost.sessions > cost.requests:
            words += f" ({cost.sessions / cost.requests:.1f} sessions per request)"
        self.summary.setText(f"<b>{words}</b>: {cost.summary}.{seat_warning(preview)}")
        self._fill_costs(preview)
        self._fill_findings(preview)
        tenants = {s.host_email: s.tenant for s in preview.slots}
        self._set_links([(h.email, tenants.get(h.email, "")) for h in preview.to_link])
        self._update_verdict()

    def _fill_costs(self, preview: CurriculumPreview) -> None:
        cost = preview.cost
        hosts = sorted(cost.hosts.items())
        self.costs.setRowCount(len(hosts))
        for row, (email, host) in enumerate(hosts):
            waiting = f" ({host.waiting_sessions} wait)" if host.waiting_sessions else ""
            values = (
                email,
                str(host.sessions),
                str(host.requests),
                str(host.left_today),
                last_created_text(host.last_created_at, cost.now) + waiting,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.costs.setItem(row, column, item)
        self._fit_costs()

    def _fit_costs(self) -> None:
        """As tall as its rows (up to COST_ROWS_SHOWN), so the findings get the rest."""
        table = self.costs
        table.resizeRowsToContents()
        shown = min(max(table.rowCount(), 1), COST_ROWS_SHOWN)
        rows = sum(table.rowHeight(r) for r in range(min(shown, table.rowCount())))
        rows = rows or table.verticalHeader().defaultSectionSize()
        header = table.horizontalHeader().sizeHint().height()
        table.setFixedHeight(header + rows + 2 * table.frameWidth() + 2)

    def _fill_findings(self, preview: CurriculumPreview) -> None:
        self.findings.clear()
        style = self.style()
        bad = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
        note = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for problem in preview.problems:
            item = QTreeWidgetItem(self.findings, [self._problem_text(problem)])
            item.setIcon(0, bad)
            item.setToolTip(0, item.text(0))
        groups: dict[tuple[ConflictKind, str], list[Conflict]] = defaultdict(list)
        for conflict in preview.conflicts:
            groups[(conflict.kind, conflict.host_email)].append(conflict)
        for (kind, email), found in groups.items():
            icon = bad if kind.blocking else note
            if len(found) == 1:
                self._add_conflict(self.findings.invisibleRootItem(), found[0], icon)
                continue
            prefix = "Conflicts" if kind.blocking else "Notes (they do not stop submitting)"
            words = GROUP_WORDS[kind].format(n=len(found), host=email)
            group = QTreeWidgetItem(self.findings, [f"{prefix}: {words}"])
            group.setIcon(0, icon)
            for conflict in found:
                self._add_conflict(group, conflict, icon, prefix="")
            group.setExpanded(len(found) <= GROUP_EXPANDED)
        if not preview.problems and not preview.conflicts:
            QTreeWidgetItem(self.findings, ["No problems and no conflicts."])

    def _add_conflict(
        self, parent: QTreeWidgetItem, conflict: Conflict, icon: QIcon, prefix: str | None = None
    ) -> None:
        if prefix is None:
            prefix = (
                "Conflict: " if conflict.blocking else "Note (it does not stop the submission): "
            )
        item = QTreeWidgetItem(parent, [prefix + conflict.message])
        item.setIcon(0, icon)
        item.setToolTip(0, conflict.message)
        sessions: Sequence[Session] = conflict.sessions
        for session in sessions[:SESSIONS_SHOWN]:
            QTreeWidgetItem(item, [session_text(session)])
        if len(sessions) > SESSIONS_SHOWN:
            QTreeWidgetItem(item, [f"… and {len(sessions) - SESSIONS_SHOWN} more"])

    def _set_links(self, offers: Sequence[tuple[str, str]]) -> None:
        for box in self.link_boxes.values():
            self._links_layout.removeWidget(box)
            box.deleteLater()
        self.link_boxes = {}
        for email, tenant in offers:
            where = f"“{tenant}”" if tenant else "its row's tenant"
            box = QCheckBox(
                f"Make {email} (a user of this Zoom account) a host of {where}", self.links
            )
            box.toggled.connect(self._update_verdict)
            self._links_layout.addWidget(box)
            self.link_boxes[email] = box
        self.links.setVisible(bool(offers))

    def ready(self) -> bool:
        """Whether the preview may be submitted: no problem, no blocking conflict, and every
        user to link ticked."""
        preview = self.preview
        if preview is None or self.working:
            return False
        return (
            bool(preview.sessions)
            and preview.ok
            and all(box.isChecked() for box in self.link_boxes.values())
        )

    def _update_verdict(self) -> None:
        preview = self.preview
        if preview is None:
            return
        blocking = sum(c.blocking for c in preview.conflicts)
        unticked = [e for e, box in self.link_boxes.items() if not box.isChecked()]
        if preview.problems or blocking:
            text = (
                f"{plural(len(preview.problems), 'problem')} and "
                f"{plural(blocking, 'conflict')} keep this from being submitted: fix them "
                "and check again."
            )
        elif not preview.sessions:
            text = "There is no session to create."
        elif unticked:
            text = (
                f"Tick {'the user' if len(unticked) == 1 else 'the users'} above to make "
                f"{'it a host' if len(unticked) == 1 else 'them hosts'} first, or choose "
                "another host."
            )
        else:
            text = (
                f"Ready: submitting puts {plural(preview.cost.requests, 'Zoom request')} in "
                "the queue, which sends them in start order within each host's quota."
            )
        self.verdict.setText(text)
        self.changed.emit()
