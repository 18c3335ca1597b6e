"""The recordings table model: rows appended in chunks, texts formatted once, changed in place."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from zoomadmin.services.recordings_index import LocalState, RecordingRecord

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
"""The row's :class:`RecordingRecord`."""
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
_DISPLAY = Qt.ItemDataRole.DisplayRole


class RecordingColumn(enum.IntEnum):
    """The columns of the recordings table, in order."""

    DATE = 0
    TENANT = 1
    HOST = 2
    TOPIC = 3
    DURATION = 4
    FILES = 5
    SIZE = 6
    STATE = 7


HEADERS = {
    RecordingColumn.DATE: "Date",
    RecordingColumn.TENANT: "Tenant",
    RecordingColumn.HOST: "Host",
    RecordingColumn.TOPIC: "Topic",
    RecordingColumn.DURATION: "Duration",
    RecordingColumn.FILES: "Files",
    RecordingColumn.SIZE: "Size",
    RecordingColumn.STATE: "Local copy",
}

STATE_WORDS = {
    LocalState.NONE: "Not downloaded",
    LocalState.QUEUED: "Queued",
    LocalState.DOWNLOADING: "Downloading",
    LocalState.VERIFIED: "Verified",
    LocalState.FAILED: "Failed",
}
TRASH_WORDS = "In Zoom's trash"
DELETED_WORDS = "Deleted in Zoom"
PROCESSING_WORDS = "Processing in Zoom"


@cache
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_date(moment: datetime, timezone: str | None) -> str:
    """``moment`` in the tenant's zone: "2026-03-02 10:00 CET"."""
    here = moment.astimezone(_zone(timezone or "UTC"))
    return f"{here:%Y-%m-%d %H:%M %Z}"


def size_words(n: int) -> str:
    """Bytes as people read them (1000-based, as Zoom shows storage)."""
    value = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{n} B"


def state_words(row: RecordingRecord) -> str:
    """One word for the local copy of a meeting's files (the least finished file wins)."""
    if row.deleted_in_zoom:
        return DELETED_WORDS
    if row.in_trash:
        return TRASH_WORDS
    return _files_state(row)


def _files_state(row: RecordingRecord) -> str:
    live = [f for f in row.files if not f.in_trash and not f.deleted_in_zoom]
    states = {f.local_state for f in live}
    for state in (LocalState.DOWNLOADING, LocalState.QUEUED, LocalState.FAILED):
        if state in states:
            return STATE_WORDS[state]
    if any(f.processing for f in live):
        return PROCESSING_WORDS
    if states == {LocalState.VERIFIED}:
        return STATE_WORDS[LocalState.VERIFIED]
    if LocalState.VERIFIED in states:
        return "Partly verified"
    return STATE_WORDS[LocalState.NONE]


def _texts(row: RecordingRecord) -> tuple[str, ...]:
    kinds = sorted({f.file_type for f in row.files})
    return (
        local_date(row.start_time, row.tenant_timezone or row.timezone),
        row.tenant_name or "—",
        row.host_email,
        row.topic,
        f"{row.duration_minutes} min",
        f"{len(row.files)}: {', '.join(kinds)}" if kinds else "0",
        size_words(row.total_size),
        state_words(row),
    )


def _sort_key(row: RecordingRecord, column: RecordingColumn, text: str) -> Any:
    if column == RecordingColumn.DATE:
        return row.start_time.timestamp()
    if column == RecordingColumn.DURATION:
        return row.duration_minutes
    if column == RecordingColumn.SIZE:
        return row.total_size
    if column == RecordingColumn.FILES:
        return len(row.files)
    return text.casefold()


class RecordingsModel(QAbstractTableModel):
    """Recorded meetings, newest first as loaded; chunks are appended, rows changed in place."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[RecordingRecord] = []
        self._texts: list[tuple[str, ...]] = []
        self._where: dict[str, int] = {}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        """Rows loaded (none below a valid parent: a flat table)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        """The columns (none below a valid parent)."""
        return 0 if parent.isValid() else len(RecordingColumn)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY
    ) -> Any:
        """Column titles."""
        horizontal = orientation == Qt.Orientation.Horizontal and role == _DISPLAY
        if horizontal and 0 <= section < len(RecordingColumn):
            return HEADERS[RecordingColumn(section)]
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        """Display text, the sort key, or the row object."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = index.row(), RecordingColumn(index.column())
        if role == _DISPLAY:
            return self._texts[row][column]
        if role == SORT_ROLE:
            return _sort_key(self._rows[row], column, self._texts[row][column])
        if role == ROW_ROLE:
            return self._rows[row]
        if role == Qt.ItemDataRole.ToolTipRole and column == RecordingColumn.TOPIC:
            return self._rows[row].topic
        return None

    def clear(self) -> None:
        """Forget every row."""
        self.beginResetModel()
        self._rows, self._texts, self._where = [], [], {}
        self.endResetModel()

    def append(self, rows: Sequence[RecordingRecord]) -> None:
        """Add one chunk of rows at the end (rows already shown are changed in place)."""
        fresh = [r for r in rows if r.uuid not in self._where]
        self.update(r for r in rows if r.uuid in self._where)
        if not fresh:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        for n, row in enumerate(fresh, start=first):
            self._rows.append(row)
            self._texts.append(_texts(row))
            self._where[row.uuid] = n
        self.endInsertRows()

    def update(self, rows: Any) -> None:
        """Change rows that are shown, in place."""
        last = len(RecordingColumn) - 1
        for row in rows:
            n = self._where.get(row.uuid)
            if n is None:
                continue
            self._rows[n] = row
            self._texts[n] = _texts(row)
            self.dataChanged.emit(self.index(n, 0), self.index(n, last))

    def row(self, n: int) -> RecordingRecord:
        """The record in row ``n``."""
        return self._rows[n]

    def uuids(self) -> set[str]:
        """Every uuid shown."""
        return set(self._where)
