"""Start-up time: process start to main window shown, and to the sandbox account loaded.

Runs ``python -m zoomadmin --basedir TMP --smoke-test`` (offscreen) several times; the app
measures from the process's start time (read from /proc) and prints both figures in its
JSON summary. The first run starts on an empty folder (database created, demo seeded); the
others reuse it, as a returning user's start would.

Both code bases are compiled to bytecode first (``compileall``), as an installed app is
(pip compiles on install, PyInstaller bundles bytecode): where ``PYTHONDONTWRITEBYTECODE``
is set, every start would otherwise compile some 180 modules from source again (~0.3 s).

With ``--baseline REF`` the same runs are made, alternately, by the code at git ``REF``
(checked out into a temporary worktree), so both are measured on the same machine under the
same load, and the returning-user medians are compared: the current code must not be slower.

    .venv/bin/python benchmarks/bench_startup.py [--runs N] [--baseline REF]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SHOWN = 1.5
TARGET_LOADED = 1.0
"""Returning user: process start to the sandbox account loaded, at most (seconds)."""
SLOWER_TOLERANCE = 1.05
"""The current code may be at most this much slower than the baseline (noise)."""


def run_once(basedir: Path, source: Path) -> dict[str, float]:
    """One start of the app from ``source``; returns its ``shown`` and ``loaded`` seconds."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "PYTHONPATH": str(source),
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "zoomadmin", "--basedir", str(basedir), "--smoke-test"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
        cwd=source,
    )
    lines = result.stdout.strip().splitlines()
    if not lines:
        raise SystemExit(f"the app printed no summary:\n{result.stderr}")
    summary = json.loads(lines[-1])
    return {"shown": summary["window_shown_s"], "loaded": summary["loaded_s"]}


@contextlib.contextmanager
def checkout(ref: str) -> Iterator[Path]:
    """The code at ``ref`` in a temporary git worktree (removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix="zoomadmin-baseline-") as tmp:
        path = Path(tmp) / "tree"
        git = ["git", "-C", str(ROOT)]
        subprocess.run([*git, "worktree", "add", "--detach", str(path), ref], check=True)  # noqa: S603
        # resources/ installs as zoomadmin.resources; from a plain checkout it is found here.
        (path / "zoomadmin" / "resources").symlink_to(path / "resources")
        try:
            yield path
        finally:
            subprocess.run([*git, "worktree", "remove", "--force", str(path)], check=False)  # noqa: S603


def compile_bytecode(source: Path) -> None:
    """Write the ``.pyc`` files of ``source``'s package, as installing the app does."""
    subprocess.run(  # noqa: S603 - our own interpreter on our own tree
        [sys.executable, "-m", "compileall", "-q", str(source / "zoomadmin")],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def report(name: str, figures: dict[str, list[float]]) -> dict[str, float]:
    """Print the medians of one code base; returns them (returning-user runs only)."""
    medians = {key: statistics.median(values[1:] or values) for key, values in figures.items()}
    print(
        f"{name}: window shown median {medians['shown']:.3f} s, "
        f"account loaded median {medians['loaded']:.3f} s "
        f"(returning user; first start {figures['loaded'][0]:.3f} s)"
    )
    return medians


def main() -> int:
    """Run the benchmark; exit 1 when a target is missed or the code got slower."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline", metavar="REF", help="git ref to compare against")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="zoomadmin-bench-")))
        sources = {"current": ROOT}
        if args.baseline:
            sources[f"baseline {args.baseline}"] = stack.enter_context(checkout(args.baseline))
        for source in sources.values():
            compile_bytecode(source)
        figures = {name: {"shown": [], "loaded": []} for name in sources}
        for number in range(args.runs):
            for name, source in sources.items():
                got = run_once(tmp / name.replace(" ", "-"), source)
                figures[name]["shown"].append(got["shown"])
                figures[name]["loaded"].append(got["loaded"])
                print(
                    f"run {number + 1} {name}: shown {got['shown']:.3f} s, "
                    f"loaded {got['loaded']:.3f} s"
                )
        medians = {name: report(name, values) for name, values in figures.items()}
    now = medians["current"]
    ok = now["shown"] <= TARGET_SHOWN and now["loaded"] <= TARGET_LOADED
    print(
        f"targets: shown <= {TARGET_SHOWN} s, loaded <= {TARGET_LOADED} s: "
        f"{'PASS' if ok else 'FAIL'}"
    )
    for name, then in medians.items():
        if name != "current":
            ratio = now["loaded"] / then["loaded"]
            faster = ratio <= SLOWER_TOLERANCE
            ok = ok and faster
            print(f"current / {name}: {ratio:.2f}x ({'PASS' if faster else 'FAIL: slower'})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
