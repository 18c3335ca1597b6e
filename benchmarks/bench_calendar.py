"""Benchmark: the Calendar tab's painted views with many sessions (offscreen).

1. The month view with 5,000 sessions in its six weeks: laying them out and one full paint
   (target: the paint under 100 ms), against the same paint of an empty month in the same
   run (what drawing the grid alone costs).
2. The week view with the week's share of them: scrolling the hour grid in steps of 40 px,
   each step painted at once (target: no repaint over 16 ms, one frame at 60 Hz); the slowest
   and the median step, against the empty week's. The view draws its 24 hours once per change
   of what is shown (sessions, size, clock, colours) and a scroll copies from that picture;
   the cost of drawing it is printed too.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_calendar.py [--sessions 5000]``
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget

from zoomadmin.services.calendar import CalendarSession
from zoomadmin.ui.calendar.layout import View, period
from zoomadmin.ui.calendar.views import MonthGrid, TimeGridView

ZONE = ZoneInfo("Europe/London")
MONTH = date(2026, 3, 1)
TARGET_MONTH_MS = 100.0
TARGET_FRAME_MS = 16.0


def sessions(count: int, first: date, days: int, seed: int = 0) -> list[CalendarSession]:
    """``count`` sessions over ``days`` days: 200 hosts, school hours, 40 to 90 minutes."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        day = first + timedelta(days=rng.randrange(days))
        start = datetime(
            day.year,
            day.month,
            day.day,
            rng.randrange(7, 19),
            rng.choice((0, 15, 30, 45)),
            tzinfo=ZONE,
        )
        out.append(
            CalendarSession(
                start.astimezone(UTC),
                rng.choice((40, 50, 60, 90)),
                f"Session {n}",
                host_id=n % 200,
                host_email=f"teach+{n % 200}@school.example",
                tenant_id=1 + n % 7,
                timezone="Europe/London",
                status=rng.choice(("available", "queued", "waiting")),
                meeting_id=10_000 + n,
            )
        )
    return out


def _paint_ms(widget: QWidget) -> float:
    """One full paint of ``widget`` into a pixmap (``grab`` runs its paintEvent now; the
    offscreen platform skips a plain ``repaint`` of a window nobody sees)."""
    began = time.perf_counter()
    widget.grab()
    return (time.perf_counter() - began) * 1000


def month_round(count: int) -> tuple[float, float, float]:
    """Layout, paint and empty paint of the month view (milliseconds)."""
    first, days = period(View.MONTH, MONTH)
    grid = MonthGrid()
    grid.resize(1280, 760)
    grid.show()
    grid.set_now(datetime(2026, 3, 16, 10, tzinfo=UTC))
    empty = []
    for _ in range(3):
        grid.show_month([], first, MONTH, ZONE)
        empty.append(_paint_ms(grid))
    many = sessions(count, first, days)
    began = time.perf_counter()
    grid.show_month(many, first, MONTH, ZONE)
    layout = (time.perf_counter() - began) * 1000
    paints = [_paint_ms(grid) for _ in range(5)]
    grid.close()
    return layout, statistics.median(paints), statistics.median(empty)


def week_round(count: int) -> tuple[float, float, float, float, float]:
    """Slowest and median scroll step with the week's sessions, and the same when empty;
    and the whole day's picture drawn after a change of what is shown."""
    first, days = period(View.WEEK, MONTH + timedelta(days=15))
    view = TimeGridView()
    view.resize(1280, 700)
    view.show()
    figures = []
    for shown in ([], sessions(count * 7 // 42, first, days, seed=1)):
        view.columns.show_sessions(shown, first, days, ZONE)
        bar = view.area.verticalScrollBar()
        view.area.viewport().grab()  # the picture, drawn once per change (timed below)
        steps = []
        for value in range(0, bar.maximum(), 40):
            began = time.perf_counter()
            bar.setValue(value)
            view.area.viewport().grab()  # what the screen shows after the step
            steps.append((time.perf_counter() - began) * 1000)
        figures.append((max(steps), statistics.median(steps)))
    renders = []
    for _ in range(3):
        began = time.perf_counter()
        view.columns.invalidate()
        view.area.viewport().grab()
        renders.append((time.perf_counter() - began) * 1000)
    view.close()
    (empty_max, empty_median), (busy_max, busy_median) = figures
    return busy_max, busy_median, empty_max, empty_median, statistics.median(renders)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    """Run both rounds and print the figures against their targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=5000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    layout, paint, empty = month_round(args.sessions)
    print(
        f"month view, {args.sessions} sessions: layout {layout:.1f} ms, paint {paint:.1f} ms "
        f"(empty month {empty:.1f} ms) (target < {TARGET_MONTH_MS:.0f} ms) "
        f"{_verdict(paint < TARGET_MONTH_MS)}"
    )
    busy_max, busy_median, empty_max, empty_median, render = week_round(args.sessions)
    print(
        f"week view, {args.sessions * 7 // 42} sessions: scroll step slowest {busy_max:.1f} ms, "
        f"median {busy_median:.1f} ms (empty week {empty_max:.1f} / {empty_median:.1f} ms) "
        f"(target slowest < {TARGET_FRAME_MS:.0f} ms) {_verdict(busy_max < TARGET_FRAME_MS)}; "
        f"the whole day's picture after a change of what is shown: {render:.1f} ms"
    )
    del app


if __name__ == "__main__":
    main()
