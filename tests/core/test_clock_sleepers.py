"""The account's clock: sleepers wake when it moves, and a cancelled sleeper stops."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from zoomadmin.core.clock import AppClock, sleep_until

T0 = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


async def test_a_sleeper_wakes_when_a_standing_clock_is_stepped_past_its_time() -> None:
    clock = AppClock()
    clock.follow(T0, 0)
    sleeper = asyncio.ensure_future(sleep_until(clock, T0 + timedelta(seconds=1)))
    await asyncio.sleep(0.05)
    assert not sleeper.done()
    clock.follow(T0 + timedelta(seconds=1), 0)  # a one-second step of a standing clock
    await asyncio.wait_for(sleeper, 1)


async def test_a_sleeper_cancelled_just_as_the_clock_moves_is_cancelled() -> None:
    for _ in range(20):
        clock = AppClock()
        clock.follow(T0, 0)
        sleeper = asyncio.ensure_future(sleep_until(clock, T0 + timedelta(days=1)))
        for _ in range(3):
            await asyncio.sleep(0)
        clock.follow(T0 + timedelta(minutes=1), 0)  # wakes it ...
        await asyncio.sleep(0)
        sleeper.cancel()  # ... and the job is stopped in the same breath
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(sleeper, 1)
