"""The audit-log viewer: every change zoomadmin made, filtered by object, action, words, dates."""

from __future__ import annotations

import enum
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zoomadmin.services.hosts import AuditFilter, AuditLine
from zoomadmin.ui.common.async_runner import AsyncRunner
from zoomadmin.ui.common.audit_words import ACTIONS, action_words, change_words
from zoomadmin.ui.common.dates import date_time_text, local_zone

AuditQuery = Callable[[AuditFilter], Coroutine[Any, Any, list[AuditLine]]]
Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
SEARCH_DELAY_MS = 200


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class AuditColumn(enum.IntEnum):
    """The columns of the audit table."""

    WHEN = 0
    WHO = 1
    WHAT = 2
    ABOUT = 3
    CHANGE = 4


HEADERS = ("When", "Who", "What", "About", "Change")


def about_text(line: AuditLine, names: dict[tuple[str, str], str]) -> str:
    """What the entry is about: a host's email, a tenant's name, or the account."""
    known = names.get((line.object_type, line.object_id))
    if known:
        return known
    for value in (line.new_value, line.old_value):
        if isinstance(value, dict) and value.get("email"):
            return str(value["email"])
    return f"{line.object_type} {line.object_id}"


class AuditModel(QAbstractTableModel):
    """Audit lines, newest first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines: list[AuditLine] = []
        self.names: dict[tuple[str, str], str] = {}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        """Entries shown."""
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        """One per :class:`AuditColumn`."""
        return 0 if parent.isValid() else len(AuditColumn)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        """The cell's text (the change in full as its tooltip)."""
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line = self._lines[index.row()]
        column = AuditColumn(index.column())
        if role == Qt.ItemDataRole.ToolTipRole and column == AuditColumn.CHANGE:
            return change_words(line)
        if role != _DISPLAY:
            return None
        cells: dict[AuditColumn, Callable[[], str]] = {
            AuditColumn.WHEN: lambda: date_time_text(line.at),
            AuditColumn.WHO: lambda: line.actor,
            AuditColumn.WHAT: lambda: action_words(line.action),
            AuditColumn.ABOUT: lambda: about_text(line, self.names),
            AuditColumn.CHANGE: lambda: change_words(line),
        }
        return cells[column]()

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY
    ) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def set_lines(self, lines: Sequence[AuditLine]) -> None:
        """Show ``lines``."""
        self.beginResetModel()
        self._lines = list(lines)
        self.endResetModel()


class AuditLogDialog(QDialog):
    """Filters (about, action, words, from, until) above the entries; non-modal."""

    def __init__(
        self,
        query: AuditQuery,
        runner: AsyncRunner,
        *,
        subjects: Sequence[tuple[str, str, str]] = (),
        chosen: tuple[str, str] | None = None,
        today: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``subjects`` are (object type, object id, label) offered in "About"; ``today`` is
        the account clock's date (the dates shown start 30 days before it)."""
        super().__init__(parent)
        self.setObjectName("auditLogDialog")
        self.setWindowTitle("Audit log")
        self.resize(980, 520)
        self._query = query
        self._runner = runner
        self.model = AuditModel(self)
        self.model.names = {(kind, oid): label for kind, oid, label in subjects}
        self.about = QComboBox(self)
        self.about.addItem("Everything", None)
        # Item data are "kind:id" strings (a combo box cannot find tuples again).
        for kind, label in (("host", "All hosts"), ("tenant", "All tenants")):
            self.about.addItem(label, f"{kind}:")
        for kind, oid, label in subjects:
            self.about.addItem(label, f"{kind}:{oid}")
        if chosen is not None:
            self.about.setCurrentIndex(max(0, self.about.findData(":".join(chosen))))
        self.action = QComboBox(self)
        self.action.addItem("Any action", None)
        for action, words in ACTIONS.items():
            self.action.addItem(words, action)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Words in the entry (email, name, value)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self.about.setMaximumWidth(280)
        self.about.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.about.setMinimumContentsLength(18)
        day = today or datetime.now(UTC).date()
        today_q = QDate(day.year, day.month, day.day)
        self.since = QDateEdit(today_q.addDays(-30), self)
        self.until = QDateEdit(today_q, self)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
        self.view = QTableView(self)
        self.view.setObjectName("auditTable")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.count = QLabel(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.reload)
        self._layout()
        for signal in (
            self.about.currentIndexChanged,
            self.action.currentIndexChanged,
            self.search.textChanged,
            self.since.dateChanged,
            self.until.dateChanged,
        ):
            signal.connect(self._timer.start)
        self.reload()

    def _layout(self) -> None:
        filters = QHBoxLayout()
        for text, widget in (
            ("A&bout:", self.about),
            ("A&ction:", self.action),
            ("&Words:", self.search),
            ("&From:", self.since),
            ("&Until:", self.until),
        ):
            label = QLabel(text, self)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget, 1 if widget is self.search else 0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)

    def current_filter(self) -> AuditFilter:
        """The filter the controls hold."""
        about = self.about.currentData()
        kind, _, oid = about.partition(":") if isinstance(about, str) else (None, "", None)
        here = local_zone()
        first, last = _day(self.since.date()), _day(self.until.date())
        since = datetime.combine(first, time.min, here)
        until = datetime.combine(last + timedelta(days=1), time.min, here)
        return AuditFilter(
            object_type=kind or None,
            object_id=oid or None,
            action=self.action.currentData(),
            since=since.astimezone(UTC),
            until=until.astimezone(UTC),
            text=self.search.text().strip(),
        )

    @Slot()
    def reload(self) -> None:
        """Read the entries that pass the filters."""
        self._runner.run(
            self._query(self.current_filter()), on_done=self._show, label="Reading the audit log…"
        )

    def _show(self, lines: list[AuditLine]) -> None:
        self.model.set_lines(lines)
        self.view.resizeColumnsToContents()
        count = len(lines)
        self.count.setText(f"{count} entr{'ies' if count != 1 else 'y'}")
