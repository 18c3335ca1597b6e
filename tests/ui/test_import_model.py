"""The import rows model: check results, then outcomes in place; qtmodeltester."""

from __future__ import annotations

from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from zoomadmin.services.host_import import ImportReport, Outcome, RowResult, parse_csv
from zoomadmin.ui.import_model import ImportColumn, ImportRowsModel

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
