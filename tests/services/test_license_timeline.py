"""The License Pool chart's series: seats in use as the audit log's moves say, step by step."""

from __future__ import annotations

from datetime import datetime, timedelta

from pool_support import pool_day
from tenancy_support import Tenancy, store, tenancy

__all__ = ["store", "tenancy"]


def held_from(moves: list[tuple[datetime, str]], at: datetime) -> int:
    """Seats the pool's hosts held from ``at`` on, replaying the moves forward from none."""
    return sum(1 if to == "licensed" else -1 for when, to in moves if when <= at)


async def test_seats_in_use_step_up_at_each_attach_and_down_at_each_detach(
    tenancy: Tenancy,
) -> None:
    day = await pool_day(tenancy, hosts=4, seats=3, slots=2, per_slot=2)
    start = day.now()
    await day.run_until(day.over)
    entries = tenancy.store.audit.entries(object_type="license", limit=100)
    moves = sorted((e.at, e.new_value["to"]) for e in entries)
    assert len(moves) == 8  # two sessions a slot, each one attach and one detach
    timeline = await day.control.timeline(start, day.now() + timedelta(hours=1))
    points = list(timeline.in_use)
    assert points[0] == (start, 0) and points[-1][1] == 0
    assert [when for when, _ in points] == sorted(when for when, _ in points)
    for when, _to in moves:
        last_at_that_moment = [n for at, n in points if at == when][-1]
        assert last_at_that_moment == held_from(moves, when), when
    assert max(n for _, n in points) == 2  # both sessions of a slot held a seat at once
