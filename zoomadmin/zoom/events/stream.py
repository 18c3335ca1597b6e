"""``EventStream``: merges event sources, delivers each real-world event once, sums up state."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from zoomadmin.zoom.events.cache import ExpiringSet
from zoomadmin.zoom.events.model import Event
from zoomadmin.zoom.events.poller import Poller
from zoomadmin.zoom.events.source import EventSink, EventSource, SourceState, SourceStatus
from zoomadmin.zoom.events.subscribers import SubscriberHealth, Subscription

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StreamStatus:
    """The whole stream's state for a status bar: ``text`` to show, ``detail`` for a tooltip.

    ``text`` is one of ``starting``, ``connected``, ``reconnecting in N s``, ``polling only``,
    ``failed`` or ``stopped``; ``pushed`` is True while a push source (WebSocket, webhook)
    is receiving. ``handlers`` lists the subscribers that failed or fell behind (their
    words are in ``detail`` too).
    """

    text: str
    pushed: bool
    detail: str
    sources: tuple[SourceStatus, ...]
    handlers: tuple[SubscriberHealth, ...] = ()

    @property
    def handler_failed(self) -> bool:
        """Whether an event handler raised (the status bar can say so)."""
        return any(h.failures for h in self.handlers)


StreamListener = Callable[[StreamStatus], None]


def _summary(push: list[SourceStatus], poll: SourceStatus | None) -> tuple[str, str]:
    failing = "; ".join(s.detail for s in push if s.detail and s.state is not SourceState.CONNECTED)
    if any(s.state is SourceState.CONNECTED for s in push):
        return "connected", failing
    waiting = [s for s in push if s.state is SourceState.RECONNECTING]
    if waiting:
        return min(waiting, key=lambda s: s.retry_in or 0).describe(), failing
    if poll is not None and poll.state is SourceState.POLLING:
        return "polling only", failing or poll.detail
    states = {s.state for s in push} | ({poll.state} if poll else set())
    if SourceState.STARTING in states:
        return "starting", failing
    if SourceState.FAILED in states:
        return "failed", failing
    return "stopped", failing


class EventStream:
    """Runs every source (and the poller), and hands each event once to every subscriber.

    Reports of one real-world event (the WebSocket's, a webhook duplicate, the poller's) share
    a dedupe key; keys are remembered for ``dedupe_ttl`` seconds, at most ``max_keys``.
    When a push source (re)connects, the poller catches up at once, since Zoom does not
    replay what happened while the connection was down.

    Subscribers are ``async`` callables, each fed in order from its own queue of at most
    ``queue_size`` events by its own task, so a slow one delays neither the sources nor the
    other subscribers. One that raises is logged and reported (:attr:`subscriber_failures`,
    and the status's ``detail``), and gets the next events; one that falls ``queue_size``
    events behind loses the oldest, with a warning. :meth:`drain` waits until every
    subscriber has handled what was delivered.
    """

    def __init__(
        self,
        sources: Sequence[EventSource],
        poller: Poller | None = None,
        *,
        dedupe_ttl: float = 6 * 3600.0,
        max_keys: int = 50_000,
        queue_size: int = 1000,
    ) -> None:
        """Merge ``sources`` and ``poller`` (either may be absent, not both)."""
        if not sources and poller is None:
            raise ValueError("An event stream needs at least one source or a poller.")
        self._sources = list(sources)
        self._poller = poller
        self._seen = ExpiringSet(dedupe_ttl, max_keys)
        self._queue_size = queue_size
        self._subscriptions: list[Subscription] = []
        self._listeners: list[StreamListener] = []
        self.delivered = 0
        self.duplicates = 0
        for source in self._sources:
            source.add_status_listener(self._on_source_status)
        if poller is not None:
            poller.add_status_listener(self._on_source_status)
        self._status = self._compute()

    @property
    def status(self) -> StreamStatus:
        """The current overall state."""
        return self._status

    @property
    def subscriber_failures(self) -> tuple[SubscriberHealth, ...]:
        """Every subscriber that raised or fell behind, with counts and the last error."""
        return tuple(s.health for s in self._subscriptions if s.health.failures or s.health.dropped)

    def subscribe(self, callback: EventSink) -> Callable[[], None]:
        """Have ``callback`` awaited with every new event; returns the unsubscribe function.

        Its task starts now when a loop is running, else when :meth:`run` starts (or the
        first event arrives). Unsubscribing cancels it; calling it again does nothing.
        """
        subscription = Subscription(callback, self._queue_size, self._publish)
        self._subscriptions.append(subscription)
        if _loop_running():
            subscription.start()

        def unsubscribe() -> None:
            if subscription in self._subscriptions:
                self._subscriptions.remove(subscription)
                subscription.cancel()
                self._publish()

        return unsubscribe

    def add_status_listener(self, listener: StreamListener) -> None:
        """Call ``listener`` with the new :class:`StreamStatus` whenever it changes."""
        self._listeners.append(listener)

    async def run(self) -> None:
        """Run every source until cancelled (a source that fails leaves the others running)."""
        runners: list[EventSource] = [*self._sources]
        if self._poller is not None:
            runners.append(self._poller)
        for subscription in self._subscriptions:
            subscription.start()
        try:
            # _run_one never raises: the group ends when cancelled, cancelling every source.
            async with asyncio.TaskGroup() as group:
                for source in runners:
                    group.create_task(self._run_one(source), name=f"events-{source.name}")
        finally:
            # Stopped streams deliver nothing more: no handler runs on after the client closes.
            await self.aclose()

    async def drain(self) -> None:
        """Wait until every subscriber has handled every event delivered so far."""
        for subscription in list(self._subscriptions):
            await subscription.drain()

    async def aclose(self) -> None:
        """Cancel every subscriber's task and forget the events still queued for it."""
        await asyncio.gather(*(s.stop() for s in list(self._subscriptions)))

    async def _run_one(self, source: EventSource) -> None:
        try:
            await source.run(self._sink)
        except Exception:  # a bug in one source must not silence the others
            log.exception("Event source %s crashed", source.name)

    async def _sink(self, event: Event) -> None:
        await self.deliver(event)

    async def deliver(self, event: Event) -> bool:
        """Queue ``event`` for every subscriber unless already delivered; True if it was new.

        Returns at once: each subscriber's task handles it in its own time.
        """
        if not self._seen.add(event.dedupe_key):
            self.duplicates += 1
            log.debug("Dropped %s from %s: already delivered", event.kind, event.source)
            return False
        self.delivered += 1
        if self._poller is not None and event.source != "poller":
            self._poller.observe(event)
        for subscription in self._subscriptions:
            subscription.start()
            subscription.put(event)
        return True

    def _on_source_status(self, status: SourceStatus) -> None:
        if status.state is SourceState.CONNECTED and self._poller is not None:
            self._poller.catch_up()
        self._publish()

    def _publish(self) -> None:
        """Tell the listeners when the overall status changed."""
        new = self._compute()
        if new == self._status:
            return
        self._status = new
        for listener in list(self._listeners):
            try:
                listener(new)
            except Exception:  # a broken status bar must not stop the events
                log.exception("Event stream status listener failed")

    def _compute(self) -> StreamStatus:
        push = [s.status for s in self._sources]
        poll = self._poller.status if self._poller is not None else None
        text, detail = _summary(push, poll)
        everything = tuple(push) + ((poll,) if poll is not None else ())
        handlers = self.subscriber_failures
        if handlers:
            words = [detail, *(h.describe() for h in handlers)]
            detail = "; ".join(w for w in words if w) + ". See the log for details."
        return StreamStatus(text, text == "connected", detail, everything, handlers)


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
