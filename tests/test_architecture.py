"""The Qt-free core stays Qt-free: a rule in prose leaks, a test does not."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "zoomadmin"
CORE = ("zoom", "services", "store", "sandbox")
FORBIDDEN = ("PySide6", "shiboken6", "qasync", "zoomadmin.ui", "zoomadmin.app")


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _core_files() -> list[Path]:
    return sorted(p for part in CORE for p in (PACKAGE / part).rglob("*.py"))


def test_core_packages_exist() -> None:
    assert _core_files(), "the core packages hold no modules"


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_does_not_import_qt(path: Path) -> None:
    bad = [
        f"line {line}: import {name}"
        for line, name in _imports(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
    ]
    assert not bad, f"{path.relative_to(PACKAGE)} imports Qt or the UI: {bad}"


def test_the_checker_catches_a_qt_import(tmp_path: Path) -> None:
    leaky = tmp_path / "leaky.py"
    leaky.write_text("from PySide6.QtCore import QObject\nimport zoomadmin.ui.main_window\n")
    names = [name for _, name in _imports(leaky)]
    assert names == ["PySide6.QtCore", "zoomadmin.ui.main_window"]
