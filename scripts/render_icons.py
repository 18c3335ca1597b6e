"""Render the application icon SVG to the PNG sizes desktops and installers ask for.

Run once after changing resources/icons/zoomadmin.svg, then commit the PNGs:
    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/render_icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZES = (16, 32, 48, 64, 128, 256)


def render(svg: Path, size: int, out: Path) -> None:
    """Draw ``svg`` into a transparent ``size`` x ``size`` PNG at ``out``."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    if not image.save(str(out), "PNG"):
        raise SystemExit(f"could not write {out}")


def main() -> int:
    """Render every size of the application icon into resources/icons/app/."""
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    (ICONS / "app").mkdir(exist_ok=True)
    for size in SIZES:
        render(ICONS / "zoomadmin.svg", size, ICONS / "app" / f"zoomadmin-{size}.png")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
