"""The License Pool tab's lists as table models: seats, upcoming moves, alerts, history."""

from __future__ import annotations

import enum
from collections.abc import Callable, Hashable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from zoomadmin.services.license_control import NextMove, PastMove, PoolAlert, SeatHolder
from zoomadmin.ui.common.dates import date_time_text, local_zone, short_time_text
from zoomadmin.ui.common.natural import natural_key
from zoomadmin.ui.pool import pool_words as words

Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
"""The row's own object (a SeatHolder, NextMove, PoolAlert or PastMove)."""
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
"""What a column sorts by: times as numbers, emails naturally."""

Cell = Callable[[Any, datetime], str]


def _stamp(moment: datetime | None) -> float:
    return moment.timestamp() if moment is not None else 0.0


class RowsModel(QAbstractTableModel):
    """Rows of one kind, each column a text made from the row and the clock's now.

    :meth:`set_rows` changes cells in place (``dataChanged``) while the same rows stay in
    the same order, so a selection survives a refresh; otherwise it resets. :meth:`set_now`
    re-words the cells that say "in 5 min".
    """

    headers: tuple[str, ...] = ()
    timely: tuple[int, ...] = ()
    """Columns whose words depend on now."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self.now = datetime.now(local_zone())

    def key(self, row: Any) -> Hashable:
        """What makes a row the same row after a refresh."""
        return row  # type: ignore[no-any-return]

    def cell(self, row: Any, column: int) -> str:
        """A cell's words."""
        raise NotImplementedError

    def sort_value(self, row: Any, column: int) -> Any:
        """A cell's sort key (its words, naturally, unless a subclass says otherwise)."""
        return natural_key(self.cell(row, column))

    def tooltip(self, row: Any, column: int) -> str | None:
        """A cell's tooltip (its words in full by default)."""
        return self.cell(row, column)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        """Rows shown."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        """One per header."""
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        """The cell's words, tooltip, sort key, or the row itself."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == _DISPLAY:
            return self.cell(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        if role == SORT_ROLE:
            return self.sort_value(row, column)
        if role == ROW_ROLE:
            return row
        return None

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY
    ) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return None

    def row(self, number: int) -> Any:
        """The ``number``-th row."""
        return self._rows[number]

    def rows(self) -> list[Any]:
        """Every row, in model order."""
        return list(self._rows)

    def set_rows(self, rows: Sequence[Any], now: datetime) -> None:
        """Show ``rows`` as of ``now`` (in place when they are the same rows)."""
        self.now = now
        new = list(rows)
        if [self.key(r) for r in new] == [self.key(r) for r in self._rows] and new:
            self._rows = new
            last = self.index(len(new) - 1, len(self.headers) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._rows = new
        self.endResetModel()

    def set_now(self, now: datetime) -> None:
        """Re-word the cells that depend on the time."""
        self.now = now
        for column in self.timely:
            if self._rows:
                top, bottom = self.index(0, column), self.index(len(self._rows) - 1, column)
                self.dataChanged.emit(top, bottom, [_DISPLAY, Qt.ItemDataRole.ToolTipRole])


class SeatColumn(enum.IntEnum):
    """The columns of the seats table."""

    HOST = 0
    WHY = 1
    DETAILS = 2


class SeatsModel(RowsModel):
    """Every paid seat's holder and why it holds the seat."""

    headers = ("Host", "Why", "Details")

    def key(self, row: Any) -> Hashable:
        """A seat is its holder's."""
        return row.host  # type: ignore[no-any-return]

    def cell(self, row: Any, column: int) -> str:
        """Host, reason, the reason's details."""
        seat: SeatHolder = row
        if column == SeatColumn.HOST:
            return seat.host
        if column == SeatColumn.WHY:
            return words.why_words(seat)
        return words.why_details(seat, self.now)


class MoveColumn(enum.IntEnum):
    """The columns of the upcoming moves table."""

    WHEN = 0
    HOST = 1
    CHANGE = 2
    FOR = 3


class MovesModel(RowsModel):
    """The license moves to come, soonest first."""

    headers = ("When", "Host", "Change", "For")
    timely = (MoveColumn.WHEN,)

    def key(self, row: Any) -> Hashable:
        """A move is its time, host and direction."""
        return (row.at, row.host, row.to)

    def cell(self, row: Any, column: int) -> str:
        """When, host, what changes, what for."""
        move: NextMove = row
        if column == MoveColumn.WHEN:
            return words.when_words(move.at, self.now)
        if column == MoveColumn.HOST:
            return move.host
        if column == MoveColumn.CHANGE:
            return words.change_words(move.to)
        return words.move_reason(move)

    def sort_value(self, row: Any, column: int) -> Any:
        """Times sort as times."""
        if column == MoveColumn.WHEN:
            return _stamp(row.at)
        return super().sort_value(row, column)

    def tooltip(self, row: Any, column: int) -> str | None:
        """The full date of a move."""
        if column == MoveColumn.WHEN:
            return date_time_text(row.at)
        return super().tooltip(row, column)


class AlertColumn(enum.IntEnum):
    """The columns of the alerts table."""

    KIND = 0
    WHEN = 1
    WHAT = 2


class AlertsModel(RowsModel):
    """The pool's current alerts, the most pressing first."""

    headers = ("Alert", "When", "What")
    timely = (AlertColumn.WHEN, AlertColumn.WHAT)

    def key(self, row: Any) -> Hashable:
        """An alert is its key."""
        return row.key  # type: ignore[no-any-return]

    def cell(self, row: Any, column: int) -> str:
        """Kind, time, the alert in words."""
        alert: PoolAlert = row
        if column == AlertColumn.KIND:
            return words.ALERT_KINDS.get(alert.kind, alert.kind)
        if column == AlertColumn.WHEN:
            return short_time_text(alert.at, self.now)
        return words.alert_words(alert, self.now)

    def sort_value(self, row: Any, column: int) -> Any:
        """Kinds sort by how pressing they are; times as times."""
        if column == AlertColumn.KIND:
            kinds = words.SEVERITY
            return kinds.index(row.kind) if row.kind in kinds else len(kinds)
        if column == AlertColumn.WHEN:
            return _stamp(row.at)
        return super().sort_value(row, column)


class HistoryColumn(enum.IntEnum):
    """The columns of the history table."""

    WHEN = 0
    HOST = 1
    CHANGE = 2
    WHY = 3
    WHO = 4


class HistoryModel(RowsModel):
    """The license moves made, newest first (from the audit log)."""

    headers = ("When", "Host", "Change", "Why", "By")

    def key(self, row: Any) -> Hashable:
        """A past move is the whole of it."""
        return row  # type: ignore[no-any-return]

    def cell(self, row: Any, column: int) -> str:
        """When, host, what changed, why, who."""
        move: PastMove = row
        if column == HistoryColumn.WHEN:
            return short_time_text(move.at, self.now)
        if column == HistoryColumn.HOST:
            return move.host
        if column == HistoryColumn.CHANGE:
            return "Got a seat" if move.to == "licensed" else "Gave its seat back"
        if column == HistoryColumn.WHY:
            return words.move_reason(move)
        return move.actor

    def sort_value(self, row: Any, column: int) -> Any:
        """Times sort as times."""
        if column == HistoryColumn.WHEN:
            return _stamp(row.at)
        return super().sort_value(row, column)

    def tooltip(self, row: Any, column: int) -> str | None:
        """The full date of a move."""
        if column == HistoryColumn.WHEN:
            return date_time_text(row.at)
        return super().tooltip(row, column)


class RowsProxy(QSortFilterProxyModel):
    """Sorts by :data:`SORT_ROLE`; filters on every column's words (case ignored)."""

    def __init__(self, source: RowsModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.setFilterKeyColumn(-1)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    @property
    def source(self) -> RowsModel:
        """The model under the proxy."""
        model = self.sourceModel()
        if not isinstance(model, RowsModel):
            raise TypeError("a RowsProxy shows a RowsModel")
        return model
