"""The host actions of the tab (add, import, link, move, deactivate, remove, sync)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from zoomadmin.core.enums import UserStatus
from zoomadmin.core.records import HostRecord, TenantRecord
from zoomadmin.services.host_import import HostImporter
from zoomadmin.services.hosts import (
    HostDetails,
    HostResult,
    HostRow,
    HostService,
    RemovalImpact,
)
from zoomadmin.services.session_changes import ChangePlan, SessionChanges
from zoomadmin.services.session_changes import Submitted as SessionsSubmitted
from zoomadmin.services.sync import SyncReport, SyncService
from zoomadmin.ui.common.async_runner import AsyncRunner
from zoomadmin.ui.common.csv_export import ask_csv_path, visible_table, write_csv
from zoomadmin.ui.common.icons import icon
from zoomadmin.ui.common.messages import error_text, is_retryable, show_error
from zoomadmin.ui.tenants.host_confirm import (
    deactivate_text,
    remove_question,
    remove_text,
    results_text,
)
from zoomadmin.ui.tenants.host_details import HostDetailsDialog
from zoomadmin.ui.tenants.host_dialogs import (
    AddHostDialog,
    LinkUsersDialog,
    MoveHostsDialog,
    open_dialog,
)
from zoomadmin.ui.tenants.hosts_model import ROW_ROLE
from zoomadmin.ui.tenants.hosts_panel import HostsPanel
from zoomadmin.ui.tenants.session_offer import RemoveHostDialog


def confirm(
    parent: QWidget,
    title: str,
    text: str,
    ok_text: str,
    on_yes: Callable[[], None],
    *,
    destructive: bool = False,
) -> QMessageBox:
    """Ask with a non-blocking message box (``open()``); ``on_yes`` runs if the user agrees.

    A destructive question gets the warning icon; Cancel is the default either way.
    """
    box = QMessageBox(parent)
    box.setObjectName("confirmBox")
    box.setIcon(QMessageBox.Icon.Warning if destructive else QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    ok = box.addButton(ok_text, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.finished.connect(lambda _: on_yes() if box.clickedButton() is ok else None)
    open_dialog(box, parent)
    return box


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
    audit_requested = Signal(object)
    """Open the audit log for a host (its id), or for everything (None)."""

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
        sessions: SessionChanges | None = None,
    ) -> None:
        super().__init__(panel)
        self._panel = panel
        self._hosts = hosts
        self._sessions = sessions
        self._sync = sync
        self._importer = importer
        self._runner = runner
        self._tenants = tenants
        self._current_tenant = current_tenant
        self.dialog: QDialog | None = None
        self.details = self._action("Host de&tails…\tEnter", "details", "", self.open_details)
        self.details.setToolTip("Host details (Enter)")
        self.add = self._action("&Add host…", "add-host", "Ctrl+Shift+N", self.add_host)
        self.import_csv = self._action("&Import CSV…", "import", "Ctrl+I", self.open_import)
        self.link = self._action("&Link Zoom users…", "link", "Ctrl+L", self.link_users)
        self.move = self._action("&Move to tenant…", "move", "Ctrl+M", self.move_hosts)
        self.deactivate = self._action(
            "&Deactivate…", "deactivate", "Ctrl+Shift+D", self.deactivate_host
        )
        self.reactivate = self._action(
            "R&eactivate", "activate", "Ctrl+Shift+R", self.reactivate_host
        )
        # The table's Delete key triggers it (only while the table has the focus).
        self.remove = self._action("&Remove from Zoom…\tDel", "remove-user", "", self.remove_host)
        self.remove.setToolTip("Remove from Zoom (Del)")
        self.sync = self._action("&Sync with Zoom", "sync", "F5", self.start_sync)
        self.export = self._action(
            "E&xport shown hosts…", "export", "Ctrl+Shift+E", self.ask_export
        )
        self.audit_log = self._action(
            "Audit lo&g…", "audit", "Ctrl+Shift+G", lambda: self.audit_requested.emit(None)
        )
        for action in (
            self.details,
            self.move,
            self.deactivate,
            self.reactivate,
            self.remove,
            self.export,
        ):
            panel.view.addAction(action)
        panel.no_hosts_actions = [self.sync, self.link, self.add, self.import_csv]
        panel.tenant_empty_actions = [self.add, self.import_csv, self.link]
        panel.set_loading(None)
        panel.view.activated_by_key.connect(self.open_details)
        panel.view.doubleClicked.connect(lambda _: self.open_details())
        panel.view.delete_pressed.connect(self.remove_host)
        panel.selection_changed.connect(self.update_enabled)
        self.update_enabled()

    def _action(self, text: str, icon_name: str, keys: str, slot: Callable[[], None]) -> QAction:
        action = QAction(icon(icon_name), text, self._panel)
        action.setProperty("icon_name", icon_name)
        if keys:
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{text.replace('&', '').rstrip('…')} ({keys})")
        action.triggered.connect(lambda _=False: slot())
        return action

    def update_enabled(self) -> None:
        """Enable the actions that apply to the selected hosts."""
        rows = self._panel.selected_rows()
        self.details.setEnabled(len(rows) == 1)
        self.move.setEnabled(bool(rows))
        self.remove.setEnabled(bool(rows))
        statuses = {r.host.status for r in rows if not r.host.missing_in_zoom}
        self.deactivate.setEnabled(UserStatus.ACTIVE in statuses)
        self.reactivate.setEnabled(UserStatus.INACTIVE in statuses)

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        open_dialog(dialog, self._panel.view)

    def ask_export(self) -> None:
        """Save the rows and columns the hosts table shows now to a CSV file."""
        self.save_dialog = ask_csv_path(self._panel, "Export hosts", "hosts.csv")
        self.save_dialog.fileSelected.connect(lambda path: self.export_to(Path(path)))

    def export_to(self, path: Path) -> None:
        """Write the shown hosts to ``path`` (on a worker thread) and say how many."""
        headers, rows = visible_table(self._panel.view)

        def done(count: int) -> None:
            self.notify.emit(f"Exported {count} host{'s' if count != 1 else ''} to {path.name}.")

        self._runner.run(
            asyncio.to_thread(write_csv, path, headers, rows),
            on_done=done,
            on_error=self._export_failed,
            label="Exporting hosts…",
        )

    def _export_failed(self, exc: BaseException) -> bool:
        if not isinstance(exc, OSError):
            return False
        self.message = show_error(
            self._panel, "Export failed", f"The file could not be written: {exc.strerror}."
        )
        return True

    def open_details(self) -> None:
        """Show the current host's details (Enter or double-click)."""
        current = self._panel.view.currentIndex()
        rows = [current.data(ROW_ROLE)] if current.isValid() else self._panel.selected_rows()
        if len(rows) != 1:
            return
        host_id = rows[0].host.id

        def show(details: HostDetails) -> None:
            dialog = HostDetailsDialog(self._hosts, self._runner, details, self._panel)
            dialog.renamed.connect(lambda host: self.refresh_row(host.id))
            dialog.renamed.connect(
                lambda host: self.notify.emit(f"Renamed {host.email} to {host.display_name}.")
            )
            dialog.audit_requested.connect(self.audit_requested.emit)
            self._open(dialog)

        self._runner.run(
            self._hosts.details(host_id), on_done=show, label="Reading the host's details…"
        )

    def add_host(self) -> None:
        """Open the Add host form (API-only users offered when the account can make them)."""

        def show(api_only: bool) -> None:
            dialog = AddHostDialog(
                self._hosts,
                self._runner,
                self._tenants(),
                self._current_tenant(),
                self._panel,
                known=self._known_host,
                api_only=api_only,
            )
            dialog.host_added.connect(self._on_host_added)
            self._open(dialog)

        self._runner.run(self._hosts.api_only_allowed(), on_done=show, label="Opening Add host…")

    def _known_host(self, email: str) -> HostRecord | None:
        row = self._panel.model.find_email(email)
        return row.host if row is not None else None

    def _on_host_added(self, host: HostRecord) -> None:
        # A new user is pending (Zoom sent the invitation); a linked or moved one is not.
        if host.status == UserStatus.PENDING:
            self.notify.emit(f"Added {host.email} — invitation sent.")
        else:
            self.notify.emit(f"{host.email} is now a host of this tenant.")
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
        """Open the CSV import wizard (its modules load with its first opening)."""
        from zoomadmin.ui.tenants.import_wizard import ImportWizard

        wizard = ImportWizard(
            self._importer, self._runner, self._tenants(), self._current_tenant(), self._panel
        )
        self._runner.run(self._hosts.api_only_allowed(), on_done=wizard.offer_api_only)
        wizard.imported.connect(lambda report: self.notify.emit(f"Import: {report.summary()}"))
        wizard.imported.connect(lambda _: self.reload_requested.emit())
        self._open(wizard)

    def link_users(self) -> None:
        """Pick account users that are in no tenant yet and link them."""

        async def read() -> tuple[list[HostRecord], str]:
            return await self._hosts.unlinked(), await self._hosts.owner_email()

        def show(found: tuple[list[HostRecord], str]) -> None:
            users, owner = found
            dialog = LinkUsersDialog(
                self._hosts,
                self._runner,
                tenants=self._tenants(),
                tenant_id=self._current_tenant(),
                users=users,
                owner_email=owner,
                parent=self._panel,
            )
            dialog.linked.connect(lambda n: self.notify.emit(f"Linked {n} user{'s' * (n != 1)}."))
            dialog.linked.connect(lambda _: self.reload_requested.emit())
            self._open(dialog)

        self._runner.run(read(), on_done=show, label="Reading account users…")

    def move_hosts(self) -> None:
        """Move the selected hosts to another tenant."""
        rows = self._panel.selected_rows()
        if not rows:
            return
        dialog = MoveHostsDialog(self._tenants(), [r.host for r in rows], self._panel)
        ids = [r.host.id for r in rows]

        names = {t.id: t.name for t in self._tenants()}

        def moved(tenant_id: int | None) -> None:
            where = f"“{names[tenant_id]}”" if tenant_id in names else "no tenant"
            count = len(ids)
            self.notify.emit(f"Moved {count} host{'s' if count != 1 else ''} to {where}.")
            self._after_change(ids)

        def move(tenant_id: int | None) -> None:
            self._runner.run(
                self._hosts.move(ids, tenant_id),
                on_done=lambda _: moved(tenant_id),
                label="Moving hosts…",
            )

        dialog.chosen.connect(move)
        self._open(dialog)

    def _after_change(self, host_ids: list[int]) -> None:
        for host_id in host_ids:
            self.refresh_row(host_id)
        self.hosts_changed.emit()

    def deactivate_host(self) -> None:
        """Deactivate the selected active hosts, after saying what happens to their sessions."""
        rows = [r for r in self._panel.selected_rows() if r.host.status == UserStatus.ACTIVE]
        self._with_impacts(rows, self._confirm_deactivate)

    def _confirm_deactivate(self, rows: list[HostRow], impacts: list[RemovalImpact]) -> None:
        text = deactivate_text(impacts, rows[0].tenant_timezone)
        self.confirmation = confirm(
            self._panel,
            "Deactivate hosts" if len(rows) > 1 else "Deactivate host",
            text,
            "&Deactivate",
            lambda: self._set(rows, False),
            destructive=True,
        )

    def reactivate_host(self) -> None:
        """Reactivate the selected deactivated hosts in Zoom."""
        rows = [r for r in self._panel.selected_rows() if r.host.status == UserStatus.INACTIVE]
        if rows:
            self._set(rows, True)

    def _set(self, rows: list[HostRow], active: bool) -> None:
        ids = [r.host.id for r in rows]
        verb = "Reactivated" if active else "Deactivated"
        self._runner.run(
            self._hosts.set_active_many(ids, active),
            on_done=lambda results: self._show_results(verb, results),
            label="Reactivating hosts…" if active else "Deactivating hosts…",
        )

    def _show_results(self, verb: str, results: list[HostResult]) -> None:
        line, failures = results_text(verb, results)
        for result in results:
            if result.ok and self._panel.model.row_of(result.host_id) is not None:
                self.refresh_row(result.host_id)
        self.notify.emit(line)
        self.last_results = results
        if failures:
            self.message = show_error(self._panel, line, f"{line}\n\n{failures}")

    def remove_host(self) -> None:
        """Remove (disassociate) the selected hosts, after saying what happens to sessions."""
        self._with_impacts(self._panel.selected_rows(), self._confirm_remove)

    def _confirm_remove(self, rows: list[HostRow], impacts: list[RemovalImpact]) -> None:
        if self._sessions is not None and len(rows) == 1 and impacts[0].coming_sessions:
            self._offer_sessions(rows[0], impacts[0], self._sessions)
            return
        self.confirmation = confirm(
            self._panel,
            "Remove hosts" if len(rows) > 1 else "Remove host",
            remove_text(impacts, rows[0].tenant_timezone, offered=self._sessions is not None),
            "&Remove",
            lambda: self._remove(rows),
            destructive=True,
        )

    def _offer_sessions(
        self, row: HostRow, impact: RemovalImpact, sessions: SessionChanges
    ) -> None:
        """One host with coming sessions: hand them over, cancel or leave them, priced."""
        question = remove_question(impact, row.tenant_timezone)

        def ask(others: list[HostRecord]) -> None:
            dialog = RemoveHostDialog(
                question,
                row.host,
                others,
                sessions=sessions,
                runner=self._runner,
                parent=self._panel,
            )
            dialog.chosen.connect(lambda plan: self._remove_after(row, plan, sessions))
            self._open(dialog)

        self._runner.run(
            sessions.hand_over_targets(row.host.id), on_done=ask, label="Looking up hosts…"
        )

    def _remove_after(
        self, row: HostRow, plan: ChangePlan | None, sessions: SessionChanges
    ) -> None:
        """Send the plan's writes first (at once, as far as the quota allows); remove the
        host once they have all gone, else say what waits."""
        if plan is None:
            self._remove([row])
            return

        def sent(done: SessionsSubmitted) -> None:
            if done.done:
                self.notify.emit(f"{plan.description}.")
                self._remove([row])
                return
            line = (
                f"{row.host.email} stays until its sessions' writes have gone: "
                f"{plan.summary}. Remove it again then."
            )
            self.notify.emit(line)
            self.hosts_changed.emit()
            self.message = show_error(self._panel, "Host not removed yet", line)

        self._runner.run(
            sessions.submit(plan, send_now=True), on_done=sent, label="Sending the changes…"
        )

    def _remove(self, rows: list[HostRow]) -> None:
        def done(results: list[HostResult]) -> None:
            for result in results:
                if result.ok:
                    self._panel.model.remove(result.host_id)
            self._show_results("Removed", results)
            self.hosts_changed.emit()

        ids = [r.host.id for r in rows]
        self._runner.run(self._hosts.remove_many(ids), on_done=done, label="Removing…")

    def _with_impacts(
        self, rows: list[HostRow], then: Callable[[list[HostRow], list[RemovalImpact]], None]
    ) -> None:
        if not rows:
            return
        self._runner.run(
            self._hosts.impacts([r.host.id for r in rows]),
            on_done=lambda impacts: then(rows, impacts) if impacts else None,
            label="Looking up the hosts' sessions…",
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
    last_results: list[HostResult] | None = None
    confirmation: QMessageBox | None = None
    save_dialog: QFileDialog | None = None
    message: QMessageBox | None = None
    """The last error message this shows itself (with Retry when trying again may work)."""
