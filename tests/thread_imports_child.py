"""Runs ``zoomadmin ARGS...`` and writes, as JSON to ``$IMPORTS_REPORT``, which modules each
thread other than the main one imported for the first time (found through ``sys.meta_path``,
so ``importlib.import_module`` counts too; modules that failed to import do not).
Used by tests/test_startup_race.py."""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType


class _Recorder:
    """A finder that finds nothing: it notes who asked for a module not imported yet."""

    def __init__(self) -> None:
        self.imports: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        thread = threading.current_thread()
        if thread is not threading.main_thread():
            with self._lock:
                self.imports.setdefault(thread.name, []).append(fullname)
        return None


if __name__ == "__main__":
    recorder = _Recorder()
    sys.meta_path.insert(0, recorder)
    from zoomadmin.cli import main

    try:
        code = main(sys.argv[1:])
    finally:
        with open(os.environ["IMPORTS_REPORT"], "w", encoding="utf-8") as report:
            # A module that failed to import (an optional one not installed) is not shared.
            imported = {
                name: [module for module in modules if module in sys.modules]
                for name, modules in recorder.imports.items()
            }
            json.dump({name: modules for name, modules in imported.items() if modules}, report)
    sys.exit(code)
