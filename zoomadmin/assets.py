"""The one way to reach packaged resources (icons, style, desktop file); Qt-free, returns paths."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

RESOURCE_PACKAGE = "zoomadmin.resources"

APP_ICON_SVG = "icons/zoomadmin.svg"
APP_ICON_SIZES = (16, 32, 48, 64, 128, 256)
STYLESHEET = "style.qss"
DESKTOP_FILE = "zoomadmin.desktop"
ACTION_ICONS = (
    "activate",
    "add",
    "deactivate",
    "delete",
    "edit",
    "import",
    "link",
    "move",
    "pool",
    "refresh",
    "remove",
    "search",
    "settings",
    "sync",
)


class MissingResourceError(FileNotFoundError):
    """A resource the code asks for is not in the package (a packaging bug)."""


def resource_root() -> Path:
    """The folder that holds the resources, in a checkout, a wheel or a frozen build alike."""
    # Source checkouts, installed wheels and PyInstaller builds all keep these as real files.
    return Path(str(resources.files(RESOURCE_PACKAGE)))


def asset_path(name: str) -> Path:
    """The file of resource ``name`` (a relative path such as ``"icons/add.svg"``)."""
    relative = Path(name)
    if relative.is_absolute() or ".." in relative.parts:
        raise ValueError(f"resource names are relative paths inside the package, not {name!r}")
    path = resource_root() / relative
    if not path.is_file():
        raise MissingResourceError(f"the resource {name!r} is missing from {RESOURCE_PACKAGE}")
    return path


def read_text(name: str) -> str:
    """The text of resource ``name`` (UTF-8)."""
    return asset_path(name).read_text(encoding="utf-8")


def icon_path(name: str) -> Path:
    """The SVG of action icon ``name`` (see :data:`ACTION_ICONS`)."""
    return asset_path(f"icons/{name}.svg")


def app_icon_paths() -> dict[int, Path]:
    """The application icon as PNG per pixel size, for window icons and installers."""
    return {size: asset_path(f"icons/app/zoomadmin-{size}.png") for size in APP_ICON_SIZES}
