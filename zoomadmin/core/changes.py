"""What changed, told after each commit: kinds and ids, from this process or another."""

from __future__ import annotations

import enum
import logging
import os
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass

log = logging.getLogger(__name__)


class ChangeKind(enum.StrEnum):
    """The kinds of thing a screen shows and may need to read again."""

    TENANTS = "tenants"
    HOSTS = "hosts"
    SESSIONS = "sessions"
    QUOTA = "quota"
    """A host's meeting requests today (ids are Zoom user ids)."""
    QUEUE = "queue"
    """The schedule queue's intents (ids are intent ids)."""
    RECORDINGS = "recordings"
    """Recorded meetings in the index or their files' local copies (ids are meeting uuids)."""
    JOBS = "jobs"
    """The state of the always-on work (ids are job names)."""
    SYNC = "sync"
    """A sync with Zoom started, made progress or ended (read ``SyncService.activity``)."""
    POOL = "pool"
    """The license pool's picture: a seat moved, an alert raised or cleared."""
    SETTINGS = "settings"
    """Hosts' settings as read from Zoom, or a tenant's policy (ids are host ids)."""


ChangeId = int | str


@dataclass(frozen=True)
class Change:
    """``kind`` things changed: those with ``ids``, or all of them when ``ids`` is empty."""

    kind: ChangeKind
    ids: frozenset[ChangeId] = frozenset()
    origin: str = ""
    """Which process made the change (``host:pid``); every bus stamps its own."""

    @classmethod
    def of(cls, kind: ChangeKind, ids: Iterable[ChangeId] = ()) -> Change:
        """A change of ``kind`` for ``ids`` (none: everything of that kind)."""
        return cls(kind, frozenset(ids))

    @property
    def everything(self) -> bool:
        """Whether every thing of this kind may have changed."""
        return not self.ids


ChangeListener = Callable[[Change], None]


def process_origin() -> str:
    """This process, as ``host:pid`` (how changes from other desks are told apart)."""
    return f"{socket.gethostname()}:{os.getpid()}"


class ChangeBus:
    """Services and jobs publish what they committed; screens and other processes listen.

    Listeners are called at once, in the order they subscribed, on the thread that publishes
    (the event loop's): they must only note the change (a screen coalesces and refreshes
    later). A listener that raises is logged and the others still hear the change. Changes
    another process made (a shared database's notifications) come in through
    :meth:`receive` with their own origin, so a screen treats them the same way.
    """

    def __init__(self, origin: str | None = None) -> None:
        self.origin = origin or process_origin()
        self._listeners: list[ChangeListener] = []
        self._forwarders: list[ChangeListener] = []

    def subscribe(self, listener: ChangeListener) -> Callable[[], None]:
        """Hear every change from now on; returns the function that stops it."""
        self._listeners.append(listener)
        return lambda: self._drop(self._listeners, listener)

    def forward_to(self, forwarder: ChangeListener) -> Callable[[], None]:
        """Also hand this process's own changes to ``forwarder`` (to tell other processes)."""
        self._forwarders.append(forwarder)
        return lambda: self._drop(self._forwarders, forwarder)

    def publish(self, kind: ChangeKind, ids: Iterable[ChangeId] = ()) -> Change:
        """Tell everyone that ``kind`` things with ``ids`` (none: all) were just committed."""
        change = Change(kind, frozenset(ids), self.origin)
        self._tell(self._listeners, change)
        self._tell(self._forwarders, change)
        return change

    def receive(self, change: Change) -> None:
        """A change another process made (never forwarded again)."""
        if change.origin != self.origin:
            self._tell(self._listeners, change)

    @staticmethod
    def _tell(listeners: list[ChangeListener], change: Change) -> None:
        for listener in list(listeners):
            try:
                listener(change)
            except Exception:  # one broken screen must not keep the change from the others
                log.exception("A change listener failed on %s", change.kind)

    @staticmethod
    def _drop(listeners: list[ChangeListener], listener: ChangeListener) -> None:
        if listener in listeners:
            listeners.remove(listener)


def coalesce(changes: Iterable[Change]) -> dict[ChangeKind, frozenset[ChangeId] | None]:
    """A burst of changes folded per kind: the ids that changed, or None for "everything"."""
    folded: dict[ChangeKind, frozenset[ChangeId] | None] = {}
    for change in changes:
        if change.kind in folded and folded[change.kind] is None:
            continue
        if change.everything:
            folded[change.kind] = None
        else:
            folded[change.kind] = (folded.get(change.kind) or frozenset()) | change.ids
    return folded
