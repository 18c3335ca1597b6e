"""The layers hold: each part imports only what the contracts in pyproject.toml allow.

import-linter runs in a child process: it reconfigures logging (``dictConfig`` disables
every logger that exists), which must not leak into the other tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = (
    "import sys; from importlinter.cli import lint_imports; "
    "sys.exit(lint_imports({!r}, no_cache=True))"
)


def _lint(config: Path, *, path: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(path), env.get("PYTHONPATH")]))
    return subprocess.run(  # noqa: S603 - our own interpreter running the linter
        [sys.executable, "-c", LINT.format(str(config))],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_the_project_keeps_every_layer_contract() -> None:
    result = _lint(ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout and "core imports nothing of ours KEPT" in result.stdout


def test_a_deliberate_bad_import_breaks_a_contract(tmp_path: Path) -> None:
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
    result = _lint(config, path=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "core imports nothing of ours BROKEN" in result.stdout
    assert "layered.core.records -> layered.ui.tab" in result.stdout
