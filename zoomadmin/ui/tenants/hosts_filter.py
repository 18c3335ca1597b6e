"""The hosts table's filter proxy: text, tenant, type and status; sorting left to the model."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt

from zoomadmin.ui.tenants.hosts_model import SORT_ROLE, HostsModel, Index

NO_TENANT = -1
"""Tenant filter value for hosts in no tenant."""


class HostsFilterProxy(QSortFilterProxyModel):
    """Filters hosts by text (name, email, Zoom id, tenant), tenant, type and status.

    Sorting is handed to :class:`HostsModel` (the proxy keeps the model's order), which is
    what keeps a sort or a filter over 10,000 hosts quick.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._tenant: int | None = None
        self._type: int | None = None
        self._status: str | None = None
        self.setSortRole(SORT_ROLE)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the source model; the proxy itself keeps its order."""
        model = self.sourceModel()
        if isinstance(model, HostsModel) and column >= 0:
            model.sort(column, order)

    def set_text(self, text: str) -> None:
        """Show hosts whose name, email, Zoom id or tenant contains every word of ``text``."""
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_tenant(self, tenant_id: int | None) -> None:
        """Only one tenant's hosts (:data:`NO_TENANT`: hosts in none; None: all)."""
        self.beginFilterChange()
        self._tenant = tenant_id
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_user_type(self, user_type: int | None) -> None:
        """Only Basic or only Licensed hosts (None: both)."""
        self.beginFilterChange()
        self._type = user_type
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_status(self, status: str | None) -> None:
        """Only hosts with this Zoom status, or ``"missing"`` for removed in Zoom (None: all)."""
        self.beginFilterChange()
        self._status = status
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        """Whether a host passes every filter that is set."""
        model = self.sourceModel()
        if not isinstance(model, HostsModel):
            return True
        host = model.row_at(source_row).host
        if self._tenant is not None and (host.tenant_id or NO_TENANT) != self._tenant:
            return False
        if self._type is not None and host.user_type != self._type:
            return False
        if self._status is not None and not _status_matches(host, self._status):
            return False
        if self._text:
            haystack = model.haystack(source_row)
            return all(word in haystack for word in self._text.split())
        return True


def _status_matches(host: Any, status: str) -> bool:
    if status == "missing":
        return bool(host.missing_in_zoom)
    return bool(host.status == status and not host.missing_in_zoom)
