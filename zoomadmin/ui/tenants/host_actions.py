"""The host actions of the tab (add, import, link, move, deactivate, remove, sync)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from zoomadmin.core.enums import UserStatus
from zoomadmin.core.records import HostRecord, TenantRecord
from zoomadmin.services.host_import import HostImporter
from zoomadmin.services.hosts import HostRow, HostService, RemovalImpact
from zoomadmin.services.sync import SyncReport, SyncService
from zoomadmin.ui.common.async_runner import AsyncRunner
from zoomadmin.ui.common.icons import icon
from zoomadmin.ui.common.messages import error_text, is_retryable, show_error
from zoomadmin.ui.tenants.host_dialogs import (
    AddHostDialog,
    LinkUsersDialog,
    MoveHostsDialog,
    open_dialog,
)
from zoomadmin.ui.tenants.hosts_model import local_time
from zoomadmin.ui.tenants.hosts_panel import HostsPanel
from zoomadmin.ui.tenants.import_wizard import ImportWizard

REMOVE_SESSIONS_ADVICE = (
    "Its meetings leave with the user and no longer appear here. zoomadmin cannot move "
    "meetings to another host yet: to keep them running, choose Deactivate instead (they stay "
    "scheduled), or reassign them in the Zoom web portal before removing."
)


def confirm(
    parent: QWidget, title: str, text: str, ok_text: str, on_yes: Callable[[], None]
) -> QMessageBox:
    """Ask with a non-blocking message box (``open()``); ``on_yes`` runs if the user agrees."""
    box = QMessageBox(parent)
    box.setObjectName("confirmBox")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    ok = box.addButton(ok_text, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.finished.connect(lambda _: on_yes() if box.clickedButton() is ok else None)
    open_dialog(box, parent)
    return box


def sessions_text(impact: RemovalImpact, timezone: str, shown: int = 3) -> str:
    """ "3 coming sessions (first: Algebra, Tue 3 Mar 16:00 EST; …)" or "no coming sessions"."""
    sessions = impact.coming_sessions
    if not sessions:
        return "It has no coming sessions."
    listed = "; ".join(f"{s.topic}, {local_time(s.start_time, timezone)}" for s in sessions[:shown])
    more = "; …" if len(sessions) > shown else ""
    count = len(sessions)
    return f"It has {count} coming session{'s' if count != 1 else ''} ({listed}{more})."


class HostActions(QObject):
    """Owns the host QActions and runs each flow through the dialogs and the services."""

    hosts_changed = Signal()
    """Hosts were added, moved or removed: tenant counts need a refresh."""
    reload_requested = Signal()
    """Many hosts changed (sync, import, link): reload the whole list."""
    notify = Signal(str)
    """A short confirmation of what an action did, for the status bar."""
    zoom_problem = Signal(str)
    """How the last call to Zoom went: why it failed, or "" once it worked again."""

    def __init__(
        self,
        panel: HostsPanel,
        *,
        hosts: HostService,
        sync: SyncService,
        importer: HostImporter,
        runner: AsyncRunner,
        tenants: Callable[[], Sequence[TenantRecord]],
        current_tenant: Callable[[], int | None],
    ) -> None:
        super().__init__(panel)
        self._panel = panel
        self._hosts = hosts
        self._sync = sync
        self._importer = importer
        self._runner = runner
        self._tenants = tenants
        self._current_tenant = current_tenant
        self.dialog: QDialog | None = None
        self.add = self._action("&Add host…", "add", "Ctrl+Shift+N", self.add_host)
        self.import_csv = self._action("&Import CSV…", "import", "Ctrl+I", self.open_import)
        self.link = self._action("&Link Zoom users…", "link", "Ctrl+L", self.link_users)
        self.move = self._action("&Move to tenant…", "move", "Ctrl+M", self.move_hosts)
        self.deactivate = self._action("&Deactivate", "deactivate", "", self.deactivate_host)
        self.reactivate = self._action("&Reactivate", "activate", "", self.reactivate_host)
        # The table's Delete key triggers it (only while the table has the focus).
        self.remove = self._action("&Remove from Zoom…\tDel", "remove", "", self.remove_host)
        self.sync = self._action("&Sync with Zoom", "sync", "F5", self.start_sync)
        for action in (self.move, self.deactivate, self.reactivate, self.remove):
            panel.view.addAction(action)
        panel.no_hosts_actions = [self.sync, self.link, self.add, self.import_csv]
        panel.tenant_empty_actions = [self.add, self.import_csv, self.link]
        panel.set_loading(None)
        panel.view.activated_by_key.connect(self.move_hosts)
        panel.view.doubleClicked.connect(lambda _: self.move_hosts())
        panel.view.delete_pressed.connect(self.remove_host)
        panel.selection_changed.connect(self.update_enabled)
        self.update_enabled()

    def _action(self, text: str, icon_name: str, keys: str, slot: Callable[[], None]) -> QAction:
        action = QAction(icon(icon_name), text, self._panel)
        if keys:
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{text.replace('&', '').rstrip('…')} ({keys})")
        action.triggered.connect(lambda _=False: slot())
        return action

    def update_enabled(self) -> None:
        """Enable the actions that apply to the selected hosts."""
        rows = self._panel.selected_rows()
        self.move.setEnabled(bool(rows))
        self.remove.setEnabled(len(rows) == 1)
        one = rows[0].host if len(rows) == 1 else None
        self.deactivate.setEnabled(one is not None and one.status == UserStatus.ACTIVE)
        self.reactivate.setEnabled(one is not None and one.status == UserStatus.INACTIVE)

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        open_dialog(dialog, self._panel.view)

    def add_host(self) -> None:
        """Open the Add host form."""
        dialog = AddHostDialog(
            self._hosts,
            self._runner,
            self._tenants(),
            self._current_tenant(),
            self._panel,
            known=self._known_host,
        )
        dialog.host_added.connect(self._on_host_added)
        self._open(dialog)

    def _known_host(self, email: str) -> HostRecord | None:
        row = self._panel.model.find_email(email)
        return row.host if row is not None else None

    def _on_host_added(self, host: HostRecord) -> None:
        self.refresh_row(host.id, select=True)
        self.hosts_changed.emit()

    def refresh_row(self, host_id: int, *, select: bool = False) -> None:
        """Re-read one host and show it in place."""

        def show(row: HostRow) -> None:
            self._panel.model.upsert(row)
            if select:
                self._panel.select_host(host_id)
            self.update_enabled()

        self._runner.run(self._hosts.row(host_id), on_done=show, label="Refreshing the host…")

    def open_import(self) -> None:
        """Open the CSV import wizard."""
        wizard = ImportWizard(
            self._importer, self._runner, self._tenants(), self._current_tenant(), self._panel
        )
        wizard.imported.connect(lambda _: self.reload_requested.emit())
        self._open(wizard)

    def link_users(self) -> None:
        """Pick account users that are in no tenant yet and link them."""

        def show(users: list[HostRecord]) -> None:
            dialog = LinkUsersDialog(
                self._hosts,
                self._runner,
                tenants=self._tenants(),
                tenant_id=self._current_tenant(),
                users=users,
                parent=self._panel,
            )
            dialog.linked.connect(lambda _: self.reload_requested.emit())
            self._open(dialog)

        self._runner.run(self._hosts.unlinked(), on_done=show, label="Reading account users…")

    def move_hosts(self) -> None:
        """Move the selected hosts to another tenant."""
        rows = self._panel.selected_rows()
        if not rows:
            return
        dialog = MoveHostsDialog(self._tenants(), [r.host for r in rows], self._panel)
        ids = [r.host.id for r in rows]

        def move(tenant_id: int | None) -> None:
            self._runner.run(
                self._hosts.move(ids, tenant_id),
                on_done=lambda _: self._after_change(ids),
                label="Moving hosts…",
            )

        dialog.chosen.connect(move)
        self._open(dialog)

    def _after_change(self, host_ids: list[int]) -> None:
        for host_id in host_ids:
            self.refresh_row(host_id)
        self.hosts_changed.emit()

    def deactivate_host(self) -> None:
        """Deactivate the selected host in Zoom, after saying what happens to its sessions."""
        self._with_impact(self._confirm_deactivate)

    def _confirm_deactivate(self, row: HostRow, impact: RemovalImpact) -> None:
        text = (
            f"Deactivate {row.host.email}? The user can no longer sign in or start meetings. "
            f"{sessions_text(impact, row.tenant_timezone)} Sessions stay scheduled but cannot "
            "start until the host is reactivated."
        )
        confirm(self._panel, "Deactivate host", text, "&Deactivate", lambda: self._set(row, False))

    def reactivate_host(self) -> None:
        """Reactivate the selected host in Zoom."""
        rows = self._panel.selected_rows()
        if len(rows) == 1:
            self._set(rows[0], True)

    def _set(self, row: HostRow, active: bool) -> None:
        self._runner.run(
            self._hosts.set_active(row.host.id, active),
            on_done=lambda host: self.refresh_row(host.id),
            label="Reactivating the host…" if active else "Deactivating the host…",
        )

    def remove_host(self) -> None:
        """Remove (disassociate) the selected host, after saying what happens to its sessions."""
        self._with_impact(self._confirm_remove)

    def _confirm_remove(self, row: HostRow, impact: RemovalImpact) -> None:
        text = (
            f"Remove {row.host.email} from the Zoom account? Zoom disassociates the user: it "
            "becomes a free Zoom account of its own, outside this account, and zoomadmin "
            f"forgets the host. {sessions_text(impact, row.tenant_timezone)} "
            f"{REMOVE_SESSIONS_ADVICE if impact.coming_sessions else ''}"
        )
        confirm(self._panel, "Remove host", text, "&Remove", lambda: self._remove(row))

    def _remove(self, row: HostRow) -> None:
        def done(_: None) -> None:
            self._panel.model.remove(row.host.id)
            self.hosts_changed.emit()

        self._runner.run(self._hosts.remove(row.host.id), on_done=done, label="Removing…")

    def _with_impact(self, then: Callable[[HostRow, RemovalImpact], None]) -> None:
        rows = self._panel.selected_rows()
        if len(rows) != 1:
            return
        row = rows[0]
        self._runner.run(
            self._hosts.impact(row.host.id),
            on_done=lambda impact: then(row, impact),
            label="Looking up the host's sessions…",
        )

    def start_sync(self) -> None:
        """Read every Zoom user and the tenant hosts' sessions (with progress), then reload."""
        bar = self._panel.progress
        bar.setRange(0, 0)
        bar.setFormat("Syncing with Zoom… %v of %m users")
        bar.show()

        def progress(done: int, total: int) -> None:
            bar.setRange(0, total)
            bar.setValue(done)

        def sessions(done: int, total: int) -> None:
            bar.setFormat("Reading sessions… %v of %m hosts")
            progress(done, total)

        def finished(report: SyncReport) -> None:
            bar.hide()
            self.last_sync = report
            self._panel.count.setToolTip(report.summary())
            self.zoom_problem.emit("")
            self.notify.emit(report.summary())
            self.reload_requested.emit()

        def failed(exc: BaseException) -> bool:
            bar.hide()
            text = error_text(exc)
            if text is None:
                return False
            self.zoom_problem.emit(text)
            retry = self.start_sync if is_retryable(exc) else None
            self.message = show_error(self._panel, "Sync with Zoom failed", text, retry=retry)
            return True

        self.sync.setEnabled(False)
        task = self._runner.run(
            self._sync.sync(progress, sessions),
            on_done=finished,
            on_error=failed,
            label="Syncing with Zoom…",
        )
        task.add_done_callback(lambda _: self.sync.setEnabled(True))

    last_sync: SyncReport | None = None
    message: QMessageBox | None = None
    """The last error message this shows itself (with Retry when trying again may work)."""
