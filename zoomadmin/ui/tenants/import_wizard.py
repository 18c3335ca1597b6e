"""The CSV import wizard: choose a file, see every row checked, create in Zoom, read the report."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import shiboken6
from PySide6.QtCore import QMimeData, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zoomadmin.core.records import TenantRecord
from zoomadmin.services.host_import import (
    CsvError,
    HostImporter,
    ImportReport,
    ImportRow,
    parse_csv,
)
from zoomadmin.ui.common.async_runner import AsyncRunner, user_message_of
from zoomadmin.ui.common.csv_export import ask_csv_path, write_csv
from zoomadmin.ui.common.field_errors import error_label
from zoomadmin.ui.tenants.host_dialogs import create_actions, tenant_combo
from zoomadmin.ui.tenants.import_model import GOOD_OUTCOMES, ImportColumn, ImportRowsModel

TEMPLATE_CSV = (
    "email,first_name,last_name,type\nann.lee@school.org,Ann,Lee,Basic\n,Marcus,Reyes,Licensed\n"
)
"""A file to start from: one host with an email, one taking the tenant's email scheme."""
FAILED_HEADER = ["email", "first_name", "last_name", "type", "problem"]

FORMAT_HELP = (
    "A CSV file with a header line: <b>email,first_name,last_name,type</b>. Type is Basic or "
    "Licensed (Basic when empty). Leave the email empty to use the tenant's email scheme with "
    "the next free number. Every row is checked before anything is created in Zoom."
)


async def read_csv(path: Path) -> list[ImportRow]:
    """The rows of the file at ``path`` (read on a worker thread)."""
    try:
        text = await asyncio.to_thread(path.read_text, encoding="utf-8-sig")
    except FileNotFoundError:
        raise CsvError(f"There is no file {path}.") from None
    except UnicodeDecodeError:
        raise CsvError(f"{path.name} is not a UTF-8 text file; save it as CSV UTF-8.") from None
    except OSError as exc:
        raise CsvError(f"{path.name} cannot be read ({exc.strerror}).") from None
    return parse_csv(text)


def _dropped_csv(mime: QMimeData) -> Path | None:
    """The local .csv file being dragged, if it is one."""
    for url in mime.urls() if mime.hasUrls() else []:
        if url.isLocalFile() and url.toLocalFile().lower().endswith(".csv"):
            return Path(url.toLocalFile())
    return None


class ImportWizard(QDialog):
    """Three steps in one dialog (opened with ``open()``); emits ``imported`` with the report."""

    imported = Signal(object)
    """The :class:`ImportReport`, after the run."""

    def __init__(
        self,
        importer: HostImporter,
        runner: AsyncRunner,
        tenants: Sequence[TenantRecord],
        tenant_id: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.setWindowTitle("Import hosts from CSV")
        self.resize(860, 560)
        self._importer = importer
        self._runner = runner
        self.model = ImportRowsModel(self)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._choose_page(tenants, tenant_id))
        self.pages.addWidget(self._rows_page())
        self.error = error_label(self)
        self.progress = QProgressBar(self)
        self.progress.hide()
        self.back = QPushButton("&Back", self)
        self.next = QPushButton("&Check rows", self)
        self.next.setDefault(True)
        self.close_button = QPushButton("Cancel", self)
        self.save_failed = QPushButton("Save failed &rows…", self)
        self.save_failed.setToolTip("Save the rows that were not created to a CSV, to fix them")
        self.save_failed.hide()
        self.save_failed.clicked.connect(self._ask_save_failed)
        self.setAcceptDrops(True)
        self.back.clicked.connect(lambda: self._go(0))
        self.next.clicked.connect(self._on_next)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        # Buttons keep their size at the right; the progress bar takes the rest while shown.
        buttons.addStretch(0)
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.save_failed)
        buttons.addWidget(self.back)
        buttons.addWidget(self.next)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.report: ImportReport | None = None
        self._go(0)

    def _choose_page(self, tenants: Sequence[TenantRecord], tenant_id: int | None) -> QWidget:
        page = QWidget(self)
        help_text = QLabel(FORMAT_HELP, page)
        help_text.setWordWrap(True)
        self.path = QLineEdit(page)
        self.path.setPlaceholderText("Choose a .csv file, or drop one on this window")
        browse = QPushButton("Bro&wse…", page)
        browse.clicked.connect(self._on_browse)
        self.template = QPushButton("Save a te&mplate…", page)
        self.template.setToolTip("A CSV with the header and two example rows to fill in")
        self.template.clicked.connect(self._ask_save_template)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        row.addWidget(self.template)
        file_label = QLabel("&File:", page)
        file_label.setBuddy(self.path)
        self.tenant = tenant_combo(tenants, tenant_id, page)
        self.action = QComboBox(page)
        self.offer_api_only(False)
        form = QFormLayout(page)
        form.addRow(help_text)
        form.addRow(file_label, row)
        form.addRow("&Tenant:", self.tenant)
        form.addRow("Create &as:", self.action)
        return page

    def offer_api_only(self, allowed: bool) -> None:
        """Offer API-only users only when the account is known to create them."""
        if not shiboken6.isValid(self.action):
            return
        self.action.clear()
        for text, action in create_actions(allowed):
            self.action.addItem(text, action)
        self.action.setEnabled(self.action.count() > 1)

    def _rows_page(self) -> QWidget:
        page = QWidget(self)
        self.summary = QLabel(page)
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        # Zoom already has these users in the account: offer to link them (not by default,
        # since the file meant to create new ones).
        self.link_existing = QCheckBox(page)
        self.link_existing.hide()
        self.link_existing.toggled.connect(self._update_next)
        self.table = QTableView(page)
        self.table.setObjectName("importRows")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        # The check/result texts are sentences: rows grow to show them whole.
        self.table.setWordWrap(True)
        self.model.dataChanged.connect(
            lambda first, _last: self.table.resizeRowToContents(first.row())
        )
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.sectionResized.connect(
            lambda column, _old, _new: self._fit_rows() if column == ImportColumn.RESULT else None
        )
        widths = ((ImportColumn.LINE, 50), (ImportColumn.EMAIL, 260), (ImportColumn.NAME, 160))
        for column, width in widths:
            header.resizeSection(column, width)
        header.setSectionResizeMode(ImportColumn.LINE, QHeaderView.ResizeMode.Fixed)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.link_existing)
        layout.addWidget(self.table, 1)
        return page

    def _fit_rows(self) -> None:
        # After the page is laid out: a hidden table's columns still have their default width.
        QTimer.singleShot(0, self.table.resizeRowsToContents)

    def _go(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self.back.setVisible(page == 1 and self.report is None)
        if page == 0:
            self.next.setText("&Check rows")
            self.next.setEnabled(True)
        self.show_error("")

    def show_error(self, text: str) -> None:
        """Show a problem with the file or the run."""
        self.error.setText(text)
        self.error.setVisible(bool(text))

    @Slot()
    def _on_browse(self) -> None:
        dialog = QFileDialog(self, "Choose a CSV file", "", "CSV files (*.csv);;All files (*)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.path.setText)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @Slot()
    def _on_next(self) -> None:
        if self.report is not None:
            self.accept()
        elif self.pages.currentIndex() == 0:
            self.check_rows()
        else:
            self.create_hosts()

    def check_rows(self) -> None:
        """Read and check the file, then show every row with what the check found."""
        if self.tenant.currentData() is None:
            self.show_error("Create a tenant first (New tenant, Ctrl+N); hosts go into one.")
            return
        if not self.path.text().strip():
            self.show_error("Choose the CSV file to import first.")
            return
        self._runner.run(
            self._check(Path(self.path.text().strip()), self.tenant.currentData()),
            on_done=self._on_checked,
            on_error=self._on_failed,
            disable=self.next,
            label="Checking the file…",
        )

    async def _check(self, path: Path, tenant_id: int) -> list[ImportRow]:
        rows = await read_csv(path)
        if not rows:
            raise CsvError(f"{path.name} has a header but no hosts.")
        self._start_progress(len(rows), "Checking %v of %m rows…")
        return await self._importer.preview(tenant_id, rows, self._step)

    def _start_progress(self, total: int, text: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.progress.setFormat(text)
        self.progress.show()

    def _step(self, done: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)

    def _on_checked(self, rows: list[ImportRow]) -> None:
        self.progress.hide()
        self.model.set_rows(rows)
        ready = sum(1 for r in rows if r.ok)
        linkable = sum(1 for r in rows if r.linkable)
        bad = len(rows) - ready - linkable
        parts = [f"{len(rows)} rows: {ready} ready"]
        if linkable:
            parts.append(f"{linkable} already in the account")
        if bad:
            parts.append(f"{bad} with problems (they will be skipped; fix the file to add them)")
        self.summary.setText(", ".join(parts) + ".")
        self.link_existing.setText(
            f"&Link the {linkable} user{'s' if linkable != 1 else ''} already in this Zoom "
            "account instead"
        )
        self.link_existing.setChecked(False)
        self.link_existing.setEnabled(True)
        self.link_existing.setVisible(linkable > 0)
        self._go(1)
        self._update_next()
        self._fit_rows()

    def _update_next(self) -> None:
        rows = self.model.rows()
        ready = sum(1 for r in rows if r.ok)
        linked = sum(1 for r in rows if r.linkable) if self.link_existing.isChecked() else 0
        text = f"Cr&eate {ready} host{'s' if ready != 1 else ''}"
        self.next.setText(text + (f" and link {linked}" if linked else "") + " in Zoom")
        self.next.setEnabled(ready + linked > 0)

    def create_hosts(self) -> None:
        """Create the ready rows in Zoom, showing each row's outcome as it comes."""
        rows = self.model.rows()
        self._start_progress(len(rows), "Creating %v of %m…")
        self.back.hide()
        self.link_existing.setEnabled(False)
        self.close_button.setEnabled(False)
        self._runner.run(
            self._importer.run(
                self.tenant.currentData(),
                rows,
                action=self.action.currentData(),
                progress=self._step,
                link_existing=self.link_existing.isChecked(),
            ),
            on_done=self._on_done,
            on_error=self._on_failed,
            disable=self.next,
            label="Creating hosts in Zoom…",
        )

    def _on_done(self, report: ImportReport) -> None:
        self.report = report
        self.progress.hide()
        self.model.set_report(report)
        self.summary.setText(report.summary())
        self.next.setText("&Done")
        self.close_button.setEnabled(True)
        self.close_button.hide()
        self.save_failed.setVisible(bool(self.failed_rows()))
        self.imported.emit(report)

    def failed_rows(self) -> list[list[str]]:
        """The rows that were not created or linked, with why, as CSV cells."""
        report = self.report
        if report is None:
            return []
        return [
            [
                r.row.email,
                r.row.first_name,
                r.row.last_name,
                r.row.type_text,
                r.message or r.outcome,
            ]
            for r in report.results
            if r.outcome not in GOOD_OUTCOMES
        ]

    @Slot()
    def _ask_save_failed(self) -> None:
        dialog = ask_csv_path(self, "Save failed rows", "hosts-to-fix.csv")
        dialog.fileSelected.connect(lambda path: self.save_failed_to(Path(path)))

    def save_failed_to(self, path: Path) -> None:
        """Write the rows that failed (with the reason) to ``path``, to fix and import again."""
        self._write(path, FAILED_HEADER, self.failed_rows())

    @Slot()
    def _ask_save_template(self) -> None:
        dialog = ask_csv_path(self, "Save a template CSV", "hosts-template.csv")
        dialog.fileSelected.connect(lambda path: self.save_template_to(Path(path)))

    def save_template_to(self, path: Path) -> None:
        """Write the template CSV to ``path`` and choose it as the file to import."""
        rows = [line.split(",") for line in TEMPLATE_CSV.splitlines()]
        self._write(path, rows[0], rows[1:])
        self.path.setText(str(path))

    def _write(self, path: Path, header: list[str], rows: list[list[str]]) -> None:
        def failed(exc: BaseException) -> bool:
            if not isinstance(exc, OSError):
                return False
            self.show_error(f"{path.name} could not be written ({exc.strerror}).")
            return True

        self._runner.run(
            asyncio.to_thread(write_csv, path, header, rows),
            on_error=failed,
            label="Saving the CSV…",
        )

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        """Accept a dragged .csv file."""
        if _dropped_csv(event.mimeData()) is not None and self.report is None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        """A dropped .csv file is chosen and checked at once."""
        path = _dropped_csv(event.mimeData())
        if path is None or self.report is not None:
            return
        event.acceptProposedAction()
        self.path.setText(str(path))
        self._go(0)
        self.check_rows()

    def _on_failed(self, exc: BaseException) -> bool:
        self.progress.hide()
        self.close_button.setEnabled(True)
        message = user_message_of(exc)
        if message is None:
            return False
        self.show_error(message)
        return True
