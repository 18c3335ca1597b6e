"""The Recordings tab: every recording of the account, filters, downloads, storage, trash."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QItemSelection, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from zoomadmin.core.changes import ChangeBus, ChangeKind
from zoomadmin.services.recording_downloads import DownloadService
from zoomadmin.services.recording_retention import (
    RetentionPolicy,
    RetentionService,
    TrashPlan,
    TrashReport,
)
from zoomadmin.services.recordings_index import (
    FileRecord,
    LocalState,
    RecordingRecord,
    RecordingsIndex,
)
from zoomadmin.ui.common.actions import tab_action
from zoomadmin.ui.common.async_runner import AsyncRunner
from zoomadmin.ui.common.change_listener import ChangeListener, Folded
from zoomadmin.ui.recordings.download_panel import DownloadPanel
from zoomadmin.ui.recordings.recordings_filter import RecordingsProxy, RecordingsView
from zoomadmin.ui.recordings.recordings_model import (
    ROW_ROLE,
    RecordingColumn,
    RecordingsModel,
    size_words,
)
from zoomadmin.ui.recordings.retention_dialog import RetentionDialog
from zoomadmin.ui.recordings.storage_chart import StorageChart
from zoomadmin.ui.tenants.host_actions import confirm
from zoomadmin.ui.tenants.host_dialogs import open_dialog

CHUNK = 2000
"""Rows read from the index per step: the table grows while the rest loads."""
FILE_TYPES = ("MP4", "M4A", "TRANSCRIPT", "CHAT", "CC")
ALL_TENANTS = "All tenants"
ANY_TYPE = "Any file type"


def _day(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=UTC) if text.strip() else None
    except ValueError:
        return None


class RecordingsTab(QWidget):
    """The recordings index as a table (model/view, loaded in chunks), its filters, the
    selection's size, the storage chart, the download queue, and trash/recover.
    """

    def __init__(
        self,
        *,
        index: RecordingsIndex,
        downloads: DownloadService,
        retention: RetentionService,
        runner: AsyncRunner,
        changes: ChangeBus | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recordingsTab")
        self._index = index
        self._downloads = downloads
        self._retention = retention
        self._runner = runner
        self._loaded = asyncio.Event()
        self._loading = False
        self.model = RecordingsModel(self)
        self.proxy = RecordingsProxy(self)
        self.proxy.setSourceModel(self.model)
        self.panel = DownloadPanel(downloads, self)
        self.panel.cancel_button.clicked.connect(self.cancel_downloads)
        self.chart = StorageChart(self)
        self._build_actions()
        self._build_layout()
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        if changes is not None:
            self.listener = ChangeListener(changes, frozenset({ChangeKind.RECORDINGS}), self)
            self.listener.changes_arrived.connect(self._on_changes)

    # -- building ---------------------------------------------------------------------------

    def _action(self, text: str, icon_name: str, keys: str, slot: Callable[[], None]) -> QAction:
        return tab_action(self, text, keys, slot, icon_name)

    def _build_actions(self) -> None:
        self.sync_action = self._action("&Read from Zoom", "sync", "F5", self.sync)
        self.download_action = self._action("&Download", "import", "Ctrl+D", self.download)
        self.trash_action = self._action("Move to Zoom's &trash…", "delete", "Del", self.ask_trash)
        self.recover_action = self._action("Re&cover", "refresh", "Ctrl+R", self.recover)
        self.open_action = self._action("&Open file", "activate", "Return", self.open_file)
        self.folder_action = self._action("Open &folder", "move", "Ctrl+O", self.open_folder)
        self.retention_action = self._action(
            "Retention &policy…", "settings", "Ctrl+Shift+R", self.edit_retention
        )

    def _build_filters(self) -> QHBoxLayout:
        self.tenant_filter = QComboBox(self)
        self.tenant_filter.addItem(ALL_TENANTS)
        self.tenant_filter.setMinimumWidth(150)
        self.host_filter = QLineEdit(self, placeholderText="Host email")
        self.from_filter = QLineEdit(self, placeholderText="From (YYYY-MM-DD)")
        self.to_filter = QLineEdit(self, placeholderText="To (YYYY-MM-DD)")
        self.type_filter = QComboBox(self)
        self.type_filter.addItems([ANY_TYPE, *FILE_TYPES])
        self.topic_filter = QLineEdit(self, placeholderText="Text in the topic")
        row = QHBoxLayout()
        for widget in (
            self.tenant_filter,
            self.host_filter,
            self.from_filter,
            self.to_filter,
            self.type_filter,
        ):
            row.addWidget(widget)
        row.addWidget(self.topic_filter, 1)
        for combo in (self.tenant_filter, self.type_filter):
            combo.currentIndexChanged.connect(lambda _=0: self.apply_filters())
        for edit in (self.host_filter, self.from_filter, self.to_filter, self.topic_filter):
            edit.textChanged.connect(lambda _="": self.apply_filters())
        return row

    def _build_layout(self) -> None:
        toolbar = QToolBar(self)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.sync_action, None, self.download_action, self.trash_action):
            toolbar.addSeparator() if action is None else toolbar.addAction(action)
        for action in (self.recover_action, None, self.open_action, self.folder_action):
            toolbar.addSeparator() if action is None else toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.retention_action)
        self.table = QTableView(self)
        self.table.setObjectName("recordingsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(RecordingColumn.DATE, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for action in (self.download_action, self.trash_action, self.recover_action):
            self.table.addAction(action)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(RecordingColumn.TOPIC, QHeaderView.ResizeMode.Stretch)
        widths = {
            RecordingColumn.DATE: 165,
            RecordingColumn.TENANT: 110,
            RecordingColumn.HOST: 170,
            RecordingColumn.DURATION: 70,
            RecordingColumn.FILES: 170,
            RecordingColumn.SIZE: 80,
            RecordingColumn.STATE: 130,
        }
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)
        self.selection_label = QLabel("Nothing selected.", self)
        self.selection_label.setObjectName("selectionSize")
        lower = QSplitter(Qt.Orientation.Horizontal, self)
        lower.addWidget(self.chart)
        lower.addWidget(self.panel)
        lower.setSizes([500, 500])
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(lower)
        self.splitter.setSizes([460, 260])
        layout = QVBoxLayout(self)
        layout.addWidget(toolbar)
        layout.addLayout(self._build_filters())
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.selection_label)

    # -- loading ----------------------------------------------------------------------------

    async def ready(self) -> None:
        """Return once the first chunk (or the empty state) is shown."""
        await self._loaded.wait()

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        """Load on first show."""
        super().showEvent(event)  # type: ignore[arg-type]
        if not self._loaded.is_set() and not self._loading:
            self.reload()

    def reload(self) -> None:
        """Read the whole index again, in chunks."""
        self._loading = True
        self._runner.run(self._load(), label="Loading recordings…")

    async def _load(self) -> None:
        try:
            self.model.clear()
            offset = 0
            while True:
                rows = await self._index.page(offset=offset, limit=CHUNK)
                self.model.append(rows)
                self._loaded.set()
                if len(rows) < CHUNK:
                    break
                offset += CHUNK
            self._fill_tenants()
            self._on_selection()
            self.chart.show_usage(await self._index.usage_by_month())
        finally:
            self._loading = False
            self._loaded.set()

    def _fill_tenants(self) -> None:
        names = sorted({self.model.row(n).tenant_name or "" for n in range(self.model.rowCount())})
        current = self.tenant_filter.currentText()
        self.tenant_filter.blockSignals(True)
        self.tenant_filter.clear()
        self.tenant_filter.addItem(ALL_TENANTS)
        self.tenant_filter.addItems([n for n in names if n])
        self.tenant_filter.setCurrentText(current)
        self.tenant_filter.blockSignals(False)

    def _on_changes(self, folded: Folded) -> None:
        ids = folded.get(ChangeKind.RECORDINGS)
        if ids is None:
            self.reload()
        else:
            self._runner.run(self._refresh_rows([str(i) for i in ids]))

    async def _refresh_rows(self, uuids: list[str]) -> None:
        rows = [r for u in uuids if (r := await self._index.get(u)) is not None]
        self.model.append(rows)
        self._on_selection()
        self.chart.show_usage(await self._index.usage_by_month())

    # -- filters and selection ---------------------------------------------------------------

    def apply_filters(self) -> None:
        """Show what the filter row asks for."""
        tenant = self.tenant_filter.currentText()
        kind = self.type_filter.currentText()
        end = _day(self.to_filter.text())
        self.proxy.set_view(
            RecordingsView(
                tenant=None if tenant == ALL_TENANTS else tenant,
                host=self.host_filter.text().strip(),
                start=_day(self.from_filter.text()),
                end=end + timedelta(days=1) if end else None,
                file_type=None if kind == ANY_TYPE else kind,
                topic=self.topic_filter.text().strip(),
            )
        )
        self._on_selection()

    def selected(self) -> list[RecordingRecord]:
        """The selected recordings, in table order."""
        rows = self.table.selectionModel().selectedRows()
        return [r for r in (i.data(ROW_ROLE) for i in rows) if r is not None]

    def selected_files(self) -> list[FileRecord]:
        """The files of the selection still in Zoom (of the filtered type, if any)."""
        kind = self.proxy.view.file_type
        return [
            f
            for r in self.selected()
            for f in r.files
            if not f.in_trash and not f.deleted_in_zoom and (not kind or f.file_type == kind)
        ]

    def _on_selection(self, *_: QItemSelection) -> None:
        rows = self.selected()
        if not rows:
            shown = self.proxy.rowCount()
            self.selection_label.setText(f"{shown} recordings shown. Nothing selected.")
            return
        files = self.selected_files()
        size = sum(f.file_size or 0 for f in files)
        self.selection_label.setText(
            f"{len(rows)} recordings selected: {len(files)} files, {size_words(size)}."
        )

    # -- actions ----------------------------------------------------------------------------

    def sync(self) -> None:
        """Read every host's recordings from Zoom now."""
        self._runner.run(self._index.refresh(), disable=self.table, label="Reading recordings…")

    def download(self) -> None:
        """Queue the selection's files (verified ones are not fetched again)."""
        ids = [f.id for f in self.selected_files()]
        if ids:
            self._runner.run(self._downloads.enqueue(ids), label="Queueing downloads…")

    def cancel_downloads(self) -> None:
        """Take every file off the queue."""
        self._runner.run(self._downloads.cancel(), label="Cancelling downloads…")

    def ask_trash(self) -> None:
        """Count what would go, then ask before moving it to Zoom's trash."""
        ids = [f.id for f in self.selected_files()]
        if ids:
            self._runner.run(self._retention.plan(file_ids=ids), on_done=self._confirm_trash)

    def _confirm_trash(self, plan: TrashPlan) -> None:
        if not plan.count:
            self.selection_label.setText(
                "Nothing to move: only files downloaded and verified on disk go to the trash."
            )
            return

        def go() -> None:
            self._runner.run(
                self._retention.trash(plan), on_done=self._trashed, label="Moving to trash…"
            )

        confirm(self, "Move to Zoom's trash", plan.confirmation(), "Move to trash", go)

    def edit_retention(self) -> None:
        """Show each tenant's retention policy to edit (and, if asked, apply now)."""
        self._runner.run(
            self._retention.policies(), on_done=self._show_retention, label="Reading policies…"
        )

    def _show_retention(self, policies: list[RetentionPolicy]) -> None:
        self.retention_dialog = RetentionDialog(policies, self)
        self.retention_dialog.saved.connect(
            lambda changes: self._runner.run(
                self._save_policies(changes), on_done=self._policies_saved, label="Saving…"
            )
        )
        self.retention_dialog.apply.connect(
            lambda changes: self._runner.run(
                self._save_and_plan(changes), on_done=self._confirm_trash, label="Counting…"
            )
        )
        open_dialog(self.retention_dialog, self)

    async def _save_policies(self, changes: list[tuple[int, int | None]]) -> int:
        for tenant_id, days in changes:
            await self._retention.set_policy(tenant_id, days)
        return len(changes)

    async def _save_and_plan(self, changes: list[tuple[int, int | None]]) -> TrashPlan:
        await self._save_policies(changes)
        return await self._retention.plan_policies()

    def _policies_saved(self, count: int) -> None:
        words = "1 changed policy" if count == 1 else f"{count} changed policies"
        self.selection_label.setText(f"Saved {words}." if count else "No policy changed.")

    def _trashed(self, report: TrashReport) -> None:
        text = f"Moved {len(report.trashed)} files ({size_words(report.bytes)}) to Zoom's trash."
        if report.refused:
            text += f" {len(report.refused)} stayed in Zoom: {report.refused[0]['reason']}."
        self.selection_label.setText(text)

    def recover(self) -> None:
        """Bring the selected recordings back from Zoom's trash."""
        uuids = [r.uuid for r in self.selected() if any(f.in_trash for f in r.files)]
        if uuids:
            self._runner.run(self._retention.recover(uuids), label="Recovering…")

    def _local_file(self) -> Path | None:
        for row in self.selected()[:1]:
            files = sorted(row.files, key=lambda f: f.file_type != "MP4")
            for f in files:
                if f.local_state is LocalState.VERIFIED and f.local_path:
                    return Path(f.local_path)
        return None

    def open_file(self) -> None:
        """Open (play) the selected recording's downloaded file with the system's program."""
        path = self._local_file()
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def open_folder(self) -> None:
        """Show the folder of the selected recording's downloaded files."""
        path = self._local_file()
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
