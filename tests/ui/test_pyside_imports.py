"""PySide6's import hook, lightened: modules are still told apart by whether they use Qt."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from zoomadmin.ui.pyside_imports import FEATURE_MODULE, lighten_import_hook, uses_pyside


def _never(_module: types.ModuleType) -> bool:
    raise AssertionError("a plain source file needs no fallback")


def test_a_source_file_is_read_for_pyside6_and_others_go_to_pyside(tmp_path: Path) -> None:
    qt = tmp_path / "with_qt.py"
    qt.write_text("from PySide6.QtCore import QObject\n", encoding="utf-8")
    plain = tmp_path / "plain.py"
    plain.write_text("import json\n", encoding="utf-8")
    assert uses_pyside(types.SimpleNamespace(__file__=str(qt)), _never)  # type: ignore[arg-type]
    assert not uses_pyside(types.SimpleNamespace(__file__=str(plain)), _never)  # type: ignore[arg-type]
    asked: list[object] = []
    builtin = types.ModuleType("builtin_like")
    assert uses_pyside(builtin, lambda m: asked.append(m) or True)
    assert asked == [builtin]


def test_modules_imported_after_it_are_marked_as_pyside_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lighten_import_hook()
    assert not lighten_import_hook()  # once is enough
    feature = sys.modules[FEATURE_MODULE]
    assert getattr(feature._mod_uses_pyside, "lightened", False)
    (tmp_path / "hook_probe_qt.py").write_text("import PySide6.QtCore\n", encoding="utf-8")
    (tmp_path / "hook_probe_plain.py").write_text("X = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("hook_probe_qt", "hook_probe_plain"):
        monkeypatch.delitem(sys.modules, name, raising=False)
        __import__(name)  # the import statement's way: PySide6's hook sees it
    marks = feature.pyside_feature_dict
    assert marks["hook_probe_qt"] == 0  # switches features with PySide6
    assert marks["hook_probe_plain"] == -1  # ignored by feature switching
