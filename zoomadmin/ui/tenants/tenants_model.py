"""The tenants list model: one row per tenant, updated in place when the list is reloaded."""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from zoomadmin.core.policy import default_policy
from zoomadmin.core.records import TenantSummary
from zoomadmin.ui.common.natural import natural_key
from zoomadmin.ui.tenants.hosts_model import local_time

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
"""The row's :class:`TenantSummary`."""
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
"""A value that sorts the column naturally."""
_DISPLAY = Qt.ItemDataRole.DisplayRole


class TenantColumn(enum.IntEnum):
    """The columns of the tenants list, in order."""

    NAME = 0
    TIMEZONE = 1
    EMAIL_SCHEME = 2
    POLICY = 3
    HOSTS = 4
    SESSIONS = 5
    NEXT_SESSION = 6


HEADERS = {
    TenantColumn.NAME: "Tenant",
    TenantColumn.TIMEZONE: "Time zone",
    TenantColumn.EMAIL_SCHEME: "New host emails",
    TenantColumn.POLICY: "Settings policy",
    TenantColumn.HOSTS: "Hosts",
    TenantColumn.SESSIONS: "Coming sessions",
    TenantColumn.NEXT_SESSION: "Next session",
}


def _next_session(summary: TenantSummary) -> str:
    if summary.next_session_at is None:
        return "—"
    return local_time(summary.next_session_at, summary.tenant.timezone)


def _display(summary: TenantSummary, column: TenantColumn) -> str:
    return _CELLS[column](summary)


def _policy_text(summary: TenantSummary) -> str:
    """The tenant's settings policy by name (its default until one is saved)."""
    return summary.policy_name or f"{default_policy(summary.tenant.name).name} (default)"


def scheme_pattern(summary: TenantSummary) -> str:
    """An example of the tenant's host emails: the first one, ``teach+acme-1@school.org``."""
    return summary.tenant.host_email(1)


_CELLS: dict[TenantColumn, Callable[[TenantSummary], str]] = {
    TenantColumn.NAME: lambda s: s.tenant.name,
    TenantColumn.TIMEZONE: lambda s: s.tenant.timezone,
    TenantColumn.EMAIL_SCHEME: scheme_pattern,
    TenantColumn.POLICY: _policy_text,
    TenantColumn.HOSTS: lambda s: str(s.host_count),
    TenantColumn.SESSIONS: lambda s: str(s.coming_sessions),
    TenantColumn.NEXT_SESSION: _next_session,
}
_NUMERIC = (TenantColumn.HOSTS, TenantColumn.SESSIONS)


def _sort_key(summary: TenantSummary, column: TenantColumn) -> Any:
    if column == TenantColumn.HOSTS:
        return summary.host_count
    if column == TenantColumn.SESSIONS:
        return summary.coming_sessions
    if column == TenantColumn.NEXT_SESSION:
        at = summary.next_session_at
        return at.timestamp() if at else math.inf
    return natural_key(_display(summary, column))


def _tooltip(summary: TenantSummary, column: TenantColumn) -> str | None:
    if column != TenantColumn.EMAIL_SCHEME:
        return None
    tenant = summary.tenant
    return (
        f"Scheme {tenant.email_scheme}: new hosts get {tenant.host_email(1)}, "
        f"{tenant.host_email(2)}, … (the next free number)"
    )


def _decoration(summary: TenantSummary, column: TenantColumn, role: int) -> Any:
    if role == Qt.ItemDataRole.ToolTipRole:
        return _tooltip(summary, column)
    if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMERIC:
        return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return None


class TenantsModel(QAbstractTableModel):
    """Tenant summaries; :meth:`set_summaries` changes only the rows that differ."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[TenantSummary] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        """Tenants shown."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        """One per :class:`TenantColumn`."""
        return 0 if parent.isValid() else len(TenantColumn)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        """Text, sort key, row object, tooltip or alignment of one cell."""
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        summary = self._rows[index.row()]
        column = TenantColumn(index.column())
        if role == _DISPLAY:
            return _display(summary, column)
        if role == SORT_ROLE:
            return _sort_key(summary, column)
        if role == ROW_ROLE:
            return summary
        return _decoration(summary, column, role)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY
    ) -> Any:
        """Column titles."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(TenantColumn):
            return None
        if role == _DISPLAY:
            return HEADERS[TenantColumn(section)]
        return None

    def summary_at(self, row: int) -> TenantSummary:
        """The tenant in model row ``row``."""
        return self._rows[row]

    def row_of(self, tenant_id: int) -> int | None:
        """The model row of a tenant, or None."""
        for row, summary in enumerate(self._rows):
            if summary.tenant.id == tenant_id:
                return row
        return None

    def set_summaries(self, summaries: Sequence[TenantSummary]) -> None:
        """Show ``summaries``: changed rows in place, new ones inserted, gone ones removed."""
        wanted = {s.tenant.id: s for s in summaries}
        for row in reversed(range(len(self._rows))):
            if self._rows[row].tenant.id not in wanted:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
        for row, current in enumerate(self._rows):
            new = wanted.pop(current.tenant.id)
            if new != current:
                self._rows[row] = new
                last = self.index(row, len(TenantColumn) - 1)
                self.dataChanged.emit(self.index(row, 0), last)
        if wanted:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(wanted) - 1)
            self._rows.extend(wanted.values())
            self.endInsertRows()
