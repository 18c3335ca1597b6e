"""QIcons from the packaged resources/icons folder, cached by name."""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtGui import QIcon

ICON_PACKAGE = "zoomadmin.resources"
ICON_SUFFIXES = (".svg", ".png")


def icon_path(name: str) -> str | None:
    """The file behind icon ``name`` (``icons/<name>.svg`` or ``.png``), or None."""
    if not name:
        return None
    try:
        folder = resources.files(ICON_PACKAGE).joinpath("icons")
    except ModuleNotFoundError:
        return None
    for suffix in ICON_SUFFIXES:
        candidate = folder.joinpath(name + suffix)
        if candidate.is_file():
            # Installed packages and frozen builds keep resources as real files.
            return str(candidate)
    return None


@cache
def icon(name: str) -> QIcon:
    """The icon called ``name``; an empty icon when the resources have none of that name."""
    path = icon_path(name)
    return QIcon(path) if path else QIcon()
