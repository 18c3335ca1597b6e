"""The License Pool tab: the pool's seats over the day, who holds them and why, the moves.

Above: the pool's switch and summary and a banner with the current alerts. The chart shows
the seats in use against the pool's seats from a few hours back to the end of the day, the
plan's demand, now and the shortfalls. Below: the seats and why each is held, the moves to
come, the alerts and the history of moves (filterable). Staff attach and detach by hand
after a confirmation that says what the move affects. The tab reads again when the change
bus tells of the pool, hosts or sessions, and on a timer that follows the account's clock.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zoomadmin.core.changes import ChangeBus, ChangeKind
from zoomadmin.core.clock import Clock
from zoomadmin.core.errors import AppError
from zoomadmin.services.license_control import (
    LicenseControl,
    NextMove,
    PastMove,
    PoolStatus,
    PoolTimeline,
    SeatHolder,
)
from zoomadmin.ui.common.actions import tab_action
from zoomadmin.ui.common.async_runner import AsyncRunner
from zoomadmin.ui.common.change_listener import ChangeListener, Folded
from zoomadmin.ui.common.dates import local_zone
from zoomadmin.ui.common.empty_state import EmptyState
from zoomadmin.ui.common.toolbar import FittingToolBar
from zoomadmin.ui.pool import pool_words as words
from zoomadmin.ui.pool.chart_steps import chart_range
from zoomadmin.ui.pool.pool_lists import (
    ListPage,
    alerts_page,
    history_page,
    moves_page,
    seats_page,
)
from zoomadmin.ui.pool.pool_moves import StaffMoves
from zoomadmin.ui.pool.pool_notifier import PoolNotifier

if TYPE_CHECKING:
    from zoomadmin.ui.pool.pool_chart import PoolChart

HISTORY_FOR = timedelta(days=7)
"""How far back the history list reads the audit log."""
RELOAD_EVERY = timedelta(minutes=5)
"""Account-clock time after which the timer reads the pool again (news comes sooner on the
change bus)."""
TICK_MOST_MS = 30_000
TICK_LEAST_MS = 1_000
BANNER_LINES = 3
KINDS = frozenset({ChangeKind.POOL, ChangeKind.HOSTS, ChangeKind.SESSIONS})


class ChartHolder(QWidget):
    """Where the chart goes: QtCharts is imported when the first picture is drawn, so
    neither start-up nor the tab's first paint waits for it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(170)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.view: PoolChart | None = None

    def show_timeline(self, timeline: PoolTimeline, now: datetime) -> None:
        """Draw ``timeline`` (building the chart the first time)."""
        if self.view is None:
            from zoomadmin.ui.pool.pool_chart import PoolChart

            self.view = PoolChart(self)
            self._layout.addWidget(self.view)
        self.view.show_timeline(timeline, now)

    def set_now(self, now: datetime) -> None:
        """Move the now-line."""
        if self.view is not None:
            self.view.set_now(now)


class LicensePoolTab(QWidget):
    """The License Pool tab over the license controller (see the module)."""

    status_message = Signal(str)
    """A confirmation for the window's status bar ("teach+a-1@… got a paid seat.")."""

    def __init__(
        self,
        *,
        licenses: LicenseControl,
        runner: AsyncRunner,
        clock: Clock,
        changes: ChangeBus | None = None,
        notifier: PoolNotifier | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("licensePoolTab")
        self._licenses = licenses
        self._runner = runner
        self._clock = clock
        self._notifier = notifier
        self._ready = asyncio.Event()
        self._loading = False
        self._again = False
        self._stale = False
        self.status: PoolStatus | None = None
        self.timeline: PoolTimeline | None = None
        self.loaded_at: datetime | None = None
        self.problem = ""
        self.last_message = ""
        self.staff = StaffMoves(licenses, runner, self)
        self.staff.done.connect(self._done)
        self._build_actions()
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(self._tick_ms())
        self._timer.timeout.connect(self.tick)
        if changes is not None:
            self.listener = ChangeListener(changes, KINDS, self)
            self.listener.changes_arrived.connect(self._on_changes)

    # -- building ---------------------------------------------------------------------------

    def _action(
        self, text: str, keys: str, slot: Callable[[], None], icon_name: str = ""
    ) -> QAction:
        return tab_action(self, text, keys, slot, icon_name)

    def _build_actions(self) -> None:
        self.switch_action = self._action("Pool &on", "Ctrl+Shift+P", self.toggle_pool, "pool")
        self.switch_action.setCheckable(True)
        self.attach_action = self._action(
            "&Attach a seat…", "Ctrl+Shift+A", self.attach, "activate"
        )
        self.detach_action = self._action(
            "&Detach seat…", "Ctrl+Shift+D", self.detach, "deactivate"
        )
        self.refresh_action = self._action("&Refresh", "F5", self.reload, "refresh")
        self.find_action = self._action("&Find in history", "Ctrl+F", self.find_in_history)
        self.page_actions = [
            self._action(text, f"Alt+{n}", functools.partial(self.show_page, n - 1))
            for n, text in enumerate(("&Seats", "&Moves to come", "A&lerts", "&History"), 1)
        ]
        self.clear_filter_action = self._action("Clear the filter", "", self.clear_filter)
        self.detach_action.setEnabled(False)

    def _build_header(self) -> QHBoxLayout:
        self.state_badge = QLabel(self)
        self.state_badge.setObjectName("poolState")
        font = self.state_badge.font()
        font.setBold(True)
        self.state_badge.setFont(font)
        self.summary = QLabel("Reading the license pool…", self)
        self.summary.setObjectName("poolSummary")
        self.summary.setWordWrap(True)
        zone = local_zone()
        self.zone_note = QLabel(f"Times in this computer's zone ({_zone_name(zone)})", self)
        self.zone_note.setProperty("role", "hint")
        row = QHBoxLayout()
        row.addWidget(self.state_badge)
        row.addWidget(self.summary, 1)
        row.addWidget(self.zone_note)
        return row

    def _build(self) -> None:
        self.toolbar = FittingToolBar(self)
        self.toolbar.setObjectName("poolToolbar")
        for action in (self.switch_action, None, self.attach_action, self.detach_action, None):
            self.toolbar.addSeparator() if action is None else self.toolbar.addAction(action)
        self.toolbar.addAction(self.refresh_action)
        self.banner = QLabel(self)
        self.banner.setObjectName("poolBanner")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.hide()
        self.seats = seats_page(self)
        self.moves = moves_page(self)
        self.alerts = alerts_page(self)
        self.history = history_page(self)
        self.pages: list[ListPage] = [self.seats, self.moves, self.alerts, self.history]
        self.lists = QTabWidget(self)
        self.lists.setObjectName("poolLists")
        self.lists.setDocumentMode(True)
        for page in self.pages:
            self.lists.addTab(page, "")
        self.chart = ChartHolder(self)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.chart)
        self.splitter.addWidget(self.lists)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.loading = EmptyState(self)
        self.loading.show_loading("Reading the license pool…")
        self.body = QStackedWidget(self)
        self.body.addWidget(self.loading)
        self.body.addWidget(self.splitter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(self._build_header())
        layout.addWidget(self.banner)
        layout.addWidget(self.body, 1)
        self.seats.view.selectionModel().selectionChanged.connect(self._update_actions)
        self.moves.view.activated.connect(lambda _index: self.attach())
        self.seats.view.activated.connect(lambda _index: self.detach())
        if self.history.filter is not None:
            self.history.filter.textChanged.connect(lambda _text: self._show_history_state())
        self._show_switch(None)
        self._show_titles()

    # -- loading ----------------------------------------------------------------------------

    async def ready(self) -> None:
        """Return once the first picture of the pool (or why there is none) is shown."""
        await self._ready.wait()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        """Load on first show (and when news came while hidden); the timer runs meanwhile."""
        super().showEvent(event)
        if (not self._ready.is_set() or self._stale) and not self._loading:
            self.reload()
        self._timer.start()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        """No timer while the tab is not on screen."""
        super().hideEvent(event)
        self._timer.stop()

    def reload(self) -> None:
        """Read the pool's status, its chart and the history again."""
        self._stale = False
        if self._loading:
            self._again = True
            return
        self._loading = True
        self._runner.run(self._load(), on_error=self._on_load_error, label="Reading the pool…")

    async def _load(self) -> None:
        try:
            while True:
                self._again = False
                now = self._clock.now()
                start, end = chart_range(now)
                status = await self._licenses.status()
                timeline = await self._licenses.timeline(start, end)
                history = await self._licenses.history(now - HISTORY_FOR)
                if not self._again:
                    break
            self.problem = ""
            self._show(status, timeline, history)
        finally:
            self._loading = False
            self._ready.set()

    def _on_load_error(self, exc: BaseException) -> bool:
        if not isinstance(exc, AppError):
            return False
        self.problem = f"The license pool could not be read: {exc.user_message}"
        if self.status is None:
            self.loading.show_empty(
                "The license pool could not be read", exc.user_message, [self.refresh_action]
            )
        self._show_banner()
        return True

    def _on_changes(self, _folded: Folded) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def _tick_ms(self) -> int:
        """A minute of the account's clock in real time, within 1 to 30 seconds."""
        speed = self._clock.speed
        if speed <= 0:
            return TICK_MOST_MS
        return int(min(TICK_MOST_MS, max(TICK_LEAST_MS, 60_000 / speed)))

    def tick(self) -> None:
        """The clock moved: the now-line and the "in 5 min" words follow; now and then (or
        past the chart's end) the pool is read again."""
        self._timer.setInterval(self._tick_ms())
        now = self._clock.now()
        self.chart.set_now(now)
        for page in self.pages:
            page.model.set_now(now)
        end = self.timeline.end if self.timeline else None
        due = self.loaded_at is None or now - self.loaded_at >= RELOAD_EVERY
        if due or (end is not None and now >= end):
            self.reload()

    # -- what is shown ----------------------------------------------------------------------

    def _show(
        self, status: PoolStatus, timeline: PoolTimeline, history: tuple[PastMove, ...]
    ) -> None:
        now = self._clock.now()
        self.status, self.timeline, self.loaded_at = status, timeline, status.now
        self.chart.show_timeline(timeline, now)
        self.seats.model.set_rows(status.seats, now)
        self.moves.model.set_rows(status.next_moves, now)
        self.alerts.model.set_rows(words.by_severity(status.alerts), now)
        self.history.model.set_rows(history, now)
        self.summary.setText(words.summary_words(status) + ".")
        self._show_switch(status.enabled)
        self._show_banner()
        self._show_states()
        self._show_titles()
        self._update_actions()
        self.body.setCurrentWidget(self.splitter)
        if self._notifier is not None:
            self._notifier.take(status)

    def _show_switch(self, enabled: bool | None) -> None:
        action = self.switch_action
        action.setEnabled(enabled is not None)
        action.setChecked(bool(enabled))
        action.setText("Pool &on" if enabled or enabled is None else "Pool &off")
        verb = "Turn the pool off" if enabled else "Turn the pool on"
        action.setToolTip(f"{verb} ({action.shortcut().toString()})")
        if enabled is None:
            self.state_badge.setText("")
            return
        self.state_badge.setText("● Pool on" if enabled else "○ Pool off")
        self.state_badge.setToolTip(
            "The pool moves paid seats to hosts for their sessions."
            if enabled
            else "The pool moves no seats: sessions of Basic hosts run as Basic."
        )
        self.state_badge.setProperty("role", "" if enabled else "warning")
        self.state_badge.style().unpolish(self.state_badge)
        self.state_badge.style().polish(self.state_badge)

    def _show_banner(self) -> None:
        now = self._clock.now()
        alerts = self.status.alerts if self.status else ()
        lines = [self.problem] if self.problem else []
        lines += words.banner_lines(alerts, now)
        if not lines:
            self.banner.hide()
            return
        shown = lines[:BANNER_LINES]
        if len(lines) > BANNER_LINES:
            shown.append(f"…and {len(lines) - BANNER_LINES} more under Alerts (Alt+3).")
        pressing = self.problem or any(a.kind in ("off", "basic", "error") for a in alerts)
        self.banner.setProperty("role", "error" if pressing else "warning")
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner.setText("\n".join(shown))
        self.banner.show()

    def _show_states(self) -> None:
        self.seats.show_state(
            "No paid seat is held",
            "The pool lends a seat to a tenant host from 10 minutes before each of its "
            "sessions until 5 minutes after it ends.",
        )
        self.moves.show_state(
            "No moves to come",
            "No session of a tenant host needs a seat in the next hours.",
            [self.attach_action],
        )
        self.alerts.show_state("No alerts", "Every session in view has a paid seat.")
        self._show_history_state()

    def _show_history_state(self) -> None:
        text = self.history.filter.text().strip() if self.history.filter else ""
        if text:
            self.history.show_state(f"No move matches “{text}”", "", [self.clear_filter_action])
        else:
            self.history.show_state(
                "No license moves in the last 7 days",
                "The pool's moves and staff's own are listed here as the audit log keeps them.",
            )
        self._show_titles()

    def _show_titles(self) -> None:
        names = ("Seats", "Moves to come", "Alerts", "History")
        for number, (page, name) in enumerate(zip(self.pages, names, strict=True)):
            count = page.proxy.rowCount()
            self.lists.setTabText(number, f"{name} ({count})" if self.status else name)

    def _update_actions(self, *_: object) -> None:
        seat = self.selected_seat()
        self.detach_action.setEnabled(seat is not None and seat.why != "protected")
        self.attach_action.setEnabled(self.status is not None)

    def selected_seat(self) -> SeatHolder | None:
        """The seat selected in the seats list."""
        seat = self.seats.selected()
        return seat if isinstance(seat, SeatHolder) else None

    def selected_move(self) -> NextMove | None:
        """The move selected in the list of moves to come."""
        move = self.moves.selected()
        return move if isinstance(move, NextMove) else None

    def show_page(self, number: int) -> None:
        """Show list ``number`` (seats, moves, alerts, history) with the keyboard in it."""
        self.lists.setCurrentIndex(number)
        page = self.pages[number]
        page.view.setFocus() if page.showing_table else page.setFocus()

    def find_in_history(self) -> None:
        """The history list, with the keyboard in its filter."""
        self.lists.setCurrentWidget(self.history)
        if self.history.filter is not None:
            self.history.filter.setFocus()
            self.history.filter.selectAll()

    def clear_filter(self) -> None:
        """Show the whole history again."""
        if self.history.filter is not None:
            self.history.filter.clear()
            self.history.filter.setFocus()

    def use_settings(self, settings: QSettings) -> None:
        """The window's settings: each list remembers its columns there."""
        for page in self.pages:
            page.use_settings(settings)

    def menus(self) -> list[tuple[str, list[QAction | None]]]:
        """The tab's menu for the window's menu bar (every action, with its shortcut)."""
        return [
            (
                "&Pool",
                [
                    self.switch_action,
                    None,
                    self.attach_action,
                    self.detach_action,
                    None,
                    *self.page_actions,
                    self.find_action,
                    None,
                    self.refresh_action,
                ],
            )
        ]

    def _say(self, text: str) -> None:
        self.last_message = text
        self.status_message.emit(text)

    # -- staff's moves ----------------------------------------------------------------------

    @property
    def dialog(self) -> QWidget | None:
        """The confirmation or chooser the tab opened last (tests, screenshots)."""
        return self.staff.dialog

    @dialog.setter
    def dialog(self, value: QWidget | None) -> None:
        self.staff.dialog = value

    def toggle_pool(self) -> None:
        """Turn the pool on, or (after asking) off."""
        enabled = bool(self.status and self.status.enabled)
        self._show_switch(enabled)  # the switch moves once the change is made
        if self.status is not None:
            self.staff.switch(on=not enabled)

    def detach(self) -> None:
        """Ask, with what it affects, then take the selected host's seat back."""
        seat = self.selected_seat()
        if seat is not None and seat.why != "protected":
            self.staff.detach(seat.host)

    def attach(self) -> None:
        """Choose a host without a seat (the selected move's first), ask, attach."""
        if self.status is None:
            return
        move = self.selected_move()
        first = move.host if move is not None and move.to == "licensed" else ""
        coming = [m.host for m in self.status.next_moves if m.to == "licensed"]
        self.staff.attach([first, *coming] if first else coming)

    def _done(self, text: str) -> None:
        self._say(text)
        self.reload()


def _zone_name(zone: object) -> str:
    return getattr(zone, "key", None) or str(zone)
