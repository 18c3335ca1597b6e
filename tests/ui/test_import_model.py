"""The import rows model: check results, then outcomes in place; qtmodeltester."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from zoomadmin.services.host_import import ImportReport, Outcome, RowResult, parse_csv
from zoomadmin.ui.tenants.import_model import ImportColumn, ImportRowsModel, RowKind

CSV = "email,first_name,last_name,type\na@school.example,Ann,Lee,\nbad,Bob,Ray,Gold\n"


def test_rows_then_results(qtmodeltester: ModelTester, qtbot: QtBot) -> None:
    model = ImportRowsModel()
    qtmodeltester.check(model, force_py=True)
    rows = parse_csv(CSV)
    model.set_rows(rows)
    assert model.rowCount() == 2
    assert model.data(model.index(0, ImportColumn.RESULT)) == "Ready"
    assert model.data(model.index(0, ImportColumn.TYPE)) == "Basic"
    assert model.data(model.index(1, ImportColumn.TYPE)) == "Gold"
    assert "not a valid email" in model.data(model.index(1, ImportColumn.RESULT))
    assert model.is_good(0) and not model.is_good(1)
    report = ImportReport(
        [
            RowResult(rows[0], Outcome.FAILED, "Zoom refused it."),
            RowResult(rows[1], Outcome.SKIPPED, "bad"),
        ]
    )
    with qtbot.waitSignal(model.dataChanged):
        model.set_report(report)
    assert model.data(model.index(0, ImportColumn.RESULT)) == "Failed: Zoom refused it."
    assert not model.is_good(0)


def test_problem_and_linkable_rows_differ_by_icon_and_keep_the_palette_text(qtbot: QtBot) -> None:
    ready, bad = parse_csv(CSV)
    linkable = replace(ready, line=4, problems=("Already a user in this Zoom account.",))
    linkable = replace(linkable, linkable=True)
    model = ImportRowsModel()
    model.set_rows([ready, bad, linkable])
    assert [model.kind(r) for r in range(3)] == [RowKind.READY, RowKind.PROBLEM, RowKind.LINKABLE]

    def icon(row: int) -> object:
        return model.data(model.index(row, ImportColumn.RESULT), Qt.ItemDataRole.DecorationRole)

    ready_icon, problem_icon, link_icon = icon(0), icon(1), icon(2)
    assert isinstance(ready_icon, QIcon) and not ready_icon.isNull()  # "Ready" rows get one too
    assert isinstance(problem_icon, QIcon) and not problem_icon.isNull()
    assert isinstance(link_icon, QIcon) and not link_icon.isNull()
    assert problem_icon.cacheKey() != link_icon.cacheKey(), "the two kinds look alike"
    colours = {
        model.data(model.index(r, c), Qt.ItemDataRole.ForegroundRole)
        for r in range(3)
        for c in ImportColumn
    }
    assert colours == {None}, "text keeps the palette's colour in light and dark themes"
    described = model.index(2, ImportColumn.RESULT).data(Qt.ItemDataRole.AccessibleDescriptionRole)
    assert described == RowKind.LINKABLE.value
    model.set_report(ImportReport([RowResult(linkable, Outcome.LINKED, "")]))
    assert model.kind(2) == RowKind.READY and icon(2).cacheKey() == ready_icon.cacheKey()
