"""PySide6's import hook, made cheaper for every module imported after Qt.

Once PySide6 is loaded it sees every import (for its ``from __feature__ import ...``
switches): each newly imported module is asked whether it uses PySide6, by
``inspect.getsource`` and a search of that text for ``"PySide6"``. ``inspect`` looks the
module up among every loaded module and splits its source into lines first, which for the
800-odd modules of a start-up came to about 0.25 s. :func:`lighten_import_hook` answers
the same question for a plain ``.py`` file by searching its bytes, and leaves every other
module (compiled, built in, from a zip) to PySide6's own check.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

import PySide6.QtCore  # noqa: F401 - loading PySide6 installs its import hook

FEATURE_MODULE = "shibokensupport.feature"
"""Where PySide6 keeps its import hook's Python half (``_mod_uses_pyside``)."""


def uses_pyside(module: ModuleType, fallback: Callable[[ModuleType], bool]) -> bool:
    """Whether ``module``'s source names PySide6, as PySide6's own check decides it."""
    path = getattr(module, "__file__", None)
    if isinstance(path, str) and path.endswith(".py"):
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            pass
    return fallback(module)


def lighten_import_hook() -> bool:
    """Swap PySide6's per-module check for :func:`uses_pyside`; whether it could (a
    PySide6 without that check is left alone)."""
    feature = sys.modules.get(FEATURE_MODULE)
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(original) or hasattr(original, "lightened"):
        return False

    def check(module: ModuleType) -> bool:
        return uses_pyside(module, original)

    check.lightened = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = check  # type: ignore[attr-defined]
    return True
