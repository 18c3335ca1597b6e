"""The sandbox's clock: scaled or stepped sandbox time that the simulated world follows."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Listener = Callable[[], None]


class ClockError(ValueError):
    """A clock operation was given a value the clock cannot use."""


def _aware_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ClockError(f"sandbox time must be timezone-aware, got naive {value.isoformat()}")
    return value.astimezone(UTC)


class SandboxClock:
    """Sandbox time: real time scaled by ``speed``; with speed 0 it moves only when told.

    Thread-safe. Listeners run after every advance, set or speed change, outside the clock's
    lock, so the simulation can catch up synchronously (and may read ``now()``).
    """

    def __init__(self, start: datetime | None = None, speed: float = 1.0) -> None:
        self._lock = threading.RLock()
        self._base = _aware_utc(start) if start is not None else datetime.now(UTC)
        self._real_base = time.monotonic()
        self._speed = self._check_speed(speed)
        self._listeners: list[Listener] = []

    @staticmethod
    def _check_speed(speed: float) -> float:
        if not math.isfinite(speed) or speed < 0:
            raise ClockError(f"clock speed must be a finite number >= 0, got {speed!r}")
        return float(speed)

    def _rebase(self) -> None:
        """Fold elapsed real time into the base so speed or time changes apply from now on."""
        real = time.monotonic()
        self._base = self._now_locked(real)
        self._real_base = real

    def _now_locked(self, real: float) -> datetime:
        if self._speed == 0:
            return self._base
        return self._base + timedelta(seconds=(real - self._real_base) * self._speed)

    def now(self) -> datetime:
        """The current sandbox time (aware UTC)."""
        with self._lock:
            return self._now_locked(time.monotonic())

    @property
    def speed(self) -> float:
        """Sandbox seconds per real second; 0 means stepped (frozen between advances)."""
        with self._lock:
            return self._speed

    def set_speed(self, speed: float) -> None:
        """Change the speed from now on (0 freezes the clock)."""
        checked = self._check_speed(speed)
        with self._lock:
            self._rebase()
            self._speed = checked
        self._notify()

    def advance(self, delta: timedelta) -> None:
        """Move sandbox time forward by ``delta`` (never backward)."""
        if delta < timedelta(0):
            raise ClockError(f"the sandbox clock only moves forward, got {delta}")
        with self._lock:
            self._rebase()
            self._base += delta
        self._notify()

    def set(self, now: datetime) -> None:
        """Jump sandbox time to ``now`` (aware); moving backward is allowed but rarely wise."""
        target = _aware_utc(now)
        with self._lock:
            self._base = target
            self._real_base = time.monotonic()
        self._notify()

    def add_listener(self, listener: Listener) -> None:
        """Call ``listener()`` after every advance, set or speed change."""
        with self._lock:
            self._listeners.append(listener)

    def _notify(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener()
