"""Which recordings the table shows: tenant, host, date range, file type and topic text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, QSortFilterProxyModel

from zoomadmin.services.recordings_index import RecordingRecord
from zoomadmin.ui.recordings.recordings_model import ROW_ROLE, SORT_ROLE, Index


@dataclass(frozen=True)
class RecordingsView:
    """The filters the user set (None or empty: any)."""

    tenant: str | None = None
    host: str = ""
    start: datetime | None = None
    end: datetime | None = None
    file_type: str | None = None
    topic: str = ""

    def accepts(self, row: RecordingRecord) -> bool:
        """Whether ``row`` passes every filter."""
        if self.tenant is not None and (row.tenant_name or "") != self.tenant:
            return False
        if self.host and self.host.casefold() not in row.host_email.casefold():
            return False
        if self.start is not None and row.start_time < self.start:
            return False
        if self.end is not None and row.start_time >= self.end:
            return False
        if self.file_type and not any(f.file_type == self.file_type for f in row.files):
            return False
        return not self.topic or self.topic.casefold() in row.topic.casefold()


class RecordingsProxy(QSortFilterProxyModel):
    """Sorts by :data:`SORT_ROLE` and filters on :class:`RecordingsView`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.view = RecordingsView()

    def set_view(self, view: RecordingsView) -> None:
        """Show only what ``view`` accepts."""
        self.beginFilterChange()
        self.view = view
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        """Qt asks per row."""
        row = self.sourceModel().index(source_row, 0, source_parent).data(ROW_ROLE)
        return row is not None and self.view.accepts(row)
