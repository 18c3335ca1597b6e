"""The sandbox clock: stepped and scaled time, listeners, guards against naive or backward time."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import pytest

from zoomadmin.sandbox.clock import ClockError, SandboxClock

START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def test_stepped_clock_moves_only_when_told() -> None:
    clock = SandboxClock(START, speed=0)
    assert clock.now() == START
    assert clock.speed == 0
    clock.advance(timedelta(minutes=90))
    assert clock.now() == START + timedelta(minutes=90)
    clock.set(datetime(2025, 4, 1, tzinfo=UTC))
    assert clock.now() == datetime(2025, 4, 1, tzinfo=UTC)


def test_start_is_normalised_to_utc() -> None:
    clock = SandboxClock(datetime(2025, 3, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))), speed=0)
    assert clock.now() == START
    assert clock.now().tzinfo is UTC


def test_scaled_clock_runs_forward_from_start() -> None:
    clock = SandboxClock(START, speed=60.0)
    first = clock.now()
    second = clock.now()
    assert START <= first <= second


def test_speed_change_keeps_elapsed_time_and_freezes() -> None:
    clock = SandboxClock(START, speed=1000.0)
    clock.set_speed(0)
    frozen = clock.now()
    assert frozen >= START
    assert clock.now() == frozen


def test_listeners_run_after_each_change_and_see_new_time() -> None:
    clock = SandboxClock(START, speed=0)
    seen: list[datetime] = []

    def listener() -> None:
        seen.append(clock.now())

    clock.add_listener(listener)
    clock.advance(timedelta(hours=1))
    clock.set(START + timedelta(days=1))
    clock.set_speed(0)
    assert seen == [
        START + timedelta(hours=1),
        START + timedelta(days=1),
        START + timedelta(days=1),
    ]


@pytest.mark.parametrize("speed", [-1.0, math.nan, math.inf])
def test_bad_speed_is_refused(speed: float) -> None:
    with pytest.raises(ClockError, match="speed"):
        SandboxClock(START, speed=speed)


def test_naive_and_backward_times_are_refused() -> None:
    clock = SandboxClock(START, speed=0)
    with pytest.raises(ClockError, match="timezone-aware"):
        clock.set(datetime(2025, 1, 1))  # noqa: DTZ001 - the naive time is what is refused
    with pytest.raises(ClockError, match="forward"):
        clock.advance(timedelta(seconds=-1))
