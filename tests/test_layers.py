"""The layers hold: each part imports only what the contracts in pyproject.toml allow."""

from __future__ import annotations

from pathlib import Path

import pytest
from importlinter.cli import EXIT_STATUS_ERROR, EXIT_STATUS_SUCCESS, lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_the_project_keeps_every_layer_contract(capsys: pytest.CaptureFixture[str]) -> None:
    status = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    report = capsys.readouterr().out
    assert status == EXIT_STATUS_SUCCESS, report
    assert "0 broken" in report and "core imports nothing of ours KEPT" in report


def test_a_deliberate_bad_import_breaks_a_contract(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "layered"
    (package / "core").mkdir(parents=True)
    (package / "ui").mkdir()
    (package / "__init__.py").write_text("")
    (package / "ui" / "__init__.py").write_text("")
    (package / "ui" / "tab.py").write_text("from layered.core import records\n")
    (package / "core" / "__init__.py").write_text("")
    # The mistake the contracts exist for: the core reaching up into the UI.
    (package / "core" / "records.py").write_text("import layered.ui.tab\n")
    config = tmp_path / "layers.toml"
    config.write_text(
        '[tool.importlinter]\nroot_package = "layered"\n\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "core imports nothing of ours"\ntype = "forbidden"\n'
        'source_modules = ["layered.core"]\nforbidden_modules = ["layered.ui"]\n'
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    status = lint_imports(config_filename=str(config), no_cache=True)
    report = capsys.readouterr().out
    assert status == EXIT_STATUS_ERROR
    assert "core imports nothing of ours BROKEN" in report
    assert "layered.core.records -> layered.ui.tab" in report
