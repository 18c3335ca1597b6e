"""The Calendar tab: every session (in Zoom or still queued) in a day, week or month view.

The toolbar picks the view, the period, the tenant and host, and the time zone; the detail
panel shows the selected session with its actions (each priced by the session-changes
service and confirmed before anything is queued); the strip below says what the queue holds
and retries or cancels what failed. Keys: Left/Right a day, Page Up/Down a period, T today,
D/W/M the view, Up/Down the previous/next session, Enter its details, Delete cancel it.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QActionGroup, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from zoomadmin.core.changes import ChangeBus, ChangeKind
from zoomadmin.core.clock import Clock
from zoomadmin.core.records import TenantRecord
from zoomadmin.core.schedule import IntentState, QueueCounts
from zoomadmin.services.calendar import CalendarService, CalendarSession
from zoomadmin.services.curriculum import Choices, CurriculumService
from zoomadmin.services.schedule_queue import ScheduleQueue
from zoomadmin.services.session_changes import ChangePlan, SessionChanges, Submitted
from zoomadmin.ui.calendar.detail_panel import DetailPanel
from zoomadmin.ui.calendar.layout import View, neighbours, period, step
from zoomadmin.ui.calendar.session_forms import HostOption, MoveForm, SeriesForm, SessionForm
from zoomadmin.ui.calendar.views import MonthGrid, TimeGridView
from zoomadmin.ui.common.actions import tab_action
from zoomadmin.ui.common.async_runner import AsyncRunner
from zoomadmin.ui.common.change_listener import ChangeListener, Folded
from zoomadmin.ui.common.dates import local_zone
from zoomadmin.ui.common.toolbar import FittingToolBar
from zoomadmin.ui.curriculum.wizard import open_curriculum_wizard
from zoomadmin.ui.tenants.host_actions import confirm
from zoomadmin.ui.tenants.host_dialogs import open_dialog

ALL_TENANTS = "All tenants"
ALL_HOSTS = "All hosts"
THIS_COMPUTER = "This computer's time"
WORKING_HOURS_FROM = 7
NOW_REFRESH_MS = 30_000


def _zone_name(zone: tzinfo) -> str:
    return getattr(zone, "key", None) or str(zone)


class CalendarTab(QWidget):
    """The Calendar tab over the calendar, queue, session-changes and curriculum services."""

    status_message = Signal(str)
    """A confirmation for the window's status bar ("Join link copied.")."""

    def __init__(
        self,
        *,
        calendar: CalendarService,
        queue: ScheduleQueue,
        sessions: SessionChanges,
        curricula: CurriculumService,
        runner: AsyncRunner,
        clock: Clock,
        changes: ChangeBus | None = None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("calendarTab")
        self._calendar = calendar
        self._queue = queue
        self._changes = sessions
        self._curricula = curricula
        self._runner = runner
        self._clock = clock
        self._settings = settings
        self._ready = asyncio.Event()
        self._loading = False
        self._again = False
        self.view = View.WEEK
        self.day = clock.now().astimezone(local_zone()).date()
        self.choices: Choices | None = None
        self.sessions: list[CalendarSession] = []
        self.selected: CalendarSession | None = None
        self.counts: QueueCounts | None = None
        self._failed_ids: list[int] = []
        self._tenants_stale = True
        self.last_message = ""
        self._build_actions()
        self._build()
        if changes is not None:
            kinds = frozenset({ChangeKind.SESSIONS, ChangeKind.QUEUE, ChangeKind.TENANTS})
            self.listener = ChangeListener(changes, kinds | {ChangeKind.HOSTS}, self)
            self.listener.changes_arrived.connect(self._on_changes)

    # -- building ---------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        keys: str | QKeySequence.StandardKey,
        slot: Callable[[], None],
        icon_name: str = "",
    ) -> QAction:
        return tab_action(self, text, keys, slot, icon_name)

    def _build_actions(self) -> None:
        group = QActionGroup(self)
        self.view_actions: dict[View, QAction] = {}
        for view, text, key in (
            (View.DAY, "&Day", "D"),
            (View.WEEK, "&Week", "W"),
            (View.MONTH, "&Month", "M"),
        ):
            action = self._action(text, key, functools.partial(self.show_view, view))
            action.setCheckable(True)
            group.addAction(action)
            self.view_actions[view] = action
        self.view_actions[View.WEEK].setChecked(True)
        self.previous_action = self._action("&Previous", "PgUp", lambda: self.step_period(-1))
        self.today_action = self._action("&Today", "T", self.go_today)
        self.next_action = self._action("&Next", "PgDown", lambda: self.step_period(1))
        self.key_actions = [
            self._action("Previous day", "Left", lambda: self.move_days(-1)),
            self._action("Next day", "Right", lambda: self.move_days(1)),
            self._action("Previous session", "Up", lambda: self.select_next(-1)),
            self._action("Next session", "Down", lambda: self.select_next(1)),
            self._action("Show details", "Return", self.focus_details),
        ]
        self.new_session_action = self._action("New &session…", "Ctrl+N", self.new_session, "add")
        self.start_now_action = self._action(
            "Start &now…", "Ctrl+Shift+N", self.start_now, "activate"
        )
        # The window's Schedule menu holds Ctrl+Alt+N and Ctrl+Alt+I (the same wizard): the
        # tab's buttons take no keys of their own, which would make those keys ambiguous.
        self.curriculum_action = self._action(
            "New &curriculum…", "", self.new_curriculum, "new-tenant"
        )
        self.curriculum_action.setToolTip("New curriculum: plan a term (Ctrl+Alt+N)")
        self.import_action = self._action("&Import CSV…", "", self.import_curriculum, "import")
        self.import_action.setToolTip("Import a curriculum CSV (Ctrl+Alt+I)")
        self.export_action = self._action("&Export…", "Ctrl+E", self.export, "export")
        self.refresh_action = self._action("&Refresh", "F5", self.reload, "refresh")
        self.copy_join_action = self._action(
            "Copy &join link", "Ctrl+Shift+C", self.copy_join_link, "link"
        )
        self.email_action = self._action(
            "&Email join link…", "Ctrl+Shift+M", self.email_join_link, "details"
        )
        self.copy_start_action = self._action(
            "Copy s&tart link", "Ctrl+Shift+S", self.copy_start_link, "activate"
        )
        self.move_action = self._action("&Move…", "Ctrl+M", self.move_session, "move")
        self.series_action = self._action(
            "Change se&ries…", "Ctrl+Shift+R", self.change_series, "edit"
        )
        self.cancel_action = self._action("&Cancel session…", "Del", self.cancel_session, "delete")
        self.cancel_series_action = self._action(
            "C&ancel series…", "Shift+Del", self.cancel_series, "remove"
        )

    def _build_toolbar(self) -> FittingToolBar:
        toolbar = FittingToolBar(self)
        toolbar.setObjectName("calendarToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for view in View:
            toolbar.addAction(self.view_actions[view])
        toolbar.addSeparator()
        for action in (self.previous_action, self.today_action, self.next_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        for action in (self.new_session_action, self.start_now_action, self.curriculum_action):
            toolbar.addAction(action)
        toolbar.addAction(self.import_action)
        toolbar.addAction(self.export_action)
        return toolbar

    def _build_filters(self) -> QHBoxLayout:
        self.title = QLabel(self)
        self.title.setObjectName("calendarTitle")
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title.setFont(font)
        self.tenant_filter = QComboBox(self)
        self.tenant_filter.setObjectName("calendarTenant")
        self.tenant_filter.setAccessibleName("Tenant")
        self.tenant_filter.addItem(ALL_TENANTS)
        self.host_filter = QComboBox(self)
        self.host_filter.setObjectName("calendarHost")
        self.host_filter.setAccessibleName("Host")
        self.host_filter.addItem(ALL_HOSTS)
        self.zone_choice = QComboBox(self)
        self.zone_choice.setObjectName("calendarZone")
        self.zone_choice.setAccessibleName("Time zone")
        self.zone_choice.addItem(f"{THIS_COMPUTER} ({_zone_name(local_zone())})", None)
        for combo in (self.tenant_filter, self.host_filter, self.zone_choice):
            combo.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.tenant_filter.currentIndexChanged.connect(lambda _i: self._on_tenant_filter())
        self.host_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.zone_choice.currentIndexChanged.connect(lambda _i: self._show())
        filters = QHBoxLayout()
        filters.addWidget(self.title, 1)
        for label, combo in (
            ("Tenant", self.tenant_filter),
            ("Host", self.host_filter),
            ("Times in", self.zone_choice),
        ):
            caption = QLabel(f"{label}:", self)
            caption.setBuddy(combo)
            filters.addWidget(caption)
            filters.addWidget(combo)
        return filters

    def _build_body(self) -> QSplitter:
        self.grid = TimeGridView(self)
        self.month = MonthGrid(self)
        for painted in (self.grid.columns, self.month):
            painted.session_clicked.connect(self.select)
            painted.session_activated.connect(self._activate)
        self.month.day_opened.connect(self.open_day)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self.month)
        self.empty = QLabel(self)
        self.empty.setObjectName("calendarEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.hide()
        self.details = DetailPanel(
            [
                self.copy_join_action,
                self.email_action,
                self.copy_start_action,
                self.move_action,
                self.series_action,
                self.cancel_action,
                self.cancel_series_action,
            ],
            self,
        )
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.stack, 1)
        left_layout.addWidget(self.empty)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setSizes([900, 300])
        return self.splitter

    def _build(self) -> None:
        toolbar = self._build_toolbar()
        filters = self._build_filters()
        body = self._build_body()
        self.queue_text = QLabel("Reading the queue…", self)
        self.queue_text.setObjectName("queueStrip")
        self.retry_button = QPushButton("Retry failed", self)
        self.retry_button.clicked.connect(self.retry_failed)
        self.cancel_failed_button = QPushButton("Cancel failed…", self)
        self.cancel_failed_button.clicked.connect(self.cancel_failed)
        strip = QHBoxLayout()
        strip.addWidget(self.queue_text, 1)
        strip.addWidget(self.retry_button)
        strip.addWidget(self.cancel_failed_button)
        layout = QVBoxLayout(self)
        layout.addWidget(toolbar)
        layout.addLayout(filters)
        layout.addWidget(body, 1)
        layout.addLayout(strip)
        self._keys_on_the_views()
        self._update_actions()

    def _keys_on_the_views(self) -> None:
        """The moving keys (arrows, Page Up/Down, Enter, T, D/W/M, Delete) work while a view
        has the keyboard, so the filters and the detail panel's buttons keep their own."""
        scoped = [
            *self.key_actions,
            *self.view_actions.values(),
            self.previous_action,
            self.today_action,
            self.next_action,
            self.cancel_action,
            self.cancel_series_action,
        ]
        for action in scoped:
            self.removeAction(action)
            self.stack.addAction(action)
        for view in (self.grid.columns, self.grid.area, self.month):
            view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFocusProxy(self.grid.columns)

    # -- loading ----------------------------------------------------------------------------

    async def ready(self) -> None:
        """Return once the first sessions (or the empty state) are shown."""
        await self._ready.wait()

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        """Load on first show, with working hours in view."""
        super().showEvent(event)  # type: ignore[arg-type]
        if not self._ready.is_set() and not self._loading:
            self.grid.scroll_to_hour(WORKING_HOURS_FROM - 0.25)
            self.reload()

    def reload(self) -> None:
        """Read the tenants, the shown period's sessions and the queue again."""
        if self._loading:
            self._again = True
            return
        self._loading = True
        self._runner.run(self._load(), label="Loading the calendar…")

    async def _load(self) -> None:
        try:
            while True:
                self._again = False
                if self._tenants_stale:
                    self._tenants_stale = False
                    self.choices = await self._curricula.choices()
                    self._fill_filters()
                first, days = period(self.view, self.day)
                zone = self.zone()
                start = _midnight_utc(first, zone) - timedelta(hours=14)
                end = _midnight_utc(first + timedelta(days=days), zone) + timedelta(hours=14)
                self.sessions = await self._calendar.sessions(
                    start, end, tenant_id=self.tenant_id(), host_id=self.host_id()
                )
                self.counts = await self._queue.counts()
                self._failed_ids = [i.id for i in await self._queue.intents((IntentState.FAILED,))]
                if not self._again:
                    break
            self._show()
        finally:
            self._loading = False
            self._ready.set()

    def _on_changes(self, folded: Folded) -> None:
        if ChangeKind.TENANTS in folded or ChangeKind.HOSTS in folded:
            self._tenants_stale = True
        self.reload()

    def _fill_filters(self) -> None:
        choices = self.choices
        if choices is None:
            return
        tenant, host, zone = (
            self.tenant_filter.currentText(),
            self.host_filter.currentText(),
            self.zone_choice.currentData(),
        )
        for combo in (self.tenant_filter, self.host_filter, self.zone_choice):
            combo.blockSignals(True)
        self.tenant_filter.clear()
        self.tenant_filter.addItem(ALL_TENANTS, None)
        for choice in choices.tenants:
            self.tenant_filter.addItem(choice.tenant.name, choice.tenant.id)
        self.tenant_filter.setCurrentText(tenant)
        self._fill_hosts(host)
        self.zone_choice.clear()
        self.zone_choice.addItem(f"{THIS_COMPUTER} ({_zone_name(local_zone())})", None)
        for name in sorted({c.tenant.timezone for c in choices.tenants}):
            tenants = ", ".join(c.tenant.name for c in choices.tenants if c.tenant.timezone == name)
            self.zone_choice.addItem(f"{name} ({tenants})", name)
        found = self.zone_choice.findData(zone)
        self.zone_choice.setCurrentIndex(max(0, found))
        for combo in (self.tenant_filter, self.host_filter, self.zone_choice):
            combo.blockSignals(False)

    def _fill_hosts(self, keep: str) -> None:
        self.host_filter.clear()
        self.host_filter.addItem(ALL_HOSTS, None)
        for option in self.host_options():
            self.host_filter.addItem(option.email, option.host_id)
        self.host_filter.setCurrentText(keep)

    def _on_tenant_filter(self) -> None:
        self.host_filter.blockSignals(True)
        self._fill_hosts(self.host_filter.currentText())
        self.host_filter.blockSignals(False)
        tenant = self.tenant_record()
        if tenant is not None:  # a tenant's calendar reads in its own time by default
            found = self.zone_choice.findData(tenant.timezone)
            if found >= 0:
                self.zone_choice.setCurrentIndex(found)
        self.reload()

    # -- what is shown ----------------------------------------------------------------------

    def tenant_id(self) -> int | None:
        """The tenant filter's tenant (None: all)."""
        value = self.tenant_filter.currentData()
        return value if isinstance(value, int) else None

    def tenant_record(self) -> TenantRecord | None:
        """The filtered tenant's record."""
        wanted = self.tenant_id()
        for choice in self.choices.tenants if self.choices else ():
            if choice.tenant.id == wanted:
                return choice.tenant
        return None

    def host_id(self) -> int | None:
        """The host filter's host (None: all)."""
        value = self.host_filter.currentData()
        return value if isinstance(value, int) else None

    def host_options(self) -> list[HostOption]:
        """Every host of the filtered tenant (or of all tenants), for filters and forms."""
        wanted = self.tenant_id()
        options = []
        for choice in self.choices.tenants if self.choices else ():
            if wanted is not None and choice.tenant.id != wanted:
                continue
            for host in choice.hosts:
                options.append(
                    HostOption(host.id, host.email, choice.tenant.name, choice.tenant.timezone)
                )
        return sorted(options, key=lambda o: o.email.casefold())

    def zone(self) -> tzinfo:
        """The zone the views show times in."""
        name = self.zone_choice.currentData()
        return ZoneInfo(name) if isinstance(name, str) else local_zone()

    def tenant_of(self, session: CalendarSession) -> tuple[str, tzinfo] | None:
        """A session's tenant's name and zone."""
        for choice in self.choices.tenants if self.choices else ():
            if choice.tenant.id == session.tenant_id:
                return choice.tenant.name, ZoneInfo(choice.tenant.timezone)
        return None

    def _show(self) -> None:
        zone = self.zone()
        first, days = period(self.view, self.day)
        now = self._clock.now()
        shown_view = self.month if self.view is View.MONTH else self.grid.columns
        had_keys = self.focusWidget() in (self.month, self.grid.columns, self.grid.area)
        self.setFocusProxy(shown_view)
        if had_keys:
            shown_view.setFocus()
        if self.view is View.MONTH:
            self.month.set_now(now)
            self.month.show_month(self.sessions, first, self.day.replace(day=1), zone)
            self.stack.setCurrentWidget(self.month)
            self.title.setText(f"{self.day:%B %Y}")
        else:
            self.grid.columns.set_now(now)
            self.grid.columns.show_sessions(self.sessions, first, days, zone)
            self.grid.update_all()
            self.stack.setCurrentWidget(self.grid)
            last = first + timedelta(days=days - 1)
            if days == 1:
                self.title.setText(f"{first:%A} {first.day} {first:%B %Y}")
            else:
                self.title.setText(f"{first.day} {first:%b} – {last.day} {last:%b %Y}")
        shown = self.visible_sessions()
        if self.selected is not None and self.selected not in self.sessions:
            self.selected = next((s for s in self.sessions if _same(s, self.selected)), None)
        self.month.select(self.selected)
        self.grid.columns.select(self.selected)
        words = {View.DAY: "day", View.WEEK: "week", View.MONTH: "month"}[self.view]
        self.empty.setVisible(not shown)
        self.empty.setText(
            f"No sessions this {words}. Plan a term with New curriculum… (Ctrl+Alt+N) or "
            "Import CSV… (Ctrl+Alt+I), or add one with New session… (Ctrl+N)."
        )
        self._show_details()
        self._show_queue()
        self._update_actions()

    def visible_sessions(self) -> list[CalendarSession]:
        """The sessions of the shown days, in start order."""
        zone = self.zone()
        first, days = period(self.view, self.day)
        last = first + timedelta(days=days)
        return [s for s in self.sessions if first <= s.start.astimezone(zone).date() < last]

    def _show_queue(self) -> None:
        counts = self.counts
        if counts is None:
            self.queue_text.setText("Reading the queue…")
        elif counts.queued or counts.waiting or counts.failed:
            self.queue_text.setText(f"Queue: {counts.text}.")
        else:
            self.queue_text.setText("Queue: nothing waits to be sent to Zoom.")
        failed = bool(counts and counts.failed)
        self.retry_button.setVisible(failed)
        self.cancel_failed_button.setVisible(failed)

    def _show_details(self) -> None:
        session = self.selected
        tenant = self.tenant_of(session) if session is not None else None
        self.details.show_session(session, self.zone(), tenant, self._clock.now())
        if session is not None and session.meeting_id is not None and session.occurrence_id:
            self._runner.run(self._calendar.position(session), on_done=self._show_position)

    def _show_position(self, position: tuple[int, int] | None) -> None:
        session = self.selected
        if session is None:
            return
        self.details.show_session(
            session, self.zone(), self.tenant_of(session), self._clock.now(), series=position
        )

    def _update_actions(self) -> None:
        session = self.selected
        in_zoom = session is not None and session.meeting_id is not None
        coming = session is not None and session.end > self._clock.now()
        self.copy_join_action.setEnabled(bool(session and session.join_url))
        self.email_action.setEnabled(bool(session and session.join_url))
        self.copy_start_action.setEnabled(in_zoom and coming)
        self.move_action.setEnabled(in_zoom and coming)
        self.series_action.setEnabled(
            in_zoom and coming and bool(session and session.occurrence_id)
        )
        self.cancel_action.setEnabled(in_zoom and coming)
        self.cancel_series_action.setEnabled(
            in_zoom and coming and bool(session and session.occurrence_id)
        )
        has_hosts = bool(self.host_options())
        self.new_session_action.setEnabled(has_hosts)
        self.start_now_action.setEnabled(has_hosts)

    # -- navigation -------------------------------------------------------------------------

    def show_view(self, view: View) -> None:
        """Day, week or month."""
        self.view = view
        self.view_actions[view].setChecked(True)
        self.reload()

    def step_period(self, periods: int) -> None:
        """The previous (-1) or next (1) day, week or month."""
        self.day = step(self.view, self.day, periods)
        self.reload()

    def move_days(self, days: int) -> None:
        """A day back or on (in the month view, a day too)."""
        self.day += timedelta(days=days)
        self.reload()

    def go_today(self) -> None:
        """Back to today (by the account's clock)."""
        self.day = self._clock.now().astimezone(self.zone()).date()
        self.reload()
        if self.view is not View.MONTH:
            now = self._clock.now().astimezone(self.zone())
            self.grid.scroll_to_hour(max(0, now.hour - 2.25))

    def open_day(self, day: object) -> None:
        """The day view of ``day`` (a month cell's "+N more")."""
        if isinstance(day, date):
            self.day = day
            self.show_view(View.DAY)

    def select(self, session: object) -> None:
        """Show ``session`` (a CalendarSession, or None) in the detail panel."""
        self.selected = session if isinstance(session, CalendarSession) else None
        self.month.select(self.selected)
        self.grid.columns.select(self.selected)
        self._show_details()
        self._update_actions()

    def select_next(self, by: int) -> None:
        """The next (1) or previous (-1) session of the shown days."""
        found = neighbours(self.visible_sessions(), self.selected, by)
        self.select(found)
        if found is not None and self.view is not View.MONTH:
            self.grid.ensure_visible(found)

    def _activate(self, session: object) -> None:
        self.select(session)
        self.focus_details()

    def focus_details(self) -> None:
        """Move the keyboard to the detail panel's first enabled button."""
        for button in self.details.buttons:
            if button.isEnabled():
                button.setFocus()
                return

    # -- links ------------------------------------------------------------------------------

    def copy_join_link(self) -> None:
        """The selected session's join link to the clipboard."""
        if self.selected is not None and self.selected.join_url:
            QGuiApplication.clipboard().setText(self.selected.join_url)
            self._say("Join link copied.")

    def email_join_link(self) -> None:
        """A new e-mail in the system's mail program with the join link."""
        session = self.selected
        if session is None or not session.join_url:
            return
        local = session.start.astimezone(self.zone())
        subject = QUrl.toPercentEncoding(f"{session.title}, {local:%a %d %b %H:%M}")
        body = QUrl.toPercentEncoding(
            f"Join “{session.title}” on {local:%A %d %B %Y at %H:%M} ({_zone_name(self.zone())}):\n"
            f"{session.join_url}\n"
        )
        url = f"mailto:?subject={bytes(subject.data()).decode()}&body={bytes(body.data()).decode()}"
        QDesktopServices.openUrl(QUrl(url))

    def copy_start_link(self) -> None:
        """A fresh start link (Zoom's expires two hours after it is read) to the clipboard."""
        session = self.selected
        if session is None or session.meeting_id is None:
            return

        def copied(links: object) -> None:
            start_url = getattr(links, "start_url", "")
            QGuiApplication.clipboard().setText(start_url)
            self._say("Start link copied: it starts the meeting as its host for two hours.")

        self._runner.run(
            self._changes.links(session.meeting_id), on_done=copied, label="Reading the start link…"
        )

    def _say(self, text: str) -> None:
        self.last_message = text
        self.status_message.emit(text)

    def use_settings(self, settings: QSettings) -> None:
        """The window's settings (the curriculum wizard keeps its draft there)."""
        self._settings = settings

    def menus(self) -> list[tuple[str, list[QAction | None]]]:
        """The tab's menus for the window's menu bar (every action, with its shortcut)."""
        views: list[QAction | None] = [self.view_actions[v] for v in View]
        return [
            (
                "Cal&endar",
                [
                    *views,
                    None,
                    self.previous_action,
                    self.today_action,
                    self.next_action,
                    None,
                    self.refresh_action,
                    self.export_action,
                ],
            ),
            (
                "Sess&ions",
                [
                    self.new_session_action,
                    self.start_now_action,
                    None,
                    self.copy_join_action,
                    self.email_action,
                    self.copy_start_action,
                    None,
                    self.move_action,
                    self.series_action,
                    self.cancel_action,
                    self.cancel_series_action,
                ],
            ),
        ]

    # -- changes ----------------------------------------------------------------------------

    def _confirm_plan(
        self, plan: ChangePlan, title: str, ok_text: str, *, send_now: bool = False
    ) -> None:
        lines = [plan.description + ".", f"Zoom requests: {plan.summary}."]
        lines += list(plan.notes)

        def go() -> None:
            self._runner.run(
                self._changes.submit(plan, send_now=send_now),
                on_done=self._submitted,
                label="Queueing the change…",
            )

        confirm(
            self,
            title,
            "\n\n".join(lines),
            ok_text,
            go,
            destructive=plan.action.startswith("cancel"),
        )

    def _submitted(self, done: Submitted) -> None:
        links = done.links
        if links is not None and links.join_url:
            QGuiApplication.clipboard().setText(links.join_url)
            self._say("The meeting is ready: its join link is copied.")
            text = (
                f"{done.plan.description} is ready in Zoom.\n\nJoin link (copied, for the "
                f"participants):\n{links.join_url}\n\nThe start link starts it as its host "
                "(Zoom's works for two hours)."
            )
            start = links.start_url

            def open_start() -> None:
                QDesktopServices.openUrl(QUrl(start))

            self.started_box = confirm(self, "Meeting started", text, "Open start link", open_start)
        else:
            self._say(f"Queued: {done.plan.summary}.")
        self.reload()

    def new_session(self) -> None:
        """A one-off session for a host (priced, then queued)."""
        form = SessionForm(
            self.host_options(),
            start_now=False,
            now=self._clock.now().astimezone(local_zone()),
            parent=self,
        )
        form.accepted.connect(lambda: self._plan_new(form))
        open_dialog(form, self)

    def _plan_new(self, form: SessionForm) -> None:
        entry = form.value()
        if entry.start is None:
            return
        work = self._changes.plan_add(
            entry.host.host_id,
            entry.title,
            entry.start,
            entry.duration_minutes,
            entry.host.timezone,
        )
        self._runner.run(
            work,
            on_done=lambda plan: self._confirm_plan(plan, "New session", "Queue it"),
            label="Pricing…",
        )

    def start_now(self) -> None:
        """An instant meeting for a host, created at once, its links handed over."""
        form = SessionForm(self.host_options(), start_now=True, now=self._clock.now(), parent=self)
        form.accepted.connect(lambda: self._plan_now(form))
        open_dialog(form, self)

    def _plan_now(self, form: SessionForm) -> None:
        entry = form.value()
        work = self._changes.plan_start_now(entry.host.host_id, entry.title)
        self._runner.run(
            work,
            on_done=lambda plan: self._confirm_plan(plan, "Start now", "Start it", send_now=True),
            label="Pricing…",
        )

    def move_session(self) -> None:
        """Move the selected session (one occurrence, or a single meeting)."""
        session = self.selected
        if session is None or session.meeting_id is None:
            return
        zone = ZoneInfo(session.timezone)
        form = MoveForm(session.start, session.duration_minutes, zone, self)
        meeting_id, occurrence = session.meeting_id, session.occurrence_id or None

        def plan() -> None:
            start, minutes = form.value()
            work = self._changes.plan_move(
                meeting_id, start, occurrence_id=occurrence, duration_minutes=minutes
            )
            self._runner.run(
                work,
                on_done=lambda p: self._confirm_plan(p, "Move the session", "Move it"),
                label="Pricing…",
            )

        form.accepted.connect(plan)
        open_dialog(form, self)

    def change_series(self) -> None:
        """Change the selected session's series time or length, from it on."""
        session = self.selected
        if session is None or session.meeting_id is None or not session.occurrence_id:
            return
        form = SeriesForm(session.start, session.duration_minutes, ZoneInfo(session.timezone), self)
        meeting_id, occurrence = session.meeting_id, session.occurrence_id

        def plan() -> None:
            start_time, minutes = form.value()
            work = self._changes.plan_change_series(
                meeting_id, occurrence, start_time=start_time, duration_minutes=minutes
            )
            self._runner.run(
                work,
                on_done=lambda p: self._confirm_plan(p, "Change the series", "Change it"),
                label="Pricing…",
            )

        form.accepted.connect(plan)
        open_dialog(form, self)

    def cancel_session(self) -> None:
        """Cancel the selected session (asks first, with its cost)."""
        session = self.selected
        if session is None or session.meeting_id is None:
            return
        work = self._changes.plan_cancel(
            session.meeting_id, occurrence_id=session.occurrence_id or None
        )
        self._runner.run(
            work,
            on_done=lambda p: self._confirm_plan(p, "Cancel the session", "Cancel it"),
            label="Pricing…",
        )

    def cancel_series(self) -> None:
        """Cancel the selected session's whole series (asks first, with its cost)."""
        session = self.selected
        if session is None or session.meeting_id is None:
            return
        work = self._changes.plan_cancel(session.meeting_id, series=True)
        self._runner.run(
            work,
            on_done=lambda p: self._confirm_plan(p, "Cancel the series", "Cancel the series"),
            label="Pricing…",
        )

    def retry_failed(self) -> None:
        """Put every failed write back in the queue."""
        ids = list(self._failed_ids)
        if ids:
            self._runner.run(
                self._queue.retry(ids), on_done=lambda n: self._say(f"{n} back in the queue.")
            )

    def cancel_failed(self) -> None:
        """Drop every failed write (asks first)."""
        ids = list(self._failed_ids)
        if not ids:
            return

        def go() -> None:
            self._runner.run(
                self._queue.cancel(ids), on_done=lambda n: self._say(f"{n} dropped from the queue.")
            )

        confirm(
            self,
            "Cancel failed writes",
            f"Drop the {len(ids)} failed writes from the queue? "
            "Their sessions will not be created.",
            "Drop them",
            go,
            destructive=True,
        )

    # -- curricula and export ---------------------------------------------------------------

    def new_curriculum(self) -> None:
        """The curriculum wizard, for the tenant and host in view."""
        tenant = self.tenant_record()
        host = self.host_filter.currentText() if self.host_id() is not None else ""
        wizard = open_curriculum_wizard(
            self,
            self._curricula,
            self._runner,
            tenant=tenant.name if tenant else "",
            host_email=host,
            settings=self._settings,
        )
        wizard.submitted.connect(lambda _done: self.reload())

    def import_curriculum(self) -> None:
        """Import a curriculum CSV (its preview first)."""
        wizard = open_curriculum_wizard(
            self, self._curricula, self._runner, import_csv=True, settings=self._settings
        )
        wizard.submitted.connect(lambda _done: self.reload())

    def export(self) -> None:
        """Save the shown sessions as iCalendar (.ics) or CSV."""
        sessions = self.visible_sessions()
        if not sessions:
            self._say("Nothing to export: no session is shown.")
            return
        first, _days = period(self.view, self.day)
        name = f"sessions-{first:%Y-%m-%d}.ics"
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export sessions", name, "iCalendar (*.ics);;CSV (*.csv)"
        )
        if path:
            self.export_to(Path(path), csv="CSV" in chosen or path.endswith(".csv"))

    def export_to(self, path: Path, *, csv: bool) -> None:
        """Write the shown sessions to ``path`` (iCalendar, or CSV)."""
        sessions = self.visible_sessions()

        async def write() -> int:
            if csv:
                text = await self._calendar.export_csv(sessions)
                await asyncio.to_thread(path.write_text, text, encoding="utf-8")
            else:
                data = await self._calendar.export_ics(sessions)
                await asyncio.to_thread(path.write_bytes, data)
            return len(sessions)

        self._runner.run(
            write(),
            on_done=lambda n: self._say(f"Exported {n} sessions to {path.name}."),
            label="Exporting…",
        )


def _same(a: CalendarSession, b: CalendarSession | None) -> bool:
    if b is None:
        return False
    if a.meeting_id is not None:
        return (a.meeting_id, a.occurrence_id, a.start) == (b.meeting_id, b.occurrence_id, b.start)
    return (a.intent_id, a.start) == (b.intent_id, b.start)


def _midnight_utc(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)
