"""Storage kept in Zoom's cloud per tenant and month, with a forecast from the last months."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

from zoomadmin.services.recordings_index import MonthUsage

FORECAST_FROM = 6
"""Months the forecast's straight line is fitted to."""
FORECAST_AHEAD = 3
NO_TENANT = "No tenant"


def forecast(totals: Sequence[float], ahead: int = FORECAST_AHEAD) -> list[float]:
    """The next ``ahead`` months on the least-squares line through the last months (>= 0)."""
    recent = list(totals[-FORECAST_FROM:])
    if not recent:
        return [0.0] * ahead
    if len(recent) == 1:
        return [recent[0]] * ahead
    n = len(recent)
    mean_x, mean_y = (n - 1) / 2, sum(recent) / n
    spread = sum((x - mean_x) ** 2 for x in range(n))
    slope = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(recent)) / spread
    return [max(0.0, mean_y + slope * (n - 1 + k - mean_x)) for k in range(1, ahead + 1)]


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _unit(largest: int) -> tuple[str, float]:
    """The unit the chart counts in, so the bars read as plain numbers."""
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if largest >= scale:
            return unit, scale
    return "KB", 1e3


class StorageChart(QChartView):
    """Stacked bars (storage per tenant and month) and the forecast's bars after them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storageChart")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(180)
        self.months: list[date] = []
        self.predicted: list[float] = []
        self.show_usage([])

    def show_usage(self, usage: Sequence[MonthUsage]) -> None:
        """Draw ``usage`` (oldest month first)."""
        months = sorted({u.month for u in usage})
        tenants = sorted({u.tenant_name or NO_TENANT for u in usage})
        unit, scale = _unit(max((u.bytes for u in usage), default=0))
        by_key = {(u.tenant_name or NO_TENANT, u.month): u.bytes / scale for u in usage}
        totals = [sum(by_key.get((t, m), 0.0) for t in tenants) for m in months]
        self.predicted = forecast(totals) if months else []
        ahead: list[date] = []
        for _ in self.predicted:
            ahead.append(_next_month(ahead[-1] if ahead else months[-1]))
        self.months = months
        series = QStackedBarSeries()
        for tenant in tenants:
            bars = QBarSet(tenant)
            bars.append([by_key.get((tenant, m), 0.0) for m in months] + [0.0] * len(ahead))
            series.append(bars)
        if ahead:
            guess = QBarSet("Forecast")
            guess.setColor(QColor(160, 160, 160, 140))
            guess.append([0.0] * len(months) + self.predicted)
            series.append(guess)
        chart = QChart()
        chart.setTitle(
            f"Cloud storage per month ({unit}; * = forecast)"
            if months
            else "No recordings indexed yet"
        )
        chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        axis_x.append([f"{m:%m/%y}" for m in months] + [f"{m:%m/%y}*" for m in ahead])
        font = axis_x.labelsFont()
        font.setPointSizeF(font.pointSizeF() * 0.8)
        axis_x.setLabelsFont(font)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        axis_y = QValueAxis()
        axis_y.setLabelFormat("%.1f")
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        chart.legend().setVisible(bool(months))
        self.setChart(chart)
