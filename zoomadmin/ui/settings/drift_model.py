"""The drift report as a table model: host x setting rows that differ from the policy."""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from zoomadmin.services.drift import DriftRow
from zoomadmin.ui.settings.values import layer_words, value_words

Index = QModelIndex | QPersistentModelIndex


class DriftColumn(enum.IntEnum):
    """The report's columns."""

    HOST = 0
    TENANT = 1
    SETTING = 2
    EXPECTED = 3
    ACTUAL = 4
    LAYER = 5


HEADERS = {
    DriftColumn.HOST: "Host",
    DriftColumn.TENANT: "Tenant",
    DriftColumn.SETTING: "Setting",
    DriftColumn.EXPECTED: "Policy",
    DriftColumn.ACTUAL: "In Zoom",
    DriftColumn.LAYER: "From layer",
}
#: The row itself, for code that needs more than the cells.
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


def _cell(row: DriftRow, column: DriftColumn) -> str:
    cells = {
        DriftColumn.HOST: row.email,
        DriftColumn.TENANT: row.tenant,
        DriftColumn.SETTING: row.label,
        DriftColumn.EXPECTED: value_words(row.expected),
        DriftColumn.ACTUAL: value_words(row.actual),
        DriftColumn.LAYER: layer_words(row.layer, row.locked),
    }
    return cells[column]


class DriftModel(QAbstractTableModel):
    """Rows of :class:`DriftRow`; replaced whole when a report is read again."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[DriftRow] = []

    def set_rows(self, rows: list[DriftRow]) -> None:
        """Show ``rows`` instead of the current ones."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> DriftRow:
        """The drift row shown at ``row``."""
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Rows (none under a valid parent: this is a flat table)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Columns."""
        return 0 if parent.isValid() else len(DriftColumn)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text, the setting key as tooltip, the row under :data:`ROW_ROLE`."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = DriftColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column is DriftColumn.SETTING:
            return row.key
        if role == ROW_ROLE:
            return row
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(DriftColumn):
            return HEADERS[DriftColumn(section)]
        return None
