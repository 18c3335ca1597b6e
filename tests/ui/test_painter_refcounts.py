"""Painting from Python must not use up references to None.

PySide6 6.12.0 on Python 3.11 gives back None from every void QPainter call (setPen,
setBrush, drawRoundedRect, drawLine, fillRect, ...) without counting the reference, so each
call takes one away: the calendar's painted views (hundreds of calls per paint) ended the
process with "Fatal Python error: none_dealloc" after a few minutes of scrolling. The
dependency excludes that release; this test fails on any release with the same fault.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPixmap
from pytestqt.qtbot import QtBot

CALLS = 2000


def test_void_painter_calls_keep_nones_reference_count(qtbot: QtBot) -> None:
    pixmap = QPixmap(64, 64)
    painter = QPainter(pixmap)
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        painter.setPen(QPen(Qt.PenStyle.NoPen))
        painter.setBrush(QBrush(QColor("#3b82f6")))
        painter.drawRoundedRect(QRectF(1, 1, 20, 20), 4, 4)
        painter.drawLine(QPoint(0, 0), QPoint(9, 9))
        painter.fillRect(QRectF(0, 0, 4, 4), QColor("#ffffff"))
    lost = before - sys.getrefcount(None)
    painter.end()
    assert lost < CALLS, f"{lost} references to None lost in {CALLS * 5} QPainter calls"
