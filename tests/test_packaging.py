"""Packaging: the spec takes name and version from the package, and every resource the code
names is really in resources/ (so a frozen build cannot miss one)."""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

import zoomadmin
from zoomadmin import assets

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "zoomadmin.spec"
RESOURCES = ROOT / "resources"


def _spec_tree() -> ast.Module:
    return ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))


def test_spec_reads_name_and_version_from_the_package() -> None:
    text = SPEC.read_text(encoding="utf-8")
    assigned = {
        node.targets[0].id: ast.unparse(node.value)
        for node in ast.walk(_spec_tree())
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    assert assigned["VERSION"] == "zoomadmin.__version__"
    assert assigned["APP_NAME"] == "zoomadmin.APP_NAME"
    assert zoomadmin.__version__ not in text, "the version must not be written into the spec"
    assert not re.search(r"""['"]\d+\.\d+\.\d+['"]""", text)


def test_spec_bundles_resources_migrations_and_the_entry_point() -> None:
    text = SPEC.read_text(encoding="utf-8")
    assert 'tree(ROOT / "resources", "zoomadmin/resources")' in text
    assert 'tree(ROOT / "zoomadmin" / "store" / "migrations", "zoomadmin/store/migrations")' in text
    assert '"zoomadmin" / "__main__.py"' in text
    assert "console=False" in text, "the app is windowed"
    assert (ROOT / "zoomadmin" / "__main__.py").is_file()
    assert (ROOT / "zoomadmin" / "store" / "migrations" / "env.py").is_file()


def test_build_extra_and_script() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert any(r.startswith("pyinstaller") for r in project["optional-dependencies"]["build"])
    script = (ROOT / "scripts" / "build.sh").read_text(encoding="utf-8")
    assert "zoomadmin.spec" in script
    assert "--smoke-test" in script and "QT_QPA_PLATFORM=offscreen" in script


def _icon_names(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """String literals the code passes as icon names: icon("x"), icon_path("x"), icon_name="x"."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name in ("icon", "icon_path") and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield node.lineno, first.value
        if name == "TabSpec" and len(node.args) >= 3 and isinstance(node.args[2], ast.Constant):
            yield node.lineno, str(node.args[2].value)
        for kw in node.keywords:
            if kw.arg == "icon_name" and isinstance(kw.value, ast.Constant):
                yield node.lineno, str(kw.value.value)


def _asset_names(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """String literals given to assets.asset_path(...) or assets.read_text(...)."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "assets"
            and node.func.attr in ("asset_path", "read_text")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            yield node.lineno, str(node.args[0].value)


def _sources() -> list[Path]:
    return sorted((ROOT / "zoomadmin").rglob("*.py"))


def _icon_exists(name: str) -> bool:
    return any((RESOURCES / "icons" / f"{name}{suffix}").is_file() for suffix in (".svg", ".png"))


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_named_resource_exists(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    missing = [
        f"line {n}: icon {name!r}" for n, name in _icon_names(tree) if not _icon_exists(name)
    ]
    missing += [
        f"line {n}: {name!r}" for n, name in _asset_names(tree) if not (RESOURCES / name).is_file()
    ]
    assert not missing, f"{path.relative_to(ROOT)} names resources that do not exist: {missing}"


def test_asset_constants_exist() -> None:
    for name in (assets.APP_ICON_SVG, assets.STYLESHEET, assets.DESKTOP_FILE):
        assert (RESOURCES / name).is_file()
    assert all(_icon_exists(name) for name in assets.ACTION_ICONS)


def test_the_scanner_finds_names() -> None:
    tree = ast.parse(
        'icon("nope")\nTabSpec("T", w, icon_name="gone")\nassets.read_text("x.qss")\n'
        'icon(variable)\nassets.asset_path("icons/add.svg")\nTabSpec("T", w, "lost")\n'
    )
    assert sorted(n for _, n in _icon_names(tree)) == ["gone", "lost", "nope"]
    assert [n for _, n in _asset_names(tree)] == ["x.qss", "icons/add.svg"]
    assert not _icon_exists("nope")
    assert _icon_exists("add")
