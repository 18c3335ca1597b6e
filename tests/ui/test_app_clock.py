"""AppClock: the wall clock on a real account, the sandbox's (possibly fast) clock otherwise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from zoomadmin.core.clock import AppClock

WALL = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.value = 100.0

    def __call__(self) -> float:
        return self.value


def test_real_time_until_it_follows_the_sandbox_then_runs_at_its_speed() -> None:
    ticks = Ticks()
    clock = AppClock(wall=lambda: WALL, monotonic=ticks)
    assert clock.now() == WALL and not clock.follows_sandbox

    sandbox_now = datetime(2026, 9, 7, 8, 0, tzinfo=UTC)
    clock.follow(sandbox_now, 60.0)
    ticks.value += 60  # one real minute is a sandbox hour at 60x
    assert clock.now() == sandbox_now + timedelta(hours=1)
    assert clock.speed == 60.0

    clock.use_real_time()
    assert clock.now() == WALL and clock.speed == 1.0
