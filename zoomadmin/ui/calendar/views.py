"""The painted calendar views: day and week columns over an hour grid, and the month grid.

No maintained PySide6 week-view widget exists, so these paint sessions themselves over the
layout that :mod:`zoomadmin.ui.calendar.layout` computes. The layout is computed when the
sessions, the days or the zone change, never in ``paintEvent``, which only draws what is in
view.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, datetime, timedelta, tzinfo

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from zoomadmin.services.calendar import CalendarSession
from zoomadmin.ui.calendar.layout import (
    MINUTES_A_DAY,
    Mark,
    Placed,
    by_day,
    cell_lines,
    lay_out_days,
    mark_of,
    tenant_colour,
)

GUTTER = 56
"""Width of the hour labels left of the day columns."""
HEADER = 34
HOUR_HEIGHT = 48
MARK_COLOURS = {
    Mark.QUEUED: "#94a3b8",
    Mark.SENDING: "#38bdf8",
    Mark.WAITING: "#f59e0b",
    Mark.FAILED: "#ef4444",
    Mark.CREATED: "#ffffff",
    Mark.LIVE: "#22c55e",
    Mark.ENDED: "#64748b",
    Mark.RECORDED: "#a855f7",
}
"""The stripe on a block's left edge (and the dot in a month cell's line) for each mark."""
NOW_COLOUR = "#e11d48"


@functools.cache
def _block_brush(tenant_id: int | None, mark: Mark) -> QBrush:
    """A block's fill: its tenant's colour, quieter for the past, lighter while queued (made
    once per tenant and mark: a paint of thousands of blocks creates no colours)."""
    colour = QColor(tenant_colour(tenant_id))
    if mark in (Mark.ENDED, Mark.RECORDED):  # the past reads quieter than what is coming
        colour = QColor(colour.red(), colour.green(), colour.blue(), 140)
    elif mark in (Mark.QUEUED, Mark.SENDING, Mark.WAITING, Mark.FAILED):
        colour = colour.lighter(115)
    return QBrush(colour)


@functools.cache
def _mark_brush(mark: Mark) -> QBrush:
    return QBrush(QColor(MARK_COLOURS[mark]))


class _Painted(QWidget):
    """What both grids share: the sessions, the zone, the clock, the selection."""

    session_clicked = Signal(object)
    """A CalendarSession (or None: an empty place)."""
    session_activated = Signal(object)
    """A CalendarSession double-clicked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sessions: list[CalendarSession] = []
        self.now = datetime.now().astimezone()
        self.first = self.now.date()
        self.days = 7
        self.zone: tzinfo | None = None
        self.selected: CalendarSession | None = None
        self.setMouseTracking(False)

    def show_sessions(
        self, sessions: Sequence[CalendarSession], first: date, days: int, zone: tzinfo
    ) -> None:
        """Show ``sessions`` for ``days`` days from ``first``, times in ``zone``."""
        self.sessions = list(sessions)
        self.first, self.days, self.zone = first, days, zone
        self._lay_out()
        self.update()

    def set_now(self, now: datetime) -> None:
        """The time the now-line and the marks go by."""
        self.now = now
        self.update()

    def select(self, session: CalendarSession | None) -> None:
        """Outline ``session`` (None: nothing)."""
        self.selected = session
        self.update()

    def _lay_out(self) -> None:
        raise NotImplementedError

    def session_at(self, point: QPoint) -> CalendarSession | None:
        """The session drawn under ``point`` (None: none)."""
        raise NotImplementedError

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        """Select the session under the pointer."""
        if event.button() == Qt.MouseButton.LeftButton:
            self.session_clicked.emit(self.session_at(event.position().toPoint()))
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        """Open the session under the pointer."""
        found = self.session_at(event.position().toPoint())
        if found is not None:
            self.session_activated.emit(found)


class DayColumns(_Painted):
    """Day columns over 24 hours: the body of the day and week views (it scrolls)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarColumns")
        self.placed: list[Placed] = []
        self._picture: QPixmap | None = None
        self.setMinimumHeight(24 * HOUR_HEIGHT)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """A whole day tall."""
        return QSize(800, 24 * HOUR_HEIGHT)

    def _lay_out(self) -> None:
        zone = self.zone
        self.placed = (
            [] if zone is None else lay_out_days(self.sessions, self.first, self.days, zone)
        )

    def column_width(self) -> float:
        """The width of one day's column."""
        return max(1.0, (self.width() - GUTTER) / max(1, self.days))

    def block_rect(self, placed: Placed) -> QRectF:
        """Where a placed session is drawn."""
        width = self.column_width()
        lane_width = (width - 6) / placed.lanes
        x = GUTTER + placed.day * width + 2 + placed.lane * lane_width
        y = placed.top / 60 * HOUR_HEIGHT
        height = max(14.0, (placed.bottom - placed.top) / 60 * HOUR_HEIGHT - 1)
        return QRectF(x, y, lane_width - 2, height)

    def session_at(self, point: QPoint) -> CalendarSession | None:
        """The block under ``point`` (the top one where lanes meet)."""
        for placed in reversed(self.placed):
            if self.block_rect(placed).contains(point.toPointF()):
                return placed.session
        return None

    def invalidate(self) -> None:
        """Draw the picture again at the next paint (sessions, size, clock or colours moved)."""
        self._picture = None
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """A new width lays the columns out again."""
        super().resizeEvent(event)
        self.invalidate()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """A palette or font change paints in the new colours."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self.invalidate()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """The day's picture (grid and blocks, drawn once per change of what is shown), then
        the selection's outline and the now-line over it: a scroll step only copies."""
        ratio = self.devicePixelRatioF()
        picture = self._picture
        if picture is None or picture.deviceIndependentSize().toSize() != self.size():
            picture = self._picture = self._render(ratio)
        clip = event.rect()
        painter = QPainter(self)
        source = QRectF(
            clip.x() * ratio, clip.y() * ratio, clip.width() * ratio, clip.height() * ratio
        )
        painter.drawPixmap(QRectF(clip), picture, source)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_selection(painter, clip)
        self._paint_now(painter)
        painter.end()

    def _render(self, ratio: float) -> QPixmap:
        picture = QPixmap(max(1, round(self.width() * ratio)), max(1, round(self.height() * ratio)))
        picture.setDevicePixelRatio(ratio)
        palette = self.palette()
        picture.fill(palette.color(QPalette.ColorRole.Base))
        painter = QPainter(picture)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        everything = self.rect()
        self._paint_grid(painter, everything, palette)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1))
        for placed in self.placed:
            self._paint_block(painter, placed, self.block_rect(placed), small)
        painter.end()
        return picture

    def _paint_selection(self, painter: QPainter, clip: QRect) -> None:
        if self.selected is None:
            return
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Text), 2))
        painter.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        for placed in self.placed:
            if placed.session == self.selected:
                rect = self.block_rect(placed).adjusted(-1, -1, 1, 1)
                if rect.intersects(QRectF(clip)):
                    painter.drawRoundedRect(rect, 5, 5)

    def _paint_grid(self, painter: QPainter, clip: QRect, palette: QPalette) -> None:
        width = self.column_width()
        text = palette.color(QPalette.ColorRole.PlaceholderText)
        line = palette.color(QPalette.ColorRole.Mid)
        line.setAlpha(90)
        today = self.now.astimezone(self.zone).date() if self.zone else None
        for index in range(self.days):
            day = self.first + timedelta(days=index)
            x = GUTTER + index * width
            if day == today:
                tint = palette.color(QPalette.ColorRole.Highlight)
                tint.setAlpha(22)
                painter.fillRect(QRectF(x, 0, width, self.height()), tint)
            elif day.weekday() >= 5:
                shade = palette.color(QPalette.ColorRole.AlternateBase)
                painter.fillRect(QRectF(x, 0, width, self.height()), shade)
        first_hour = max(0, clip.top() // HOUR_HEIGHT)
        last_hour = min(24, clip.bottom() // HOUR_HEIGHT + 1)
        for hour in range(first_hour, last_hour + 1):
            y = hour * HOUR_HEIGHT
            painter.setPen(QPen(line, 1))
            painter.drawLine(GUTTER, y, self.width(), y)
            if 0 < hour < 24:
                painter.setPen(QPen(text))
                label = QRect(0, y - 8, GUTTER - 6, 16)
                painter.drawText(
                    label,
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                    f"{hour:02}:00",
                )
        painter.setPen(QPen(line, 1))
        for index in range(self.days + 1):
            x = round(GUTTER + index * width)
            painter.drawLine(x, clip.top(), x, clip.bottom())

    def _paint_block(self, painter: QPainter, placed: Placed, rect: QRectF, small: QFont) -> None:
        session = placed.session
        mark = mark_of(session, self.now)
        painter.setPen(QPen(Qt.PenStyle.NoPen))
        painter.setBrush(_block_brush(session.tenant_id, mark))
        painter.drawRoundedRect(rect, 4, 4)
        stripe = QRectF(rect.left(), rect.top(), 4, rect.height())
        painter.setBrush(_mark_brush(mark))
        painter.drawRoundedRect(stripe, 2, 2)
        if mark is Mark.FAILED:
            painter.setPen(QPen(QColor(MARK_COLOURS[Mark.FAILED]), 2, Qt.PenStyle.DashLine))
            painter.setBrush(QBrush(Qt.BrushStyle.NoBrush))
            painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 4, 4)
        inner = rect.adjusted(7, 2, -3, -2).toRect()
        if inner.width() < 12 or inner.height() < 8:
            return
        local = session.start.astimezone(self.zone)
        lines = [session.title, f"{local:%H:%M} · {mark.value}", session.host_email]
        painter.setPen(QPen(QColor("#ffffff")))
        painter.setFont(small)
        metrics = QFontMetrics(small)
        y = inner.top()
        for text in lines:
            if y + metrics.height() > inner.bottom() + 2 and y != inner.top():
                break
            elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, inner.width())
            painter.drawText(QRect(inner.left(), y, inner.width(), metrics.height()), 0, elided)
            y += metrics.height()

    def _paint_now(self, painter: QPainter) -> None:
        if self.zone is None:
            return
        local = self.now.astimezone(self.zone)
        index = (local.date() - self.first).days
        if not 0 <= index < self.days:
            return
        y = (local.hour * 60 + local.minute) / MINUTES_A_DAY * 24 * HOUR_HEIGHT
        x = GUTTER + index * self.column_width()
        painter.setPen(QPen(QColor(NOW_COLOUR), 2))
        painter.drawLine(
            QPoint(round(x), round(y)), QPoint(round(x + self.column_width()), round(y))
        )
        painter.setBrush(QBrush(QColor(NOW_COLOUR)))
        painter.drawEllipse(QPoint(round(x), round(y)), 4, 4)


class DayHeader(QWidget):
    """The day names above the columns (it does not scroll)."""

    def __init__(self, columns: DayColumns, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns = columns
        self.setFixedHeight(HEADER)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Weekday and date of each column; today's in the highlight colour."""
        columns = self._columns
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Window))
        width = (self.width() - GUTTER - self._scrollbar()) / max(1, columns.days)
        today = columns.now.astimezone(columns.zone).date() if columns.zone else None
        bold = QFont(self.font())
        bold.setBold(True)
        for index in range(columns.days):
            day = columns.first + timedelta(days=index)
            rect = QRectF(GUTTER + index * width, 0, width, HEADER).toRect()
            painter.setFont(bold if day == today else self.font())
            painter.setPen(
                QPen(
                    palette.color(
                        QPalette.ColorRole.Highlight
                        if day == today
                        else QPalette.ColorRole.WindowText
                    )
                )
            )
            text = f"{day:%a} {day.day} {day:%b}" if width > 90 else f"{day:%a} {day.day}"
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid)))
        painter.drawLine(0, HEADER - 1, self.width(), HEADER - 1)
        painter.end()

    def _scrollbar(self) -> int:
        area = self.parentWidget()
        scroll = area.findChild(QScrollArea) if area is not None else None
        bar = scroll.verticalScrollBar() if scroll is not None else None
        return bar.width() if bar is not None and bar.isVisible() else 0


class TimeGridView(QWidget):
    """The day or week view: the header over the scrolling day columns."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = DayColumns(self)
        self.header = DayHeader(self.columns, self)
        self.area = QScrollArea(self)
        self.area.setObjectName("calendarScroll")
        self.area.setWidget(self.columns)
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        self.area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.area, 1)

    def scroll_to_hour(self, hour: float) -> None:
        """Show ``hour`` at the top (working hours first)."""
        self.area.verticalScrollBar().setValue(round(hour * HOUR_HEIGHT))

    def ensure_visible(self, session: CalendarSession) -> None:
        """Scroll so ``session``'s block is in view."""
        for placed in self.columns.placed:
            if placed.session == session:
                rect = self.columns.block_rect(placed).toRect()
                self.area.ensureVisible(rect.center().x(), rect.top(), 0, 40)
                return

    def update_all(self) -> None:
        """Repaint the header and the columns."""
        self.header.update()
        self.columns.update()


class MonthGrid(_Painted):
    """Six weeks of day cells, each with as many sessions as fit and "+N more"."""

    day_opened = Signal(object)
    """A date whose cell (or its "+N more") was double-clicked or clicked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarMonth")
        self.month = self.now.date().replace(day=1)
        self.by_day: dict[date, list[CalendarSession]] = {}
        self._hits: list[tuple[QRect, CalendarSession | date]] = []
        self.days = 42

    def show_month(
        self, sessions: Sequence[CalendarSession], first: date, month: date, zone: tzinfo
    ) -> None:
        """Show ``month`` (its first day) in a grid starting on ``first``."""
        self.month = month
        self.show_sessions(sessions, first, 42, zone)

    def _lay_out(self) -> None:
        if self.zone is None:
            self.by_day = {}
            return
        self.by_day = by_day(self.sessions, self.first, self.days, self.zone)

    def cell_rect(self, index: int) -> QRect:
        """The rectangle of the ``index``-th day cell (0 = top left)."""
        top = HEADER
        width = self.width() / 7
        height = (self.height() - top) / 6
        row, column = divmod(index, 7)
        return QRectF(column * width, top + row * height, width, height).toRect()

    def session_at(self, point: QPoint) -> CalendarSession | None:
        """The session line under ``point``."""
        for rect, what in self._hits:
            if rect.contains(point) and isinstance(what, CalendarSession):
                return what
        return None

    def day_at(self, point: QPoint) -> date | None:
        """The day whose cell is under ``point``."""
        for index in range(self.days):
            if self.cell_rect(index).contains(point):
                return self.first + timedelta(days=index)
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        """A "+N more" line opens its day; else select the line's session."""
        point = event.position().toPoint()
        for rect, what in self._hits:
            if rect.contains(point) and isinstance(what, date):
                self.day_opened.emit(what)
                return
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        """Open the session, or the day when on no session."""
        point = event.position().toPoint()
        found = self.session_at(point)
        if found is not None:
            self.session_activated.emit(found)
            return
        day = self.day_at(point)
        if day is not None:
            self.day_opened.emit(day)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Weekday names, then each cell: its date, its sessions that fit, "+N more"."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        metrics = QFontMetrics(self.font())
        line_height = metrics.height() + 2
        width = self.width() / 7
        for column in range(7):
            day = self.first + timedelta(days=column)
            rect = QRectF(column * width, 0, width, HEADER).toRect()
            painter.setPen(QPen(palette.color(QPalette.ColorRole.WindowText)))
            painter.drawText(
                rect, Qt.AlignmentFlag.AlignCenter, f"{day:%A}" if width > 110 else f"{day:%a}"
            )
        self._hits = []
        today = self.now.astimezone(self.zone).date() if self.zone else None
        grid = palette.color(QPalette.ColorRole.Mid)
        grid.setAlpha(110)
        for index in range(self.days):
            day = self.first + timedelta(days=index)
            cell = self.cell_rect(index)
            self._paint_cell(painter, cell, day, today=today, grid=grid, line_height=line_height)
        painter.end()

    def _paint_cell(
        self,
        painter: QPainter,
        cell: QRect,
        day: date,
        *,
        today: date | None,
        grid: QColor,
        line_height: int,
    ) -> None:
        palette = self.palette()
        metrics = QFontMetrics(self.font())
        outside = day.month != self.month.month
        if outside:
            painter.fillRect(cell, palette.color(QPalette.ColorRole.AlternateBase))
        painter.setPen(QPen(grid, 1))
        painter.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        painter.drawRect(cell)
        number = QRect(cell.left() + 4, cell.top() + 2, cell.width() - 8, line_height)
        if day == today:
            badge = QRect(
                number.left() - 2, number.top(), metrics.horizontalAdvance("00") + 8, line_height
            )
            painter.setPen(QPen(Qt.PenStyle.NoPen))
            painter.setBrush(QBrush(palette.color(QPalette.ColorRole.Highlight)))
            painter.drawRoundedRect(badge, 6, 6)
            painter.setPen(QPen(palette.color(QPalette.ColorRole.HighlightedText)))
        else:
            role = QPalette.ColorRole.PlaceholderText if outside else QPalette.ColorRole.Text
            painter.setPen(QPen(palette.color(role)))
        painter.drawText(number.adjusted(2, 0, 0, 0), Qt.AlignmentFlag.AlignLeft, str(day.day))
        sessions = self.by_day.get(day, [])
        room = max(0, (cell.height() - line_height - 4) // line_height)
        shown, more = cell_lines(len(sessions), room)
        y = cell.top() + line_height + 2
        for session in sessions[:shown]:
            line = QRect(cell.left() + 3, y, cell.width() - 6, line_height - 1)
            self._paint_line(painter, line, session, metrics)
            self._hits.append((line, session))
            y += line_height
        if more:
            line = QRect(cell.left() + 6, y, cell.width() - 10, line_height - 1)
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Link)))
            painter.drawText(
                line, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"+{more} more"
            )
            self._hits.append((line, day))

    def _paint_line(
        self, painter: QPainter, line: QRect, session: CalendarSession, metrics: QFontMetrics
    ) -> None:
        mark = mark_of(session, self.now)
        painter.setPen(QPen(Qt.PenStyle.NoPen))
        painter.setBrush(_block_brush(session.tenant_id, mark))
        painter.drawRoundedRect(QRectF(line), 3, 3)
        painter.setBrush(_mark_brush(mark))
        painter.drawRoundedRect(QRectF(line.left(), line.top(), 3, line.height()), 1.5, 1.5)
        if session == self.selected:
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Text), 2))
            painter.setBrush(QBrush(Qt.BrushStyle.NoBrush))
            painter.drawRoundedRect(QRectF(line).adjusted(-1, -1, 1, 1), 3, 3)
        local = session.start.astimezone(self.zone)
        text = metrics.elidedText(
            f"{local:%H:%M} {session.title}", Qt.TextElideMode.ElideRight, line.width() - 8
        )
        painter.setPen(QPen(QColor("#ffffff")))
        painter.drawText(
            line.adjusted(6, 0, -2, 0),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            text,
        )
