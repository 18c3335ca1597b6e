"""Export what a table shows (its visible rows and columns, in their order) to a CSV file."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QFileDialog, QTableView, QWidget


def visible_table(view: QTableView) -> tuple[list[str], list[list[str]]]:
    """The headers and cell texts of the rows and columns ``view`` shows, as arranged."""
    model = view.model()
    header = view.horizontalHeader()
    columns = [
        header.logicalIndex(visual)
        for visual in range(header.count())
        if not header.isSectionHidden(header.logicalIndex(visual))
    ]
    titles = [
        str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
        for c in columns
    ]
    rows = [
        [str(model.index(r, c, QModelIndex()).data() or "") for c in columns]
        for r in range(model.rowCount(QModelIndex()))
    ]
    return titles, rows


def write_csv(path: Path, headers: list[str], rows: list[list[str]]) -> int:
    """Write a UTF-8 CSV (with a BOM, so spreadsheets read accents); returns the row count."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(headers)
        writer.writerows(rows)
    return len(rows)


def ask_csv_path(parent: QWidget, title: str, suggested: str) -> QFileDialog:
    """A non-blocking Save dialog for a CSV file; connect to ``fileSelected``."""
    dialog = QFileDialog(parent, title, suggested, "CSV files (*.csv)")
    dialog.setObjectName("csvSaveDialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix("csv")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
