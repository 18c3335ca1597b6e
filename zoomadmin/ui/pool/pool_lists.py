"""The License Pool tab's lists: a table that says why it is empty, and the four of them."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zoomadmin.ui.common.empty_state import EmptyState
from zoomadmin.ui.common.table_state import TableState
from zoomadmin.ui.pool.pool_models import (
    ROW_ROLE,
    AlertColumn,
    AlertsModel,
    HistoryColumn,
    HistoryModel,
    MoveColumn,
    MovesModel,
    RowsModel,
    RowsProxy,
    SeatColumn,
    SeatsModel,
)

ROW_HEIGHT = 24


class ListPage(QWidget):
    """One list of the tab: its table, or in its place an :class:`EmptyState` saying why
    nothing is listed; optionally a filter line above (``filtered``)."""

    def __init__(
        self,
        model: RowsModel,
        name: str,
        widths: dict[int, int],
        parent: QWidget | None = None,
        *,
        filtered: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}Page")
        self.model = model
        self.proxy = RowsProxy(model, self)
        self.view = QTableView(self)
        self.view.setObjectName(f"{name}Table")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setWordWrap(False)
        self.view.setTabKeyNavigation(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in widths.items():
            self.view.setColumnWidth(column, width)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the model's own order
        self.state = TableState(self.view, f"tables/pool-{name}")
        self.empty = EmptyState(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        self.filter: QLineEdit | None = None
        if filtered:
            self.filter = QLineEdit(self)
            self.filter.setObjectName(f"{name}Filter")
            self.filter.setPlaceholderText("Filter by host, session, reason or who moved it")
            self.filter.setClearButtonEnabled(True)
            self.filter.textChanged.connect(self.proxy.setFilterFixedString)
            clear = QAction("Clear the filter", self.filter)
            clear.setShortcut(QKeySequence(Qt.Key.Key_Escape))
            clear.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            clear.triggered.connect(self.filter.clear)
            self.filter.addAction(clear)
            caption = QLabel("Filter:", self)
            caption.setBuddy(self.filter)
            row = QHBoxLayout()
            row.addWidget(caption)
            row.addWidget(self.filter, 1)
            layout.addLayout(row)
        layout.addWidget(self.stack, 1)

    def show_state(self, title: str, text: str = "", actions: Sequence[QAction] = ()) -> None:
        """Show the table when it has rows to show, else why it has none."""
        if self.proxy.rowCount():
            self.stack.setCurrentWidget(self.view)
            return
        self.empty.show_empty(title, text, actions)
        self.stack.setCurrentWidget(self.empty)

    @property
    def showing_table(self) -> bool:
        """Whether the table (not its empty state) is shown."""
        return self.stack.currentWidget() is self.view

    def selected(self) -> object | None:
        """The selected row's object, if any."""
        rows = self.view.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def use_settings(self, settings: QSettings) -> None:
        """Remember the columns in ``settings``."""
        self.state.use_settings(settings)


def seats_page(parent: QWidget) -> ListPage:
    """Who holds each paid seat and why."""
    widths: dict[int, int] = {SeatColumn.HOST: 300, SeatColumn.WHY: 90}
    return ListPage(SeatsModel(parent), "seats", widths, parent)


def moves_page(parent: QWidget) -> ListPage:
    """The moves to come."""
    widths: dict[int, int] = {MoveColumn.WHEN: 150, MoveColumn.HOST: 300, MoveColumn.CHANGE: 140}
    return ListPage(MovesModel(parent), "moves", widths, parent)


def alerts_page(parent: QWidget) -> ListPage:
    """The current alerts."""
    widths: dict[int, int] = {AlertColumn.KIND: 120, AlertColumn.WHEN: 80}
    page = ListPage(AlertsModel(parent), "alerts", widths, parent)
    page.view.setWordWrap(True)  # an alert is read in full, not cut at the column's edge
    rows = page.view.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    page.view.setStyleSheet("QTableView::item { padding: 3px 2px; }")  # wrapped lines breathe
    return page


def history_page(parent: QWidget) -> ListPage:
    """The moves made, with a filter."""
    widths: dict[int, int] = {
        HistoryColumn.WHEN: 90,
        HistoryColumn.HOST: 280,
        HistoryColumn.CHANGE: 140,
        HistoryColumn.WHY: 240,
    }
    return ListPage(HistoryModel(parent), "history", widths, parent, filtered=True)
