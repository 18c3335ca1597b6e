"""One subscriber of an event stream: its own bounded queue, its own task, its own health."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from zoomadmin.zoom.events.model import Event
from zoomadmin.zoom.events.source import EventSink

log = logging.getLogger("zoomadmin.zoom.events.stream")

#: How much of a handler's last error a status tooltip shows (the log has all of it).
ERROR_CHARS = 200
#: A stuck handler's drops are logged at the first and then every this many.
DROP_LOG_EVERY = 100


@dataclass(frozen=True)
class SubscriberHealth:
    """What went wrong for one subscriber: handler failures, and events dropped while stuck."""

    name: str
    failures: int
    last_error: str
    dropped: int

    def describe(self) -> str:
        """Plain words for a tooltip."""
        parts = []
        if self.failures:
            times = "once" if self.failures == 1 else f"{self.failures} times"
            parts.append(f"An event handler failed {times} ({self.name}; last: {self.last_error})")
        if self.dropped:
            parts.append(
                f"{self.dropped} events dropped for a handler that fell behind ({self.name})"
            )
        return "; ".join(parts)


def _name_of(callback: EventSink) -> str:
    return str(getattr(callback, "__qualname__", None) or type(callback).__qualname__)


class Subscription:
    """Delivers events to ``callback`` in order from a queue of at most ``size`` events.

    ``put`` never waits: when the queue is full (the callback is stuck) the oldest waiting
    event is dropped with a warning. The consumer task starts on the running loop with
    :meth:`start`; ``on_problem`` is called after each failure or drop.
    """

    def __init__(self, callback: EventSink, size: int, on_problem: Callable[[], None]) -> None:
        self.callback = callback
        self.name = _name_of(callback)
        self._queue: asyncio.Queue[Event] = asyncio.Queue(size)
        self._on_problem = on_problem
        self._task: asyncio.Task[None] | None = None
        self.failures = 0
        self.last_error = ""
        self.dropped = 0

    @property
    def health(self) -> SubscriberHealth:
        """This subscriber's failures and drops so far."""
        return SubscriberHealth(self.name, self.failures, self.last_error, self.dropped)

    def start(self) -> None:
        """Start the consumer task on the running loop, unless it is running (needs a loop)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(
                self._consume(), name=f"events-to-{self.name}"
            )

    def put(self, event: Event) -> None:
        """Queue ``event`` for the callback; drop the oldest queued event when full."""
        if self._queue.full():
            oldest = self._queue.get_nowait()
            self._queue.task_done()
            self.dropped += 1
            if self.dropped == 1 or self.dropped % DROP_LOG_EVERY == 0:
                log.warning(
                    "Event handler %s is behind: dropped %s (%d dropped so far)",
                    self.name,
                    oldest.kind,
                    self.dropped,
                )
            self._on_problem()
        self._queue.put_nowait(event)

    async def drain(self) -> None:
        """Wait until every queued event has been handled."""
        self.start()
        await self._queue.join()

    async def stop(self) -> None:
        """Cancel the consumer (an event being handled is cut short) and forget queued events."""
        task, self._task = self._task, None
        if task is not None and not task.get_loop().is_closed():
            task.cancel()
            if task.get_loop() is asyncio.get_running_loop():
                await asyncio.gather(task, return_exceptions=True)
        self._discard_queued()

    def cancel(self) -> None:
        """Like :meth:`stop` without waiting (for a plain, synchronous unsubscribe)."""
        task, self._task = self._task, None
        if task is not None and not task.get_loop().is_closed():
            task.cancel()
        self._discard_queued()

    def _discard_queued(self) -> None:
        while not self._queue.empty():
            self._queue.get_nowait()
            self._queue.task_done()

    async def _consume(self) -> None:
        while True:
            event = await self._queue.get()
            try:
                await self.callback(event)
            except Exception as exc:  # one handler's bug must not cost it the next events
                self.failures += 1
                self.last_error = f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]
                log.exception("Event handler %s failed on %s", self.name, event.kind)
                self._on_problem()
            finally:
                self._queue.task_done()
