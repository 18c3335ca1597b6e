"""What every event source offers: ``run(sink)`` until cancelled, and a connection state."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from zoomadmin.zoom.events.model import Event

log = logging.getLogger(__name__)

#: Where a source hands each event; awaited, so a slow consumer slows the source down.
EventSink = Callable[[Event], Awaitable[None]]


class SourceState(StrEnum):
    """Where a source stands, as the status bar shows it."""

    STARTING = "starting"
    CONNECTED = "connected"  # receiving (a WebSocket is open, a receiver listens)
    RECONNECTING = "reconnecting"  # lost the connection; retrying after ``retry_in`` s
    POLLING = "polling"  # the poller is running
    FAILED = "failed"  # will not work without someone changing something (``detail`` says what)
    STOPPED = "stopped"


@dataclass(frozen=True)
class SourceStatus:
    """One source's state, with the seconds until the next try and a plain-words detail."""

    source: str
    state: SourceState
    retry_in: float | None = None
    detail: str = ""

    def describe(self) -> str:
        """Short words for a status bar: ``connected``, ``reconnecting in 4 s``."""
        if self.state is SourceState.RECONNECTING and self.retry_in is not None:
            if self.retry_in <= 0:
                return "reconnecting"  # at once, e.g. with a renewed token
            return f"reconnecting in {max(1, round(self.retry_in))} s"
        return str(self.state.value)


StatusListener = Callable[[SourceStatus], None]


class EventSource(Protocol):
    """A source of :class:`Event` s.

    ``run(sink)`` delivers events by awaiting ``sink(event)`` and returns only when the source
    cannot go on (its status is then FAILED or STOPPED); cancel the task to stop it. State
    changes go to listeners added with ``add_status_listener`` (plain callables, Qt-free; they
    run on the event loop and must not block).
    """

    name: str

    @property
    def status(self) -> SourceStatus:
        """The current state."""
        ...

    def add_status_listener(self, listener: StatusListener) -> None:
        """Call ``listener`` on every state change."""
        ...

    async def run(self, sink: EventSink) -> None:
        """Deliver events to ``sink`` until cancelled."""
        ...


class StatusNotifier:
    """Holds one source's status and tells listeners when it changes (a mixin for sources)."""

    def __init__(self, name: str) -> None:
        """Start in STARTING state, as source ``name``."""
        self.name = name
        self._status = SourceStatus(name, SourceState.STARTING)
        self._listeners: list[StatusListener] = []

    @property
    def status(self) -> SourceStatus:
        """The current state."""
        return self._status

    def add_status_listener(self, listener: StatusListener) -> None:
        """Call ``listener`` on every state change."""
        self._listeners.append(listener)

    def _set_status(
        self, state: SourceState, *, retry_in: float | None = None, detail: str = ""
    ) -> None:
        status = SourceStatus(self.name, state, retry_in, detail)
        if status == self._status:
            return
        self._status = status
        for listener in list(self._listeners):
            try:
                listener(status)
            except Exception:  # a broken listener must not stop the events
                log.exception("Event source status listener failed")
