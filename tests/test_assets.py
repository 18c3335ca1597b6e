"""Resources: every asset the code names exists, SVGs render, the stylesheet parses cleanly."""

from __future__ import annotations

import configparser
import re
import struct

import pytest

from zoomadmin import assets


def test_every_action_icon_exists() -> None:
    for name in assets.ACTION_ICONS:
        path = assets.icon_path(name)
        assert path.suffix == ".svg"
        assert "<svg" in path.read_text(encoding="utf-8")


def test_app_icon_pngs_have_their_sizes() -> None:
    for size, path in assets.app_icon_paths().items():
        header = path.read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", header[16:24]) == (size, size)
    assert assets.asset_path(assets.APP_ICON_SVG).is_file()


def test_read_text_and_desktop_file() -> None:
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str  # type: ignore[assignment,method-assign]
    desktop.read_string(assets.read_text(assets.DESKTOP_FILE))
    entry = desktop["Desktop Entry"]
    assert (entry["Type"], entry["Name"]) == ("Application", "zoomadmin")
    assert entry["Icon"] == "zoomadmin"
    assert entry["Exec"].split()[0] == "zoomadmin-gui"


def test_missing_and_escaping_names_are_refused() -> None:
    with pytest.raises(assets.MissingResourceError, match=r"'icons/nope\.svg' is missing"):
        assets.asset_path("icons/nope.svg")
    with pytest.raises(ValueError, match="relative paths"):
        assets.asset_path("../pyproject.toml")


def test_stylesheet_uses_the_palette() -> None:
    qss = re.sub(r"/\*.*?\*/", "", assets.read_text(assets.STYLESHEET), flags=re.S)
    assert qss.count("palette(") > 10
    # No fixed colours: any one of them would clash with a light or a dark theme.
    assert not re.findall(r"#[0-9a-fA-F]{3,8}\b|rgba?\(|\b(white|black)\b", qss)


def test_no_pseudo_state_changes_a_font() -> None:
    """Qt sizes a widget for its plain state: a bolder :default or :hover font clips the text.

    (Sub-controls such as ``QTabBar::tab:selected`` are sized per state, so they may.)
    """
    qss = re.sub(r"/\*.*?\*/", "", assets.read_text(assets.STYLESHEET), flags=re.S)
    rules = re.findall(r"([^{}]+)\{([^}]*)\}", qss)
    for selector, body in rules:
        if ":" in selector and "::" not in selector:
            assert "font" not in body, f"{selector.strip()} changes the font"


def test_svgs_render_and_qss_parses(qtbot: object) -> None:
    from PySide6.QtSvg import QSvgRenderer
    from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QTableView, QWidget

    for name in (*assets.ACTION_ICONS, "zoomadmin"):
        path = assets.asset_path(f"icons/{name}.svg")
        assert QSvgRenderer(str(path)).isValid(), name
    # Qt logs a warning for a stylesheet it cannot parse; qt_log_level_fail turns it into a failure.
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = QWidget()
    window.setStyleSheet(assets.read_text(assets.STYLESHEET))
    for child in (QLabel("x", window), QPushButton("y", window), QTableView(window)):
        child.setProperty("role", "error")
    window.show()
    window.ensurePolished()
    window.close()
