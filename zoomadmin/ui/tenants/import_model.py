"""The rows of a CSV import: what each line holds, what the check found, what Zoom did."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from functools import cache
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from zoomadmin.services.host_import import ImportReport, ImportRow, Outcome, RowResult

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
"""The row's :class:`ImportRow`."""
_DISPLAY = Qt.ItemDataRole.DisplayRole
GOOD_OUTCOMES = (Outcome.CREATED, Outcome.CONFIRMED, Outcome.LINKED)
_GOOD = GOOD_OUTCOMES


class RowKind(enum.Enum):
    """What a row needs from the user, shown by an icon as well as in words."""

    READY = "Ready"
    PROBLEM = "Problem"
    LINKABLE = "Already in this Zoom account"


KIND_ICONS = {
    RowKind.READY: QStyle.StandardPixmap.SP_DialogApplyButton,
    RowKind.PROBLEM: QStyle.StandardPixmap.SP_MessageBoxWarning,
    RowKind.LINKABLE: QStyle.StandardPixmap.SP_MessageBoxInformation,
}
"""The style's own icons, so they match the system theme, light or dark."""


class ImportColumn(enum.IntEnum):
    """The columns of the import preview and report."""

    LINE = 0
    EMAIL = 1
    NAME = 2
    TYPE = 3
    RESULT = 4


HEADERS = {
    ImportColumn.LINE: "Line",
    ImportColumn.EMAIL: "Email",
    ImportColumn.NAME: "Name",
    ImportColumn.TYPE: "Type",
    ImportColumn.RESULT: "Check / result",
}


def _type_text(row: ImportRow) -> str:
    return row.user_type.name.title() if row.user_type is not None else row.type_text


def _result_text(row: ImportRow, result: RowResult | None) -> str:
    if result is not None:
        return f"{result.outcome}: {result.message}" if result.message else str(result.outcome)
    if row.problems:
        return " ".join(row.problems)
    return "Ready (email from the tenant's scheme)" if row.generated_email else "Ready"


class ImportRowsModel(QAbstractTableModel):
    """Import rows with their check results, then with each row's outcome."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ImportRow] = []
        self._results: dict[int, RowResult] = {}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        """Rows of the file."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        """One per :class:`ImportColumn`."""
        return 0 if parent.isValid() else len(ImportColumn)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        """Cell text, the row object, and the kind's icon beside the check result.

        Text keeps the palette's own colour: the icon and the sentence tell the kinds apart,
        never a colour alone, so the rows read the same in light and dark themes.
        """
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = ImportColumn(index.column())
        if role in (_DISPLAY, Qt.ItemDataRole.ToolTipRole):
            return self._text(row, column)
        if role == ROW_ROLE:
            return row
        if column == ImportColumn.RESULT:
            return self._result_extra(index.row(), role)
        return None

    def _result_extra(self, row: int, role: int) -> Any:
        kind = self.kind(row)
        if role == Qt.ItemDataRole.DecorationRole and kind in KIND_ICONS:
            return _kind_icon(kind)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return kind.value
        return None

    def _text(self, row: ImportRow, column: ImportColumn) -> str:
        match column:
            case ImportColumn.LINE:
                return str(row.line)
            case ImportColumn.EMAIL:
                return row.email or "(from the scheme)"
            case ImportColumn.NAME:
                return f"{row.first_name} {row.last_name}".strip()
            case ImportColumn.TYPE:
                return _type_text(row)
        return _result_text(row, self._results.get(row.line))

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY
    ) -> Any:
        """Column titles."""
        if role != _DISPLAY or orientation != Qt.Orientation.Horizontal:
            return None
        return HEADERS[ImportColumn(section)] if 0 <= section < len(ImportColumn) else None

    def is_good(self, row: int) -> bool:
        """Whether the row is ready (before the run) or was created (after)."""
        item = self._rows[row]
        result = self._results.get(item.line)
        return result.outcome in _GOOD if result is not None else item.ok

    def kind(self, row: int) -> RowKind:
        """Ready (or done), a problem, or a user already in the account that can be linked."""
        if self.is_good(row):
            return RowKind.READY
        item = self._rows[row]
        result = self._results.get(item.line)
        skipped = result is None or result.outcome == Outcome.SKIPPED
        return RowKind.LINKABLE if item.linkable and skipped else RowKind.PROBLEM

    def set_rows(self, rows: Sequence[ImportRow]) -> None:
        """Show freshly checked rows (clears earlier results)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._results = {}
        self.endResetModel()

    def rows(self) -> list[ImportRow]:
        """The rows shown."""
        return list(self._rows)

    def set_result(self, result: RowResult) -> None:
        """Show one row's outcome in place."""
        self._results[result.row.line] = result
        for at, row in enumerate(self._rows):
            if row.line == result.row.line:
                self._rows[at] = result.row
                cell = self.index(at, ImportColumn.RESULT)
                self.dataChanged.emit(self.index(at, 0), cell)

    def set_report(self, report: ImportReport) -> None:
        """Show every row's outcome."""
        for result in report.results:
            self.set_result(result)


@cache
def _kind_icon(kind: RowKind) -> QIcon:
    style = QApplication.style()
    return style.standardIcon(KIND_ICONS[kind]) if style is not None else QIcon()
