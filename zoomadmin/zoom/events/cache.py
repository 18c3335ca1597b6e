"""A bounded set of recently seen keys that forgets them after a time (dedupe, replays)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable


class ExpiringSet:
    """Keys remembered for ``ttl`` seconds, at most ``max_size`` of them (oldest go first)."""

    def __init__(
        self, ttl: float, max_size: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Remember keys for ``ttl`` seconds on ``clock``; never more than ``max_size``."""
        self._ttl = ttl
        self._max = max_size
        self._clock = clock
        self._items: OrderedDict[str, float] = OrderedDict()

    def __len__(self) -> int:
        self._expire()
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        self._expire()
        return key in self._items

    def add(self, key: str) -> bool:
        """Remember ``key``; False if it was already there (it is not refreshed then)."""
        self._expire()
        if key in self._items:
            return False
        self._items[key] = self._clock() + self._ttl
        while len(self._items) > self._max:
            self._items.popitem(last=False)
        return True

    def _expire(self) -> None:
        now = self._clock()
        while self._items:
            key, expires = next(iter(self._items.items()))
            if expires > now:
                return
            del self._items[key]
