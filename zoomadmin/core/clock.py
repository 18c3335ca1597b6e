"""Time inside zoomadmin: always aware UTC, and "now" may be the sandbox's fast clock."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

MAX_NAP = 30.0
"""Real seconds a sleeper waits at most before it looks at the clock again (its speed may
have changed, or the sandbox's time jumped)."""
JUMP = timedelta(seconds=1)
"""How far a new reading may be from where the clock was before sleepers look again."""


def utc_now() -> datetime:
    """The wall clock, aware, in UTC."""
    return datetime.now(UTC)


def next_utc_midnight(now: datetime) -> datetime:
    """The first 00:00 UTC after ``now`` (when Zoom resets each host's daily quota)."""
    day: date = now.astimezone(UTC).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


class Clock(Protocol):
    """What work that waits needs of a clock: "now" and how fast it runs."""

    @property
    def speed(self) -> float:
        """Clock seconds per real second."""
        ...

    def now(self) -> datetime:
        """The current time (aware UTC)."""
        ...


class AppClock:
    """ "Now" for one account: real UTC time, or the sandbox's clock while on the sandbox.

    Following the sandbox means extrapolating from the last reading at its speed, so a
    demo day passes in minutes when the sandbox runs at 60x.
    """

    def __init__(
        self,
        *,
        wall: Callable[[], datetime] = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._wall = wall
        self._monotonic = monotonic
        self._anchor: tuple[datetime, float] | None = None
        self._speed = 1.0
        self._moved: asyncio.Event | None = None

    @property
    def speed(self) -> float:
        """How many seconds of app time pass per real second."""
        return self._speed

    @property
    def follows_sandbox(self) -> bool:
        """Whether ``now()`` is the sandbox's time rather than the real one."""
        return self._anchor is not None

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        if self._anchor is None:
            return self._wall()
        at, mono = self._anchor
        return at + timedelta(seconds=(self._monotonic() - mono) * self._speed)

    def follow(self, now: datetime, speed: float) -> None:
        """Take ``now`` as the current time, moving ``speed`` times as fast as real time.

        When that is not where this clock already was (its speed changed, or its time jumped
        by more than :data:`JUMP`), everyone asleep on it (:func:`sleep_until`) looks again.
        """
        # A standing clock has no drift to allow for: any step is a move.
        moved = speed != self._speed or abs(now - self.now()) > (JUMP if speed else timedelta(0))
        self._anchor = (now.astimezone(UTC), self._monotonic())
        self._speed = speed
        if moved:
            self._wake_sleepers()

    def use_real_time(self) -> None:
        """Go back to the wall clock (a real Zoom account)."""
        moved = self._anchor is not None
        self._anchor = None
        self._speed = 1.0
        if moved:
            self._wake_sleepers()

    async def moved(self, within: float) -> None:
        """Return when the clock's speed or time is changed, or after ``within`` real seconds.

        The clock is used on one event loop's thread: :meth:`follow` and this alike.
        """
        if self._moved is None:
            self._moved = asyncio.Event()
        moved = self._moved
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancellation that
        # arrives just as the event is set, and a cancelled job would sleep on.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                await moved.wait()

    def _wake_sleepers(self) -> None:
        moved, self._moved = self._moved, None
        if moved is not None:
            moved.set()


def real_seconds_until(clock: Clock, when: datetime) -> float:
    """Real seconds until ``clock`` shows ``when`` at its current speed (0 if past)."""
    ahead = (when - clock.now()).total_seconds()
    return max(0.0, ahead / max(clock.speed, 1e-6))


async def sleep_until(clock: Clock, when: datetime) -> None:
    """Wait until ``clock`` shows ``when``, looking again at least every :data:`MAX_NAP`."""
    # Polling on purpose: a clock that is not told of its changes (the sandbox's own, in the
    # tests) is looked at again every MAX_NAP; an AppClock wakes its sleepers when it moves.
    while (wait := real_seconds_until(clock, when)) > 0:
        if isinstance(clock, AppClock):  # it says when it is changed: look again at once
            await clock.moved(min(wait, MAX_NAP))
        else:
            await asyncio.sleep(min(wait, MAX_NAP))
