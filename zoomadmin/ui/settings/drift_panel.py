"""The drift report: read hosts' settings, list what differs from policy, re-apply it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zoomadmin.services.drift import DriftRow
from zoomadmin.services.host_settings import ApplyResult
from zoomadmin.ui.settings.drift_model import DriftColumn, DriftModel

Confirm = Callable[[QWidget, str], bool]


def ask(parent: QWidget, text: str) -> bool:
    """Ask a yes/no question (the default confirmation before a re-apply)."""
    answer = QMessageBox.question(parent, "Re-apply policy", text)
    return answer == QMessageBox.StandardButton.Yes


def results_words(results: Sequence[ApplyResult]) -> str:
    """Per-host results of a re-apply, one line each."""
    ok = sum(1 for r in results if r.ok)
    lines = [f"{ok} of {len(results)} host(s) now match their policy."]
    lines += [f"{r.email}: {r.summary()}" for r in results]
    return "\n".join(lines)


class DriftPanel(QWidget):
    """Buttons, progress and the report table; the tab runs the work they ask for."""

    scan_requested = Signal()
    apply_requested = Signal(list)
    host_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.confirm: Confirm = ask
        self.model = DriftModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self._open_host)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Filter hosts or settings")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.scan_button = QPushButton("&Check hosts in Zoom", self)
        self.apply_selected = QPushButton("Re-apply to &selected", self)
        self.apply_all = QPushButton("Re-apply to &all", self)
        self.progress = QProgressBar(self)
        self.progress.setFormat("%v of %m hosts read")
        self.progress.hide()
        self.status = QLabel("Check hosts to see where their settings differ from policy.", self)
        self.status.setWordWrap(True)
        self.results = QLabel(self)
        self.results.setWordWrap(True)
        self._layout()
        self.scan_button.clicked.connect(self.scan_requested)
        self.apply_selected.clicked.connect(lambda: self._apply(self.selected_hosts()))
        self.apply_all.clicked.connect(lambda: self._apply(self.all_hosts()))

    def _layout(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.scan_button)
        top.addWidget(self.apply_selected)
        top.addWidget(self.apply_all)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.results)

    def show_rows(self, rows: list[DriftRow]) -> None:
        """Show a fresh report."""
        self.model.set_rows(rows)
        hosts = len({r.host_id for r in rows})
        self.table.resizeColumnsToContents()
        if rows:
            self.status.setText(f"{len(rows)} setting(s) differ from policy on {hosts} host(s).")
        else:
            self.status.setText("Every host read matches its tenant's policy.")
        self.apply_all.setEnabled(bool(rows))

    def show_progress(self, done: int, total: int) -> None:
        """How far the scan has read."""
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self.progress.setVisible(done < total)

    def selected_hosts(self) -> list[int]:
        """The distinct hosts of the selected rows."""
        rows = self.table.selectionModel().selectedRows()
        source = [self.proxy.mapToSource(i).row() for i in rows]
        return list(dict.fromkeys(self.model.row_at(r).host_id for r in source))

    def all_hosts(self) -> list[int]:
        """Every host with drift in the report."""
        rows = range(self.model.rowCount())
        return list(dict.fromkeys(self.model.row_at(r).host_id for r in rows))

    def _apply(self, host_ids: list[int]) -> None:
        if not host_ids:
            self.status.setText("Select the hosts to put right first.")
            return
        text = (
            f"Write their tenant's policy to {len(host_ids)} host(s) in Zoom? "
            "Each change goes to the audit log."
        )
        if self.confirm(self, text):
            self.apply_requested.emit(host_ids)

    def show_results(self, results: Sequence[ApplyResult]) -> None:
        """Per-host results of a re-apply."""
        self.results.setText(results_words(results))

    def _open_host(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            row = self.model.row_at(self.proxy.mapToSource(index).row())
            self.host_chosen.emit(row.host_id)

    def column_width_hint(self) -> None:
        """Give the setting column room (called once the tab is laid out)."""
        self.table.setColumnWidth(DriftColumn.SETTING, 260)
