"""Keeps the hosts table current from the change bus, and today's quota on the account's clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from zoomadmin.core.changes import ChangeBus, ChangeKind
from zoomadmin.core.clock import Clock
from zoomadmin.services.hosts import HostRow, HostService
from zoomadmin.ui.common.async_runner import AsyncRunner
from zoomadmin.ui.common.change_listener import ChangeListener, Folded
from zoomadmin.ui.tenants.hosts_panel import HostsPanel

QUOTA_REFRESH_MS = 60_000
MAX_TIMER_MS = 2**31 - 1
HEARD = frozenset(
    {ChangeKind.HOSTS, ChangeKind.TENANTS, ChangeKind.SESSIONS, ChangeKind.QUOTA, ChangeKind.SYNC}
)


def ms_until_utc_midnight(clock: Clock) -> int:
    """Real milliseconds until 00:00 UTC on the app clock (which may run fast)."""
    now = clock.now().astimezone(UTC)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
    real = (midnight - now).total_seconds() / max(clock.speed, 1e-6)
    return max(1, min(MAX_TIMER_MS, int(real * 1000) + 1))


class HostsLiveUpdates(QObject):
    """Refreshes just the hosts that changed (by whoever changed them: this window, a job
    reacting to Zoom's events, another desk), and the "requests today" cells every minute
    and at 00:00 UTC (when Zoom resets them).
    """

    host_refreshed = Signal(int)
    """A host's row was re-read after a change (its host id)."""
    hosts_reload_needed = Signal()
    """Every host may have changed (a sync): reload the whole table."""
    tenants_changed = Signal()
    """Tenants or their counts changed: re-read the tenants list."""
    minute_passed = Signal()
    """A minute went by (relative times move on)."""
    sync_changed = Signal()
    """A sync started, progressed or ended (``SyncService.activity``)."""

    def __init__(
        self,
        panel: HostsPanel,
        *,
        hosts: HostService,
        runner: AsyncRunner,
        clock: Clock | None = None,
        changes: ChangeBus | None = None,
    ) -> None:
        super().__init__(panel)
        self._panel = panel
        self._hosts = hosts
        self._runner = runner
        self._clock = clock
        self._every_minute = QTimer(self)
        self._every_minute.setInterval(QUOTA_REFRESH_MS)
        self._every_minute.timeout.connect(self.refresh_quota)
        self._every_minute.timeout.connect(self.minute_passed)
        self._midnight = QTimer(self)
        self._midnight.setSingleShot(True)
        self._midnight.timeout.connect(self._on_midnight)
        self.listener: ChangeListener | None = None
        if changes is not None:
            self.listener = ChangeListener(changes, HEARD, self)
            self.listener.changes_arrived.connect(self._on_changes)

    def start_timers(self) -> None:
        """Refresh every minute, and at the next 00:00 UTC of the app clock."""
        self._every_minute.start()
        if self._clock is not None:
            self._midnight.start(ms_until_utc_midnight(self._clock))

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

    def _on_changes(self, folded: Folded) -> None:
        if ChangeKind.SYNC in folded:
            self.sync_changed.emit()
        if ChangeKind.TENANTS in folded or ChangeKind.SESSIONS in folded:
            self.tenants_changed.emit()
        if ChangeKind.QUOTA in folded:
            self.refresh_quota()
        if ChangeKind.HOSTS not in folded:
            return
        ids = folded[ChangeKind.HOSTS]
        if ids is None:
            self.hosts_reload_needed.emit()
            return
        host_ids = [i for i in ids if isinstance(i, int)]
        self._runner.run(
            self._hosts.rows_for(host_ids), on_done=lambda rows: self._show(host_ids, rows)
        )

    def _show(self, host_ids: list[int], rows: list[HostRow]) -> None:
        if not shiboken6.isValid(self._panel):
            return
        model = self._panel.model
        found = {r.host.id for r in rows}
        for row in rows:
            model.upsert(row)
            self.host_refreshed.emit(row.host.id)
        for gone in set(host_ids) - found:
            if model.row_of(gone) is not None:
                model.remove(gone)
