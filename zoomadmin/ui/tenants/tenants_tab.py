"""The Tenants & Hosts tab: tenants above, their hosts below, every action on the keyboard."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import shiboken6
from PySide6.QtCore import QByteArray, QSettings, QSortFilterProxyModel, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from zoomadmin.core.changes import ChangeBus
from zoomadmin.core.clock import Clock
from zoomadmin.core.records import TenantRecord, TenantSummary
from zoomadmin.services.host_import import HostImporter
from zoomadmin.services.hosts import HostRow, HostService
from zoomadmin.services.session_changes import ChangePlan, SessionChanges
from zoomadmin.services.session_changes import Submitted as SessionsSubmitted
from zoomadmin.services.sync import SyncService
from zoomadmin.services.tenants import TenantService
from zoomadmin.ui.common.actions import tab_action
from zoomadmin.ui.common.async_runner import AsyncRunner
from zoomadmin.ui.common.audit_log import AuditLogDialog
from zoomadmin.ui.common.dates import local_zone
from zoomadmin.ui.common.empty_state import EmptyState
from zoomadmin.ui.common.messages import show_error
from zoomadmin.ui.common.table_state import TableState
from zoomadmin.ui.common.toolbar import FittingToolBar
from zoomadmin.ui.tenants.host_actions import HostActions, confirm
from zoomadmin.ui.tenants.host_dialogs import open_dialog
from zoomadmin.ui.tenants.hosts_panel import HostsPanel, HostsTable
from zoomadmin.ui.tenants.hosts_refresh import HostsLiveUpdates
from zoomadmin.ui.tenants.session_offer import DeleteTenantDialog
from zoomadmin.ui.tenants.tenant_dialog import TenantDialog
from zoomadmin.ui.tenants.tenants_model import ROW_ROLE, SORT_ROLE, TenantColumn, TenantsModel

NO_TENANTS_TITLE = "No tenants yet"
NO_TENANTS = "A tenant is a school or team with its own hosts; create one with New tenant (Ctrl+N)."
ROW_HEIGHT = 26
MAX_TENANT_ROWS = 8
HEADING_HEIGHT = 28


class TenantsTab(QWidget):
    """Tenants (name, time zone, email scheme, policy, counts) and the hosts table.

    Selecting a tenant filters the hosts to it. Services come in from app.py; the tab holds
    no database session and runs every service call through the :class:`AsyncRunner`.
    With the account's ``changes`` bus, the hosts and tenants that changed (here, by a job
    reacting to Zoom's events, or elsewhere) refresh in place; with ``clock``, today's quota
    is refreshed on the clock's midnight.
    """

    status_message = Signal(str)
    """A short confirmation of what an action did ("Added … — invitation sent")."""
    zoom_problem = Signal(str)
    """Why the last call to Zoom failed, or "" once one worked (for the status bar)."""

    def __init__(
        self,
        *,
        tenants: TenantService,
        hosts: HostService,
        sync: SyncService,
        importer: HostImporter,
        runner: AsyncRunner,
        clock: Clock | None = None,
        changes: ChangeBus | None = None,
        sessions: SessionChanges | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("tenantsTab")
        self._tenants = tenants
        self._hosts = hosts
        self._sessions = sessions
        self._sync = sync
        self._clock = clock
        self._runner = runner
        self._loaded = asyncio.Event()
        self.waiting_for_first_sync = False
        """Never synced and a sync runs: loading states instead of "no tenants/hosts yet"."""
        self.dialog: QDialog | None = None
        self.message: QMessageBox | None = None
        """The last message this shows itself (a tenant whose deletion waits)."""
        self.tenants_model = TenantsModel(self)
        self.tenants_proxy = QSortFilterProxyModel(self)
        self.tenants_proxy.setSourceModel(self.tenants_model)
        self.tenants_proxy.setSortRole(SORT_ROLE)
        self.hosts_panel = HostsPanel(self)
        self.host_actions = HostActions(
            self.hosts_panel,
            hosts=hosts,
            sync=sync,
            importer=importer,
            runner=runner,
            tenants=self.tenant_records,
            current_tenant=self.current_tenant_id,
            sessions=sessions,
        )
        self.host_actions.hosts_changed.connect(self.refresh_tenants)
        self.host_actions.reload_requested.connect(self.refresh)
        self.host_actions.notify.connect(self.status_message)
        self.host_actions.zoom_problem.connect(self.zoom_problem)
        self.host_actions.audit_requested.connect(self.open_audit_log)
        self.audit_dialog: AuditLogDialog | None = None
        self.live = HostsLiveUpdates(
            self.hosts_panel, hosts=hosts, runner=runner, clock=clock, changes=changes
        )
        # Actions may spend a host's meeting requests: show the new counts in place.
        self.host_actions.hosts_changed.connect(self.live.refresh_quota)
        # The change listener folds bursts (a sync, meetings starting on the hour) into one.
        self.live.tenants_changed.connect(self.refresh_tenants)
        self.live.hosts_reload_needed.connect(self.refresh_hosts)
        self.live.sync_changed.connect(self._on_sync_changed)
        if clock is not None:
            # "Next session" reads "in 9 h" on the account's clock, moving on every minute.
            self.hosts_panel.model.set_clock(clock.now)
            self.live.minute_passed.connect(self.hosts_panel.model.refresh_times)
        self._build_tenant_actions()
        self._build_layout()
        self._show_loading()
        self._syncing_selection = False
        self._settings: QSettings | None = None
        self._splitter_restored = False
        self._top_height = 0
        self.tenants_view.selectionModel().selectionChanged.connect(self._on_tenant_chosen)
        self.hosts_panel.tenant_filter.currentIndexChanged.connect(self._on_filter_chosen)

    def _action(
        self, text: str, icon_name: str, keys: QKeySequence, slot: Callable[[], None]
    ) -> QAction:
        return tab_action(self, text, keys, slot, icon_name)

    def _build_tenant_actions(self) -> None:
        self.new_tenant = self._action(
            "&New tenant…", "new-tenant", QKeySequence("Ctrl+N"), self.open_new_tenant
        )
        self.edit_tenant = self._action(
            "&Edit tenant…", "edit", QKeySequence("Ctrl+E"), self.open_edit_tenant
        )
        self.delete_tenant = self._action(
            "&Delete tenant…", "delete", QKeySequence("Ctrl+Shift+Del"), self.ask_delete_tenant
        )
        self.move_tenant_hosts = self._action(
            "Move &hosts…", "move", QKeySequence("Ctrl+Shift+M"), self.open_move_tenant_hosts
        )
        self.focus_search = QAction("&Find hosts", self)
        self.focus_search.setShortcut(QKeySequence.StandardKey.Find)
        self.focus_search.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.focus_search.triggered.connect(self._on_focus_search)
        self.addAction(self.focus_search)
        for action in self.host_actions.__dict__.values():
            if isinstance(action, QAction):
                self.addAction(action)

    def _build_layout(self) -> None:
        toolbar = self.toolbar = FittingToolBar(self)
        toolbar.setObjectName("tenantsToolbar")
        acts = self.host_actions
        for action in (self.new_tenant, self.edit_tenant, self.delete_tenant, None, acts.add):
            toolbar.addSeparator() if action is None else toolbar.addAction(action)
        for action in (acts.import_csv, acts.link, acts.move, None, acts.sync):
            toolbar.addSeparator() if action is None else toolbar.addAction(action)
        self._build_tenants_view()
        self.tenants_empty = EmptyState(self)
        self.tenants_empty.setObjectName("tenantsEmpty")
        self.tenants_stack = QStackedWidget(self)
        self.tenants_stack.addWidget(self.tenants_view)
        self.tenants_stack.addWidget(self.tenants_empty)
        top = self._top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(_heading("Tenants", top))
        top_layout.addWidget(self.tenants_stack)
        self.delete_note = QLabel(top)
        self.delete_note.setObjectName("deleteNote")
        self.delete_note.setWordWrap(True)
        self.delete_note.hide()
        top_layout.addWidget(self.delete_note)
        bottom = QWidget(self)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(_heading("Hosts", bottom))
        bottom_layout.addWidget(self.hosts_panel)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(toolbar)
        layout.addWidget(self.splitter, 1)

    def _build_tenants_view(self) -> None:
        self.tenants_view = TenantsTable(self)
        self.tenants_view.setObjectName("tenantsTable")
        self.tenants_view.setModel(self.tenants_proxy)
        self.tenants_view.setSortingEnabled(True)
        self.tenants_view.sortByColumn(TenantColumn.NAME, Qt.SortOrder.AscendingOrder)
        self.tenants_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tenants_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tenants_view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.tenants_view.verticalHeader().hide()
        self.tenants_view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.tenants_view.setWordWrap(False)
        self.delete_tenant.setIconText("Delete tenant")
        for action in (
            self.edit_tenant,
            self.delete_tenant,
            self.move_tenant_hosts,
            self.host_actions.add,
        ):
            self.tenants_view.addAction(action)
        self.tenants_view.deselect_requested.connect(self.tenants_view.clearSelection)
        self.tenants_view.activated_by_key.connect(self.open_edit_tenant)
        self.tenants_view.doubleClicked.connect(lambda _: self.open_edit_tenant())
        self.tenants_view.delete_pressed.connect(self.ask_delete_tenant)
        self.tenants_view.setTabKeyNavigation(False)
        header = self.tenants_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TenantColumn.EMAIL_SCHEME, QHeaderView.ResizeMode.Stretch)
        self.tenant_columns = TableState(self.tenants_view, "tables/tenants")

    # Settings and menus ------------------------------------------------------------------

    def use_settings(self, settings: QSettings) -> None:
        """Remember column state, the splitter and the filters in ``settings``."""
        self._settings = settings
        self.tenant_columns.use_settings(settings)
        self.hosts_panel.columns.use_settings(settings)
        splitter = settings.value("tenantsTab/splitter")
        if isinstance(splitter, QByteArray | bytes):
            self._splitter_restored = self.splitter.restoreState(QByteArray(splitter))
        self.splitter.splitterMoved.connect(lambda *_: self._on_splitter_moved())
        for combo in self.hosts_panel.findChildren(QComboBox):
            combo.currentIndexChanged.connect(lambda _: self._remember())

    def _on_splitter_moved(self) -> None:
        self._splitter_restored = True  # the user chose: keep it
        self._remember()

    def _remember(self) -> None:
        settings = self._settings
        if settings is None or not self._loaded.is_set():
            return
        settings.setValue("tenantsTab/splitter", self.splitter.saveState())
        for key, value in self.hosts_panel.filters_state().items():
            settings.setValue(f"tenantsTab/filter/{key}", value)

    def _restore_filters(self) -> None:
        settings = self._settings
        if settings is None:
            return
        keys = ("tenant", "type", "status")
        state = {k: str(settings.value(f"tenantsTab/filter/{k}", "None")) for k in keys}
        self.hosts_panel.restore_filters(state)

    def menus(self) -> list[tuple[str, list[QAction | None]]]:
        """The tab's menus for the window's menu bar (every action, with its shortcut)."""
        acts = self.host_actions
        return [
            (
                "&Tenants",
                [self.new_tenant, self.edit_tenant, self.delete_tenant, self.move_tenant_hosts],
            ),
            (
                "H&osts",
                [
                    acts.add,
                    acts.import_csv,
                    acts.link,
                    None,
                    acts.details,
                    acts.move,
                    acts.deactivate,
                    acts.reactivate,
                    acts.remove,
                    None,
                    acts.sync,
                    acts.export,
                    acts.audit_log,
                    self.focus_search,
                ],
            ),
        ]

    # Loading -------------------------------------------------------------------------

    async def ready(self) -> None:
        """Return once the first load has shown tenants and hosts (or the empty states)."""
        await self._loaded.wait()

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        """Load on first show."""
        super().showEvent(event)  # type: ignore[arg-type]
        if not self._loaded.is_set() and not getattr(self, "_loading", False):
            self.refresh()
            self.live.start_timers()

    def refresh(self) -> None:
        """Reload tenants and hosts."""
        self._loading = True
        self._runner.run(self.load(), label="Loading tenants and hosts…")

    def _show_loading(self, done: int = 0, total: int = 0) -> None:
        """Loading states (with the first sync's progress) instead of empty ones."""
        activity = self._sync.activity
        first = self.waiting_for_first_sync and activity is not None
        title = f"{activity.text}…".replace("……", "…") if first and activity else ""
        if first and activity is not None:
            done, total = activity.done, activity.total
        self.hosts_panel.set_loading(title or "Loading hosts…", done, total)
        if self.tenants_model.rowCount() == 0:
            self.tenants_empty.show_loading(title or "Loading tenants…", done, total)
            self.tenants_stack.setCurrentWidget(self.tenants_empty)
        self.host_actions.sync.setEnabled(False)

    async def load(self) -> None:
        """Read tenants and hosts; hosts go into the table in chunks so the UI never stalls."""
        try:
            summaries, rows, synced_at = await asyncio.gather(
                self._tenants.summaries(), self._hosts.rows(), self._sync.last_synced_at()
            )
            synced = synced_at is not None
            if not shiboken6.isValid(self.hosts_panel):
                return  # the window closed while the lists were read
            self.hosts_panel.show_last_sync(synced_at, self._now())
            first_load = not self._loaded.is_set()
            if first_load and not synced and self._sync.activity is not None:
                self.waiting_for_first_sync = True
            self._show_tenants(summaries)
            if first_load:
                self._restore_filters()
            await self._show_hosts(rows)
        finally:
            self._loading = False
            self._loaded.set()
        if shiboken6.isValid(self.hosts_panel):
            self._on_sync_changed()

    def _now(self) -> datetime:
        return self._clock.now() if self._clock is not None else datetime.now(UTC)

    def _show_last_sync(self) -> None:
        def show(at: datetime | None) -> None:
            # A sync may end while the window closes: the tab may be gone by now.
            if shiboken6.isValid(self.hosts_panel):
                self.hosts_panel.show_last_sync(at, self._now())

        self._runner.run(self._sync.last_synced_at(), on_done=show)

    @Slot()
    def _on_sync_changed(self) -> None:
        """Sync is off while any sync runs; the first sync's progress shows as loading."""
        if not shiboken6.isValid(self.hosts_panel):
            return
        activity = self._sync.activity
        if activity is None and self.waiting_for_first_sync:
            self.waiting_for_first_sync = False
            self.refresh()
            return
        if self.waiting_for_first_sync:
            self._show_loading()
            return
        self.host_actions.sync.setEnabled(activity is None and self._loaded.is_set())
        if activity is None and self._loaded.is_set():
            self._show_last_sync()

    async def _show_hosts(self, rows: list[HostRow]) -> None:
        await self.hosts_panel.load(rows)
        if self.waiting_for_first_sync and not rows:
            self._show_loading()
        else:
            self.hosts_panel.set_loading(None)
        self.host_actions.update_enabled()

    @Slot()
    def refresh_tenants(self) -> None:
        """Re-read the tenant list (counts change as hosts come and go)."""
        self._runner.run(
            self._tenants.summaries(), on_done=self._show_tenants, label="Loading tenants…"
        )

    def _show_tenants(self, summaries: list[TenantSummary]) -> None:
        self.tenants_model.set_summaries(summaries)
        self.hosts_panel.set_tenants([s.tenant for s in summaries])
        if not summaries and self.waiting_for_first_sync:
            self._show_loading()
        elif not summaries:
            self.tenants_empty.show_empty(NO_TENANTS_TITLE, NO_TENANTS, [self.new_tenant])
        self.tenants_stack.setCurrentWidget(self.tenants_view if summaries else self.tenants_empty)
        # The list is as tall as its rows (up to eight), so no blank band sits under it.
        shown = max(1, min(len(summaries), MAX_TENANT_ROWS))
        frame = 2 * self.tenants_view.frameWidth()
        height = self.tenants_view.horizontalHeader().sizeHint().height() + shown * ROW_HEIGHT
        self.tenants_view.setMaximumHeight(height + frame)
        self._top_height = height + frame + HEADING_HEIGHT
        self._top.setMaximumHeight(self._top_height)
        # Every tenant row in view, the hosts take the rest (until the user drags it).
        self._update_enabled()

    # Tenant actions -------------------------------------------------------------------

    def tenant_records(self) -> list[TenantRecord]:
        """The tenants shown, by name."""
        rows = range(self.tenants_model.rowCount())
        records = [self.tenants_model.summary_at(r).tenant for r in rows]
        return sorted(records, key=lambda t: t.name.casefold())

    def current_summary(self) -> TenantSummary | None:
        """The tenant selected in the list, if any (the list and the filter agree)."""
        rows = self.tenants_view.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def current_tenant_id(self) -> int | None:
        """The selected tenant's id, else the one the hosts are filtered to."""
        summary = self.current_summary()
        if summary is not None:
            return summary.tenant.id
        chosen = self.hosts_panel.tenant_filter.currentData()
        return chosen if isinstance(chosen, int) and chosen > 0 else None

    def _update_enabled(self) -> None:
        summary = self.current_summary()
        chosen = summary is not None
        self.edit_tenant.setEnabled(chosen)
        self.move_tenant_hosts.setEnabled(chosen and bool(summary and summary.host_count))
        reason = delete_blocked_reason(summary) if summary is not None else ""
        offered = bool(reason) and self._sessions is not None
        if offered and summary is not None:
            reason = delete_offer_note(summary)
        self.delete_tenant.setEnabled(chosen and (offered or not reason))
        self.delete_tenant.setToolTip(
            reason or "Delete tenant (Ctrl+Shift+Del, or Del in the list)"
        )
        self.delete_note.setText(reason)
        self.delete_note.setVisible(bool(reason))
        if self._top_height:
            self._top.setMaximumHeight(self._top_height + (self._note_height() if reason else 0))
            self._fit_splitter()

    def _fit_splitter(self) -> None:
        """Every tenant row in view, the hosts below take the rest (until the user drags)."""
        if self._splitter_restored:
            return
        top = self._top.maximumHeight()
        total = self.splitter.height() - self.splitter.handleWidth()
        if total > top:
            # setSizes scales the sizes to the splitter's height: give it the exact split.
            self.splitter.setSizes([top, total - top])

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """Keep the tenant rows in view as the window grows or shrinks."""
        super().resizeEvent(event)
        self._fit_splitter()

    def _note_height(self) -> int:
        width = max(self.delete_note.width(), 400)
        return self.delete_note.heightForWidth(width) + 6

    @Slot()
    def _on_tenant_chosen(self, *_: object) -> None:
        """The list's selection filters the hosts; no selection shows every tenant's."""
        self._update_enabled()
        if self._syncing_selection:
            return
        summary = self.current_summary()
        self._syncing_selection = True
        try:
            self.hosts_panel.show_tenant(summary.tenant.id if summary else None)
        finally:
            self._syncing_selection = False

    @Slot()
    def _on_filter_chosen(self, *_: object) -> None:
        """Choosing a tenant (or All tenants) in the filter selects it in the list too."""
        if self._syncing_selection:
            return
        chosen = self.hosts_panel.tenant_filter.currentData()
        self._syncing_selection = True
        try:
            row = self.tenants_model.row_of(chosen) if isinstance(chosen, int) else None
            if row is None:
                self.tenants_view.clearSelection()
            else:
                self._select_tenant(chosen)
        finally:
            self._syncing_selection = False
        self._update_enabled()

    def open_move_tenant_hosts(self) -> None:
        """Select the tenant's hosts and ask where they move (the way to empty a tenant)."""
        summary = self.current_summary()
        if summary is None:
            return
        self.hosts_panel.show_tenant(summary.tenant.id)
        self.hosts_panel.view.selectAll()
        self.host_actions.move_hosts()

    @Slot()
    def _on_focus_search(self) -> None:
        self.hosts_panel.search.setFocus()
        self.hosts_panel.search.selectAll()

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        open_dialog(dialog, self.tenants_view)

    def open_audit_log(self, host_id: int | None = None) -> None:
        """The audit log (of one host when ``host_id`` is given), beside the window."""
        subjects = [("tenant", str(t.id), t.name) for t in self.tenant_records()]
        chosen = None
        if host_id is not None:
            at = self.hosts_panel.model.row_of(host_id)
            if at is not None:
                email = self.hosts_panel.model.row_at(at).host.email
                subjects.insert(0, ("host", str(host_id), email))
                chosen = ("host", str(host_id))
        dialog = AuditLogDialog(
            self._hosts.audit,
            self._runner,
            subjects=subjects,
            chosen=chosen,
            today=self._now().astimezone(local_zone()).date(),
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.audit_dialog = dialog
        dialog.show()

    def open_new_tenant(self) -> None:
        """Open the New tenant form."""
        dialog = TenantDialog(self._tenants, self._runner, parent=self)
        dialog.saved.connect(self._on_tenant_saved)
        self._open(dialog)

    def open_edit_tenant(self) -> None:
        """Open the selected tenant in the form."""
        summary = self.current_summary()
        if summary is None:
            return
        dialog = TenantDialog(
            self._tenants,
            self._runner,
            summary.tenant,
            parent=self,
            host_count=summary.host_count,
            policy_name=summary.policy_name,
        )
        dialog.saved.connect(self._on_tenant_saved)
        self._open(dialog)

    def _on_tenant_saved(self, tenant: TenantRecord) -> None:
        known = self.tenants_model.row_of(tenant.id) is not None
        self.status_message.emit(f"{'Saved' if known else 'Created'} the tenant “{tenant.name}”.")

        def show(summaries: list[TenantSummary]) -> None:
            self._show_tenants(summaries)
            self._select_tenant(tenant.id)
            self.refresh_hosts()

        self._runner.run(self._tenants.summaries(), on_done=show, label="Loading tenants…")

    def refresh_hosts(self) -> None:
        """Reload the hosts table (tenant names may have changed)."""
        self._runner.run(self._reload_hosts(), label="Loading hosts…")

    async def _reload_hosts(self) -> None:
        await self._show_hosts(await self._hosts.rows())

    def _select_tenant(self, tenant_id: int) -> None:
        row = self.tenants_model.row_of(tenant_id)
        if row is not None:
            index = self.tenants_proxy.mapFromSource(self.tenants_model.index(row, 0))
            self.tenants_view.setCurrentIndex(index)

    def ask_delete_tenant(self) -> None:
        """Delete the selected tenant after a confirmation (off while sessions are coming)."""
        summary = self.current_summary()
        if summary is None or not self.delete_tenant.isEnabled():
            return
        if self._sessions is not None and summary.coming_sessions:
            self._offer_cancel(summary, self._sessions)
            return
        name = summary.tenant.name
        count = summary.host_count
        hosts = (
            "It has no hosts."
            if count == 0
            else f"Its {count} host{'s stay' if count != 1 else ' stays'} in the Zoom account "
            "and in the hosts list, with no tenant."
        )
        text = f"Delete the tenant “{name}”? {hosts}"
        confirm(
            self,
            "Delete tenant",
            text,
            "&Delete",
            lambda: self._delete(summary.tenant.id, name),
            destructive=True,
        )

    def _offer_cancel(self, summary: TenantSummary, sessions: SessionChanges) -> None:
        """Its hosts have coming sessions: offer to cancel them first, priced."""
        name, tenant_id = summary.tenant.name, summary.tenant.id
        count = summary.host_count
        text = (
            f"Delete the tenant “{name}”? Its {count} host{'s stay' if count != 1 else ' stays'} "
            "in the Zoom account and in the hosts list, with no tenant.\n\nIts hosts have "
            f"{summary.coming_sessions} coming session{'s' if summary.coming_sessions != 1 else ''}"
            ". A tenant is deleted only once they are cancelled; to keep them, Cancel here and "
            "move its hosts to another tenant instead (Move hosts…)."
        )
        dialog = DeleteTenantDialog(
            text, sessions.plan_cancel_tenant(tenant_id), runner=self._runner, parent=self
        )

        def chosen(plan: ChangePlan) -> None:
            def sent(done: SessionsSubmitted) -> None:
                if done.done:
                    self._delete(tenant_id, name)
                    return
                line = (
                    f"“{name}” stays until its sessions' cancellations have gone: "
                    f"{plan.summary}. Delete it again then."
                )
                self.status_message.emit(line)
                self.refresh_tenants()
                self.message = show_error(self, "Tenant not deleted yet", line)

            self._runner.run(
                sessions.submit(plan, send_now=True), on_done=sent, label="Cancelling sessions…"
            )

        dialog.chosen.connect(chosen)
        self._open(dialog)

    def _delete(self, tenant_id: int, name: str) -> None:
        def done(_: None) -> None:
            self.status_message.emit(f"Deleted the tenant “{name}”.")
            self.hosts_panel.show_tenant(None)
            self.refresh()

        self._runner.run(
            self._tenants.delete(tenant_id), on_done=done, label="Deleting the tenant…"
        )


def delete_offer_note(summary: TenantSummary) -> str:
    """What Delete tenant offers while the tenant's hosts have coming sessions."""
    count = summary.coming_sessions
    return (
        f"“{summary.tenant.name}”'s hosts have {count} coming session"
        f"{'s' if count != 1 else ''}: Delete tenant… offers to cancel them first; to keep "
        "them, move its hosts to another tenant (Move hosts…, Ctrl+Shift+M)."
    )


def delete_blocked_reason(summary: TenantSummary) -> str:
    """Why the tenant cannot be deleted now, and what to do instead ("" when it can)."""
    count = summary.coming_sessions
    if not count:
        return ""
    return (
        f"“{summary.tenant.name}” cannot be deleted while its hosts have {count} coming "
        f"session{'s' if count != 1 else ''}. Move its hosts to another tenant first "
        "(Move hosts…, Ctrl+Shift+M): their sessions go with them."
    )


class TenantsTable(HostsTable):
    """The tenants list: clicking the selected tenant again, Ctrl+click or Esc deselects it."""

    deselect_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Esc: show every tenant's hosts."""
        if event.key() == Qt.Key.Key_Escape and self.selectionModel().hasSelection():
            self.deselect_requested.emit()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        """A click on the selected row deselects it (so does Ctrl+click)."""
        index = self.indexAt(event.position().toPoint())
        model = self.selectionModel()
        if index.isValid() and model.isRowSelected(index.row(), index.parent()):
            self.deselect_requested.emit()
            return
        super().mousePressEvent(event)


def _heading(text: str, parent: QWidget) -> QWidget:
    label = QLabel(f"<b>{text}</b>", parent)
    box = QWidget(parent)
    layout = QHBoxLayout(box)
    layout.setContentsMargins(4, 4, 4, 0)
    layout.addWidget(label)
    layout.addStretch(1)
    return box
