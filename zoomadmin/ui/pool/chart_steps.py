"""The License Pool chart's arithmetic, Qt-free: its time range, hour ticks, step lines."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, tzinfo

from zoomadmin.ui.common.dates import local_zone

Steps = list[tuple[datetime, int]]
TICK_STEPS = (1, 2, 3, 4, 6, 12)
MOST_TICKS = 12


def chart_range(
    now: datetime, zone: tzinfo | None = None, back: int = 3
) -> tuple[datetime, datetime]:
    """From at least ``back`` hours before ``now`` to the end of its day here (and at least
    four hours on), on the hour in ``zone`` (default: this computer's), the start moved back
    so the hours split into whole steps of the axis's ticks (:func:`hour_ticks`)."""
    place = zone or local_zone()
    here = now.astimezone(place)
    start = (here - timedelta(hours=back)).replace(minute=0, second=0, microsecond=0)
    midnight = (here + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    soon = (here + timedelta(hours=4)).replace(minute=0, second=0, microsecond=0)
    end = max(midnight, soon + timedelta(hours=1)).astimezone(UTC)
    first = start.astimezone(UTC)
    hours = math.ceil((end - first).total_seconds() / 3600)
    step = tick_step(hours)
    return end - timedelta(hours=math.ceil(hours / step) * step), end


def tick_step(hours: int) -> int:
    """Hours between the axis's labels: at most :data:`MOST_TICKS` steps of 1 to 12."""
    return next((s for s in TICK_STEPS if hours / s <= MOST_TICKS), TICK_STEPS[-1])


def hour_ticks(start: datetime, end: datetime) -> tuple[datetime, int]:
    """The axis's end moved on to a whole number of tick steps (if it is not already), and
    its tick count."""
    hours = max(1, math.ceil((end - start).total_seconds() / 3600))
    step = tick_step(hours)
    steps = math.ceil(hours / step)
    return start + timedelta(hours=steps * step), steps + 1


def steps_between(points: Sequence[tuple[datetime, int]], start: datetime, end: datetime) -> Steps:
    """A step line of ``points`` ((moment, value from then on), oldest first) from ``start``
    to ``end``: the value before the first point is 0, each change a vertical step, and a
    change at ``end`` itself still counts (the seats held now, at the now-line)."""
    value = 0
    for moment, held in points:
        if moment <= start:
            value = held
    out: Steps = [(start, value)]
    for moment, held in points:
        if start < moment <= end and held != value:
            out += [(moment, value), (moment, held)]
            value = held
    if out[-1][0] != end:
        out.append((end, value))
    return out
