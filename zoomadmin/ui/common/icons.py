"""QIcons from the packaged resources (through zoomadmin.assets), cached by name."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from zoomadmin import assets

APP_ICON = "zoomadmin"


@cache
def icon(name: str) -> QIcon:
    """The icon called ``name``: ``"zoomadmin"`` (the app) or an action icon (``"add"``).

    An empty name gives an empty icon (a tab without one); an unknown name is a packaging
    bug and raises :class:`zoomadmin.assets.MissingResourceError`.
    """
    if not name:
        return QIcon()
    if name == APP_ICON:
        app_icon = QIcon()
        for path in assets.app_icon_paths().values():
            app_icon.addFile(str(path))
        return app_icon
    return QIcon(str(assets.icon_path(name)))


def stylesheet() -> str:
    """The app's stylesheet (palette-based, so light and dark themes both work)."""
    return assets.read_text(assets.STYLESHEET)
