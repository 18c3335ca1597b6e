"""Keeps the hosts table current: Zoom's events refresh rows, timers refresh today's quota."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from zoomadmin.services.hosts import HostService
from zoomadmin.ui.async_runner import AsyncRunner
from zoomadmin.ui.hosts_panel import HostsPanel
from zoomadmin.zoom.events.model import Event, EventKind
from zoomadmin.zoom.events.stream import EventStream

log = logging.getLogger(__name__)

QUOTA_REFRESH_MS = 60_000
MAX_TIMER_MS = 2**31 - 1
HOST_EVENTS = frozenset(
    {EventKind.USER_UPDATED, EventKind.MEETING_STARTED, EventKind.MEETING_ENDED}
)


class Clock(Protocol):
    """What the timers need of ``AppClock``: the app's "now" and how fast it runs."""

    @property
    def speed(self) -> float:
        """App seconds per real second."""
        ...

    def now(self) -> datetime:
        """The app's current time (aware UTC)."""
        ...


def ms_until_utc_midnight(clock: Clock) -> int:
    """Real milliseconds until 00:00 UTC on the app clock (which may run fast)."""
    now = clock.now().astimezone(UTC)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
    real = (midnight - now).total_seconds() / max(clock.speed, 1e-6)
    return max(1, min(MAX_TIMER_MS, int(real * 1000) + 1))


class HostsLiveUpdates(QObject):
    """Refreshes hosts in place from ``user.updated`` and ``meeting.started/ended`` events,
    and the "requests today" cells every minute and at 00:00 UTC (when Zoom resets them).

    Events arrive on the event loop, which is the GUI thread under qasync, so rows change
    directly; the subscription ends when this object is destroyed.
    """

    host_refreshed = Signal(int)
    """A host's row was re-read after an event (its host id)."""
    sessions_moved = Signal()
    """A meeting started or ended: coming-session counts changed."""

    def __init__(
        self,
        panel: HostsPanel,
        *,
        hosts: HostService,
        runner: AsyncRunner,
        clock: Clock | None = None,
        events: EventStream | None = None,
    ) -> None:
        super().__init__(panel)
        self._panel = panel
        self._hosts = hosts
        self._runner = runner
        self._clock = clock
        self._every_minute = QTimer(self)
        self._every_minute.setInterval(QUOTA_REFRESH_MS)
        self._every_minute.timeout.connect(self.refresh_quota)
        self._midnight = QTimer(self)
        self._midnight.setSingleShot(True)
        self._midnight.timeout.connect(self._on_midnight)
        self._unsubscribe: Callable[[], None] | None = None
        if events is not None:
            self._unsubscribe = events.subscribe(self._on_event)
            self.destroyed.connect(lambda _=None: self._stop_listening())

    def start_timers(self) -> None:
        """Refresh every minute, and at the next 00:00 UTC of the app clock."""
        self._every_minute.start()
        if self._clock is not None:
            self._midnight.start(ms_until_utc_midnight(self._clock))

    def _stop_listening(self) -> None:
        unsubscribe, self._unsubscribe = self._unsubscribe, None
        if unsubscribe is not None:
            with contextlib.suppress(ValueError):  # already gone
                unsubscribe()

    def _on_midnight(self) -> None:
        self.refresh_quota()
        if self._clock is not None:
            self._midnight.start(ms_until_utc_midnight(self._clock))

    def refresh_quota(self) -> None:
        """Re-read today's request counts and update the quota cells that changed."""
        self._runner.run(self._hosts.quota_today(), on_done=self._show_quota)

    def _show_quota(self, quota: dict[str, tuple[int, int]]) -> None:
        if shiboken6.isValid(self._panel):
            self._panel.model.set_quota(quota)

    async def _on_event(self, event: Event) -> None:
        if event.kind not in HOST_EVENTS or not shiboken6.isValid(self._panel):
            return
        zoom_id = event.user_id if event.kind is EventKind.USER_UPDATED else event.host_id
        if not zoom_id:
            return
        if event.kind is EventKind.USER_UPDATED:
            host_id = await self._hosts.refresh_from_zoom(zoom_id)
        else:
            host_id = await self._hosts.host_id_of(zoom_id)
        if host_id is not None:
            row = await self._hosts.row(host_id)
            if not shiboken6.isValid(self._panel):
                return
            self._panel.model.upsert(row)
            self.host_refreshed.emit(host_id)
        if event.kind is not EventKind.USER_UPDATED:
            self.sessions_moved.emit()
