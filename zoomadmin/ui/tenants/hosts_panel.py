"""The hosts half of the tab: filter bar, the hosts table (loaded in chunks) and its empty state."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

import shiboken6
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zoomadmin.core.enums import UserStatus, UserType
from zoomadmin.core.records import TenantRecord
from zoomadmin.services.hosts import HostRow
from zoomadmin.ui.common.dates import date_time_text, relative_text
from zoomadmin.ui.common.empty_state import EmptyState
from zoomadmin.ui.common.table_state import TableState
from zoomadmin.ui.tenants.hosts_filter import NO_TENANT, HostsFilterProxy
from zoomadmin.ui.tenants.hosts_model import ROW_ROLE, HostColumn, HostsModel

#: Rows added to the model per event-loop turn: small enough that no turn stalls the UI.
LOAD_CHUNK = 400
FILTER_DELAY_MS = 120
NO_HOSTS_TITLE = "No hosts yet"
NO_HOSTS = (
    "Sync with Zoom (F5) to list the account's users, then link them to a tenant (Ctrl+L) — "
    "or add new hosts (Ctrl+Shift+N) or import a CSV (Ctrl+I)."
)
NO_MATCH_TITLE = "No host matches the filter"
NO_MATCH = "Clear the search (Esc) or choose “All tenants”."
TENANT_EMPTY = "Add its first host, import a CSV of hosts, or link users already in Zoom."
COLUMN_WIDTHS = {
    HostColumn.NAME: 130,
    HostColumn.EMAIL: 275,
    HostColumn.TENANT: 150,
    HostColumn.ZOOM_ID: 178,
    HostColumn.TYPE: 70,
    HostColumn.STATUS: 100,
    HostColumn.QUOTA: 120,
}
HIDDEN_COLUMNS = (HostColumn.ZOOM_ID,)
"""Low-value columns hidden until shown from the header's menu (right-click)."""


class HostsTable(QTableView):
    """A table whose Enter and Delete keys ask the tab to act on the current row."""

    activated_by_key = Signal()
    delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Enter: the row's default action (edit or move); Delete: remove, after a question."""
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_by_key.emit()
            return
        if key == Qt.Key.Key_Delete and self.currentIndex().isValid():
            self.delete_pressed.emit()
            return
        super().keyPressEvent(event)


class HostsPanel(QWidget):
    """Filters and the hosts table; the tab drives loading and the actions."""

    selection_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = HostsModel(self)
        self.proxy = HostsFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._tenant_names: dict[int, str] = {}
        self._loading: tuple[str, int, int] | None = None
        self._loads_running = 0
        """Table loads under way (they can overlap); the first hooks the scroll bar."""
        self.no_hosts_actions: list[QAction] = []
        """Offered when the account has no hosts at all (sync, link, add, import)."""
        self.tenant_empty_actions: list[QAction] = []
        """Offered when the chosen tenant has no hosts (add, import, link)."""
        self._build_filters()
        self._build_table()
        self.progress = QProgressBar(self)
        self.progress.setObjectName("hostsProgress")
        self.progress.setMaximumWidth(260)
        self.progress.hide()
        self.count = QLabel(self)
        self.count.setObjectName("hostsCount")
        self.synced = QLabel(self)
        self.synced.setObjectName("lastSync")
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addStretch(1)
        bottom.addWidget(self.synced)
        bottom.addWidget(self.progress)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.filters)
        layout.addWidget(self.stack, 1)
        layout.addLayout(bottom)
        for signal in (
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.modelReset,
            self.proxy.layoutChanged,
        ):
            signal.connect(self._update_state)
        # The proxy tells of a removed row before the model's own count drops: count after.
        for signal in (self.model.rowsRemoved, self.model.rowsInserted, self.model.modelReset):
            signal.connect(self._update_state)
        self._update_state()

    def _build_filters(self) -> None:
        self.search = QLineEdit(self)
        self.search.setObjectName("hostsSearch")
        self.search.setPlaceholderText("Filter hosts by name, email, Zoom id or tenant (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(FILTER_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(self._search_timer.start)
        clear = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search)
        clear.setContext(Qt.ShortcutContext.WidgetShortcut)
        clear.activated.connect(self.search.clear)
        self.tenant_filter = QComboBox(self)
        self.tenant_filter.setObjectName("tenantFilter")
        self.tenant_filter.setMinimumContentsLength(16)
        self.set_tenants([])
        self.tenant_filter.currentIndexChanged.connect(
            lambda _: self.proxy.set_tenant(self.tenant_filter.currentData())
        )
        self.tenant_filter.currentIndexChanged.connect(self._update_state)
        self.type_filter = QComboBox(self)
        for text, value in (("All types", None), ("Basic", UserType.BASIC)):
            self.type_filter.addItem(text, value)
        self.type_filter.addItem("Licensed", int(UserType.LICENSED))
        self.type_filter.currentIndexChanged.connect(
            lambda _: self.proxy.set_user_type(self.type_filter.currentData())
        )
        self.status_filter = QComboBox(self)
        self.status_filter.addItem("All statuses", None)
        for text, status in (
            ("Active", UserStatus.ACTIVE),
            ("Pending", UserStatus.PENDING),
            ("Deactivated", UserStatus.INACTIVE),
        ):
            self.status_filter.addItem(text, str(status))
        self.status_filter.addItem("Removed in Zoom", "missing")
        self.status_filter.currentIndexChanged.connect(
            lambda _: self.proxy.set_status(self.status_filter.currentData())
        )
        self.filters = QHBoxLayout()
        self.filters.addWidget(self.search, 1)
        self.filters.addWidget(self.tenant_filter)
        self.filters.addWidget(self.type_filter)
        self.filters.addWidget(self.status_filter)

    def _build_table(self) -> None:
        self.view = HostsTable(self)
        self.view.setObjectName("hostsTable")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(HostColumn.EMAIL, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(26)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in COLUMN_WIDTHS.items():
            header.resizeSection(column, width)
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.view.setTabKeyNavigation(False)  # Tab leaves the table for the next control
        self.columns = TableState(self.view, "tables/hosts", hidden=HIDDEN_COLUMNS)
        self.view.selectionModel().selectionChanged.connect(self.selection_changed)
        self.empty = EmptyState(self)
        self.empty.setObjectName("hostsEmpty")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)

    def filters_state(self) -> dict[str, str]:
        """The filters as text, to remember between runs."""
        return {
            "tenant": str(self.tenant_filter.currentData()),
            "type": str(self.type_filter.currentData()),
            "status": str(self.status_filter.currentData()),
        }

    def restore_filters(self, state: dict[str, str]) -> None:
        """Choose the remembered filters again (those that still exist)."""
        for combo, key in (
            (self.tenant_filter, "tenant"),
            (self.type_filter, "type"),
            (self.status_filter, "status"),
        ):
            wanted = state.get(key)
            for at in range(combo.count()):
                if str(combo.itemData(at)) == wanted:
                    combo.setCurrentIndex(at)
                    break

    def set_tenants(self, tenants: Sequence[TenantRecord]) -> None:
        """Offer these tenants in the tenant filter, keeping the current choice."""
        current = self.tenant_filter.currentData()
        self.tenant_filter.blockSignals(True)
        self.tenant_filter.clear()
        self.tenant_filter.addItem("All tenants", None)
        self._tenant_names = {t.id: t.name for t in tenants}
        for tenant in tenants:
            self.tenant_filter.addItem(tenant.name, tenant.id)
        self.tenant_filter.addItem("No tenant", NO_TENANT)
        at = self.tenant_filter.findData(current)
        self.tenant_filter.setCurrentIndex(max(at, 0))
        self.tenant_filter.blockSignals(False)
        self.proxy.set_tenant(self.tenant_filter.currentData())
        self._update_state()

    def show_tenant(self, tenant_id: int | None) -> None:
        """Filter to one tenant's hosts (None: all)."""
        at = self.tenant_filter.findData(tenant_id)
        self.tenant_filter.setCurrentIndex(max(at, 0))

    @Slot()
    def _apply_search(self) -> None:
        self.proxy.set_text(self.search.text())

    async def load(self, rows: Sequence[HostRow], chunk: int = LOAD_CHUNK) -> None:
        """Replace the table's rows, a chunk per event-loop turn so the window stays live.

        Rows arrive in the table's order, so after the first chunk every chunk lands below
        the visible rows: the table is not repainted for them (each repaint of an unchanged
        screenful cost 13-16 ms of the turn), only once at the end, or as soon as the user
        scrolls.
        """
        ordered = await asyncio.to_thread(self.model.ordered, rows)
        if not shiboken6.isValid(self):
            return  # the window closed while the rows were read
        self.model.clear()
        viewport = self.view.viewport()
        scrolled = self.view.verticalScrollBar().valueChanged
        # Loads can overlap (a change arrives while the table fills): the first connects the
        # scroll signal, the last one to end disconnects it.
        self._loads_running += 1
        if self._loads_running == 1:
            scrolled.connect(self._show_rows_while_loading)
        try:
            for start in range(0, len(ordered), chunk):
                self.model.append_rows(ordered[start : start + chunk])
                await asyncio.sleep(0)
                if not shiboken6.isValid(self):
                    return  # closed between two chunks: nothing is left to fill
                if start == 0:
                    viewport.setUpdatesEnabled(False)
        finally:
            self._loads_running -= 1
            if shiboken6.isValid(self) and self._loads_running == 0:
                scrolled.disconnect(self._show_rows_while_loading)
                viewport.setUpdatesEnabled(True)

    @Slot()
    def _show_rows_while_loading(self) -> None:
        self.view.viewport().setUpdatesEnabled(True)

    def selected_rows(self) -> list[HostRow]:
        """The selected hosts (the current one when none is selected)."""
        indexes = self.view.selectionModel().selectedRows()
        if not indexes and self.view.currentIndex().isValid():
            indexes = [self.view.currentIndex()]
        return [index.data(ROW_ROLE) for index in indexes]

    def select_host(self, host_id: int) -> None:
        """Make ``host_id`` the current, selected row (when it is shown)."""
        at = self.model.row_of(host_id)
        if at is None:
            return
        index = self.proxy.mapFromSource(self.model.index(at, 0))
        if index.isValid():
            flags = (
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )
            self.view.selectionModel().setCurrentIndex(index, flags)

    def show_last_sync(self, at: datetime | None, now: datetime) -> None:
        """ "Last sync with Zoom: Mon 7 Dec 2026 09:12 CET (12 min ago)", or never."""
        if at is None:
            self.synced.setText("Never synced with Zoom (F5)")
            return
        self.synced.setText(f"Last sync with Zoom: {date_time_text(at)} ({relative_text(at, now)})")

    def set_loading(self, title: str | None, done: int = 0, total: int = 0) -> None:
        """Show a loading state with progress instead of the table (None: the table again)."""
        self._loading = None if title is None else (title, done, total)
        self._update_state()

    @property
    def loading(self) -> bool:
        """Whether the loading state is shown instead of the hosts."""
        return self._loading is not None

    def _tenant_is_empty(self, tenant_id: object) -> bool:
        if not isinstance(tenant_id, int) or tenant_id not in self._tenant_names:
            return False
        model = self.model
        return not any(model.row_at(r).host.tenant_id == tenant_id for r in range(model.rowCount()))

    @Slot()
    def _update_state(self, *_: object) -> None:
        if not hasattr(self, "count"):
            return  # still being built
        shown, total = self.proxy.rowCount(QModelIndex()), self.model.rowCount()
        tenant_id = self.tenant_filter.currentData()
        if self._loading is not None:
            self.empty.show_loading(*self._loading)
        elif total == 0:
            self.empty.show_empty(NO_HOSTS_TITLE, NO_HOSTS, self.no_hosts_actions)
        elif shown == 0 and self._tenant_is_empty(tenant_id):
            name = self._tenant_names[tenant_id]
            self.empty.show_empty(
                f"{name} has no hosts yet", TENANT_EMPTY, self.tenant_empty_actions
            )
        elif shown == 0:
            self.empty.show_empty(NO_MATCH_TITLE, NO_MATCH)
        showing = shown and self._loading is None
        self.stack.setCurrentWidget(self.view if showing else self.empty)
        self.count.setText(count_text(shown, total))


def count_text(shown: int, total: int) -> str:
    """ "17 hosts", or "0 of 17 hosts" while a filter hides some."""
    noun = "host" if total == 1 else "hosts"
    return f"{total} {noun}" if shown == total else f"{shown} of {total} {noun}"
