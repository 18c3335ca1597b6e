"""The License Pool chart: seats in use against the pool's seats, the plan, now, shortfalls.

QtCharts is a large library: the tab imports this module only when it builds the chart.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from PySide6.QtCharts import QAreaSeries, QChart, QChartView, QDateTimeAxis, QLineSeries, QValueAxis
from PySide6.QtCore import QDateTime, QMargins, QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QWidget

from zoomadmin.services.license_control import PoolTimeline
from zoomadmin.ui.pool.chart_steps import Steps, hour_ticks, steps_between

IN_USE = QColor(47, 111, 196)
DEMAND = QColor(214, 120, 24)
SEATS = QColor(76, 142, 72)
SHORT = QColor(214, 48, 49, 70)
NOW = QColor(214, 48, 49)


def _ms(moment: datetime) -> float:
    return moment.timestamp() * 1000


def _line(name: str, color: QColor, width: float, style: Qt.PenStyle) -> QLineSeries:
    series = QLineSeries()
    series.setName(name)
    pen = QPen(color)
    pen.setWidthF(width)
    pen.setStyle(style)
    series.setPen(pen)
    return series


def _points(steps: Steps) -> list[QPointF]:
    return [QPointF(_ms(moment), float(value)) for moment, value in steps]


class PoolChart(QChartView):
    """Seats in use (filled, from the audit log up to now), the plan's demand (dashed), the
    pool's seats, a now-line, and the shortfalls as shaded bands."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("poolChart")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(170)
        self.timeline: PoolTimeline | None = None
        self.now: datetime | None = None
        self.in_use: Steps = []
        self.demand: Steps = []
        self.bands: list[tuple[datetime, datetime]] = []
        chart = QChart()
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self._style(chart)
        self.setChart(chart)
        self._in_use_line = QLineSeries()
        self._now = QLineSeries()
        self._axis_x = QDateTimeAxis()
        self._axis_x.setFormat("HH:mm")
        self._axis_y = QValueAxis()
        self._axis_y.setLabelFormat("%d")
        self._axis_y.setTitleText("Seats")
        chart.addAxis(self._axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self._axis_y, Qt.AlignmentFlag.AlignLeft)
        self._drawn: list[QAreaSeries | QLineSeries] = []
        self._edges: list[QLineSeries] = []
        """The lines that bound the areas (an area does not own them)."""

    def _style(self, chart: QChart) -> None:
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        chart.setTheme(
            QChart.ChartTheme.ChartThemeDark if dark else QChart.ChartTheme.ChartThemeLight
        )
        chart.setBackgroundBrush(QBrush(self.palette().color(QPalette.ColorRole.Base)))

    # -- what is drawn ------------------------------------------------------------------------

    def show_timeline(self, timeline: PoolTimeline, now: datetime) -> None:
        """Draw ``timeline`` (its range, seats, history, plan and shortfalls) as of ``now``."""
        self.timeline = timeline
        chart = self.chart()
        for series in self._drawn:
            chart.removeSeries(series)
        self._drawn, self._edges = [], []
        end, ticks = hour_ticks(timeline.start, timeline.end)
        self.demand = steps_between(timeline.demand, timeline.start, end)
        self.bands = [
            (max(s, timeline.start), min(e, end))
            for s, e in timeline.shortfalls
            if e > timeline.start and s < end
        ]
        top = max([timeline.seats, *(v for _, v in timeline.in_use), *(v for _, v in self.demand)])
        self._axis_x.setRange(_as_qt(timeline.start), _as_qt(end))
        self._axis_x.setTickCount(ticks)
        self._axis_y.setRange(0, top + 1)
        self._axis_y.setTickType(QValueAxis.TickType.TicksDynamic)
        self._axis_y.setTickAnchor(0)
        self._axis_y.setTickInterval(max(1, math.ceil((top + 1) / 6)))
        for number, (start, stop) in enumerate(self.bands):
            self._add(self._band(start, stop, top + 1), legend=number == 0)
        seats = _line("Pool seats", SEATS, 1.5, Qt.PenStyle.SolidLine)
        seats.append(_points([(timeline.start, timeline.seats), (end, timeline.seats)]))
        demand = _line("Planned demand", DEMAND, 2.0, Qt.PenStyle.DashLine)
        demand.append(_points(self.demand))
        for series in (seats, demand):
            self._add(series)
        self._in_use_line = QLineSeries()
        self._edges.append(self._in_use_line)
        in_use = QAreaSeries(self._in_use_line)
        in_use.setName("Seats in use")
        in_use.setPen(QPen(IN_USE, 2.5))
        fill = QColor(IN_USE)
        fill.setAlpha(60)
        in_use.setBrush(fill)
        self._add(in_use)
        self._now = _line("Now", NOW, 1.5, Qt.PenStyle.DotLine)
        self._add(self._now)
        self.set_now(now)

    def _band(self, start: datetime, stop: datetime, top: int) -> QAreaSeries:
        upper, lower = QLineSeries(), QLineSeries()
        upper.append(_points([(start, top), (stop, top)]))
        lower.append(_points([(start, 0), (stop, 0)]))
        self._edges += [upper, lower]
        band = QAreaSeries(upper, lower)
        band.setName("Too few seats")
        band.setBrush(SHORT)
        band.setPen(QPen(Qt.PenStyle.NoPen))
        return band

    def _add(self, series: QAreaSeries | QLineSeries, *, legend: bool = True) -> None:
        chart = self.chart()
        chart.addSeries(series)
        series.attachAxis(self._axis_x)
        series.attachAxis(self._axis_y)
        self._drawn.append(series)
        if not legend:
            for marker in chart.legend().markers(series):
                marker.setVisible(False)

    def set_now(self, now: datetime) -> None:
        """Move the now-line to ``now`` and carry the seats held now up to it."""
        timeline = self.timeline
        if timeline is None:
            return
        self.now = now
        shown_to = min(max(now, timeline.start), self._axis_end())
        self.in_use = steps_between(timeline.in_use, timeline.start, shown_to)
        self._in_use_line.replace(_points(self.in_use))
        self._now.replace(_points([(shown_to, 0), (shown_to, int(self._axis_y.max()))]))

    def _axis_end(self) -> datetime:
        return datetime.fromtimestamp(self._axis_x.max().toMSecsSinceEpoch() / 1000, UTC)

    # -- what tests and screen readers ask ----------------------------------------------------

    def series_names(self) -> list[str]:
        """The names in the legend, in drawing order."""
        shown: list[str] = []
        for series in self.chart().series():
            name = series.name()
            if name and name not in shown:
                shown.append(name)
        return shown

    def held_now(self) -> int:
        """Seats in use at the now-line (as drawn)."""
        return self.in_use[-1][1] if self.in_use else 0


def _as_qt(moment: datetime) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(int(_ms(moment)))
