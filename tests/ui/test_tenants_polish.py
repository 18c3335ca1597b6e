"""Tenants & Hosts polish: each test is one numbered defect of the tab, driven as a user would."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import timedelta
from pathlib import Path
from typing import Any

from accelerators import clashes, literal_ampersands
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from tenants_tab_support import TabWorld, world
from test_tenants_tab import create_tenant, preview_import
from zoom_users import add_zoom_user

from zoomadmin.core.enums import UserStatus
from zoomadmin.sandbox.faults import FaultPlan
from zoomadmin.store.hosts import HostData
from zoomadmin.store.meetings import MeetingData
from zoomadmin.ui.status_bar import AppStatusBar
from zoomadmin.ui.tenants.host_dialogs import AddHostDialog, LinkUsersDialog, MoveHostsDialog
from zoomadmin.ui.tenants.hosts_model import HostColumn
from zoomadmin.ui.tenants.import_wizard import ImportWizard
from zoomadmin.ui.tenants.tenant_dialog import TenantDialog
from zoomadmin.ui.tenants.tenants_model import TenantColumn
from zoomadmin.ui.tenants.tenants_tab import TenantsTab

WaitUntil = Callable[..., Coroutine[Any, Any, None]]

__all__ = ["world"]


async def sync_now(world: TabWorld) -> None:
    """Sync with Zoom (F5) and wait until the tab shows the result."""
    world.tab.host_actions.sync.trigger()
    await world.runner.wait_idle()


async def test_1_a_new_tenant_with_no_hosts_says_so_and_counts_of_all(
    world: TabWorld, qtbot: QtBot
) -> None:
    for n in range(3):
        add_zoom_user(world.server, f"user{n}@school.example")
    await sync_now(world)
    await create_tenant(world, qtbot, "Westfield Primary")
    panel = world.tab.hosts_panel
    assert panel.stack.currentWidget() is panel.empty
    assert panel.empty.title.text() == "Westfield Primary has no hosts yet"
    assert panel.empty.button_texts() == ["Add host", "Import CSV", "Link Zoom users"]
    assert panel.count.text() == "0 of 4 hosts"


async def test_2_the_count_follows_a_removed_host_at_once(world: TabWorld, qtbot: QtBot) -> None:
    for n in range(3):
        add_zoom_user(world.server, f"user{n}@school.example")
    await sync_now(world)
    panel = world.tab.hosts_panel
    assert panel.count.text() == "4 hosts"
    panel.model.remove(panel.model.row_at(0).host.id)
    assert panel.count.text() == "3 hosts"


async def test_4_a_created_host_is_pending_until_zoom_says_otherwise(
    world: TabWorld, qtbot: QtBot
) -> None:
    await create_tenant(world, qtbot)
    world.tab.host_actions.add.trigger()
    await world.runner.wait_idle()
    dialog = world.tab.host_actions.dialog
    assert isinstance(dialog, AddHostDialog)
    dialog.buttons.accepted.emit()
    await world.runner.wait_idle()
    host = world.store.hosts.find_by_email("teach+northside-1@school.example")
    assert host is not None and host.status == UserStatus.PENDING


async def test_4_the_import_report_says_invited_not_created(
    world: TabWorld, qtbot: QtBot, tmp_path: Path
) -> None:
    await create_tenant(world, qtbot)
    wizard = await preview_import(world, tmp_path, "ann@school.example,Ann,Lee,Basic\n")
    wizard.next.click()
    await world.runner.wait_idle()
    assert wizard.summary.text() == "1 host invited."
    assert wizard.model.data(wizard.model.index(0, 4)) == "Invited (pending activation)"
    panel = world.tab.hosts_panel
    assert panel.model.data(panel.model.index(0, HostColumn.STATUS)) == "Pending"


async def test_3_first_sync_shows_loading_with_progress_and_sync_is_off(
    world: TabWorld, qtbot: QtBot, wait_until: WaitUntil
) -> None:
    old = world.tab
    sync = old.host_actions._sync
    tab = TenantsTab(
        tenants=old._tenants,
        hosts=old._hosts,
        sync=sync,
        importer=old.host_actions._importer,
        runner=world.runner,
        changes=world.changes,
    )
    qtbot.addWidget(tab)
    assert tab.hosts_panel.loading and tab.tenants_empty.loading
    assert not tab.host_actions.sync.isEnabled()
    add_zoom_user(world.server, "ann@school.example")
    with sync.announced("Setting up the account from Zoom…"):
        tab.show()
        await tab.ready()
        assert tab.waiting_for_first_sync
        assert tab.hosts_panel.stack.currentWidget() is tab.hosts_panel.empty
        assert tab.hosts_panel.empty.title.text() == "Setting up the account from Zoom…"
        assert tab.tenants_empty.loading
        assert not tab.host_actions.sync.isEnabled()
        await sync.sync_users()
    await wait_until(lambda: tab.hosts_panel.model.rowCount() == 2 and not tab.hosts_panel.loading)
    await world.runner.wait_idle()
    assert tab.host_actions.sync.isEnabled()
    assert tab.tenants_empty.title.text() == "No tenants yet"


async def test_5_a_zoom_server_error_says_so_offers_retry_and_shows_in_the_status_bar(
    world: TabWorld, qtbot: QtBot
) -> None:
    status = AppStatusBar([1.0])
    qtbot.addWidget(status)
    status.show_connection("Connected")
    world.tab.zoom_problem.connect(status.show_zoom_problem)
    world.server.sandbox.faults = FaultPlan.parse("5xx=1.0,seed=1")
    await sync_now(world)
    box = world.tab.host_actions.message
    assert box is not None and box.isVisible()
    assert "server error, HTTP 5" in box.text() and "cannot be reached" not in box.text()
    assert "Error)" not in box.text()
    assert box.button(QMessageBox.StandardButton.Retry) is not None
    assert status.connection.text() == "Zoom: not answering"
    world.server.sandbox.faults = FaultPlan.parse("")
    box.button(QMessageBox.StandardButton.Retry).click()
    await world.runner.wait_idle()
    assert status.connection.text() == "Connected"


async def _tenant_with_a_session(world: TabWorld, qtbot: QtBot) -> int:
    await create_tenant(world, qtbot)
    tenant_id = world.tab.current_tenant_id()
    assert tenant_id is not None
    user_id = add_zoom_user(world.server, "ann@school.example")
    host = world.store.hosts.add(HostData(user_id, "ann@school.example", tenant_id=tenant_id))
    start = world.server.sandbox.clock.now() + timedelta(days=2)
    world.store.meetings.save(MeetingData(83000000001, host.id, "Algebra", start, 60))
    world.tab.refresh()
    await world.runner.wait_idle()
    return tenant_id


async def test_6_delete_tenant_is_off_with_its_reason_and_move_hosts_is_offered(
    world: TabWorld, qtbot: QtBot
) -> None:
    await _tenant_with_a_session(world, qtbot)
    tab = world.tab
    assert tab.current_summary() is not None
    assert not tab.delete_tenant.isEnabled()
    assert tab.delete_note.isVisible()
    assert "cannot be deleted while its hosts have 1 coming session" in tab.delete_note.text()
    assert "Move hosts…" in tab.delete_note.text()
    assert tab.move_tenant_hosts.isEnabled()
    tab.tenants_view.setFocus()
    qtbot.keyClick(tab.tenants_view, Qt.Key.Key_Delete)
    assert tab.findChild(QMessageBox, "confirmBox") is None  # no "Delete?" to be refused after
    tab.move_tenant_hosts.trigger()
    assert isinstance(tab.host_actions.dialog, MoveHostsDialog)


async def test_6_remove_says_what_the_user_can_do_with_the_meetings(
    world: TabWorld, qtbot: QtBot
) -> None:
    await _tenant_with_a_session(world, qtbot)
    panel = world.tab.hosts_panel
    panel.view.selectRow(0)
    world.tab.host_actions.remove.trigger()
    await world.runner.wait_idle()
    box = panel.findChild(QMessageBox, "confirmBox")
    assert box is not None
    assert "move them to another host first" not in box.text()
    assert "choose Deactivate instead" in box.text()


async def test_7_add_host_with_another_tenants_email_offers_move_it_here(
    world: TabWorld, qtbot: QtBot
) -> None:
    await create_tenant(world, qtbot, "Southside")
    south = world.tab.current_tenant_id()
    add_zoom_user(world.server, "ann@school.example")
    assert south is not None
    await world.tab.host_actions._hosts.link_email("ann@school.example", south)
    await create_tenant(world, qtbot, "Northside")
    north = world.tab.current_tenant_id()
    await world.runner.wait_idle()
    world.tab.host_actions.add.trigger()
    await world.runner.wait_idle()
    dialog = world.tab.host_actions.dialog
    assert isinstance(dialog, AddHostDialog)
    dialog.email.setText("ann@school.example")
    assert "already a host of “Southside”" in dialog.error.text()
    assert dialog.move_button.isVisible() and not dialog.link_button.isVisible()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    dialog.move_button.click()
    await world.runner.wait_idle()
    moved = world.store.hosts.find_by_email("ann@school.example")
    assert moved is not None and moved.tenant_id == north


async def test_8_one_selection_drives_the_list_and_the_filter(
    world: TabWorld, qtbot: QtBot
) -> None:
    await create_tenant(world, qtbot)
    tab = world.tab
    combo = tab.hosts_panel.tenant_filter
    assert tab.current_summary() is not None and combo.currentText() == "Northside"
    combo.setCurrentIndex(combo.findData(None))  # "All tenants"
    assert tab.current_summary() is None
    assert not tab.edit_tenant.isEnabled() and not tab.delete_tenant.isEnabled()
    combo.setCurrentIndex(combo.findText("Northside"))
    assert tab.current_summary() is not None
    tab.tenants_view.setFocus()
    qtbot.keyClick(tab.tenants_view, Qt.Key.Key_Escape)
    assert tab.current_summary() is None and combo.currentText() == "All tenants"
    rect = tab.tenants_view.visualRect(tab.tenants_proxy.index(0, 0))
    qtbot.mouseClick(tab.tenants_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert tab.current_summary() is not None and combo.currentText() == "Northside"
    qtbot.mouseClick(tab.tenants_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert tab.current_summary() is None and combo.currentText() == "All tenants"


async def _tenant_with_ann(world: TabWorld, qtbot: QtBot) -> None:
    await create_tenant(world, qtbot)
    add_zoom_user(world.server, "ann@school.example")
    tenant_id = world.tab.current_tenant_id()
    assert tenant_id is not None
    await world.tab.host_actions._hosts.link_email("ann@school.example", tenant_id)
    world.tab.refresh()
    await world.runner.wait_idle()


async def test_9_enter_opens_the_host_details_which_rename_and_copy(
    world: TabWorld, qtbot: QtBot
) -> None:
    from zoomadmin.ui.tenants.host_details import HostDetailsDialog

    await _tenant_with_ann(world, qtbot)
    view = world.tab.hosts_panel.view
    view.setFocus()
    view.selectRow(0)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    await world.runner.wait_idle()
    dialog = world.tab.host_actions.dialog
    assert isinstance(dialog, HostDetailsDialog)
    assert dialog.email.text() == "ann@school.example"
    assert dialog.zoom_id.text() == world.store.hosts.all()[0].zoom_user_id
    assert dialog.tenant.text() == "Northside"
    assert dialog.kind.text() == "Basic" and dialog.status.text() == "Active"
    assert dialog.quota.text() == "0 of 100 meeting requests"
    assert dialog.sessions.item(0).text() == "No coming sessions."
    assert "Existing Zoom user linked" in dialog.audit.item(0).text()
    dialog.copy_email.click()
    assert QGuiApplication.clipboard().text() == "ann@school.example"
    dialog.copy_zoom_id.click()
    assert QGuiApplication.clipboard().text() == dialog.zoom_id.text()
    dialog.first_name.setText("Annie")
    assert dialog.save_name.isEnabled()
    dialog.save_name.click()
    await world.runner.wait_idle()
    assert world.store.hosts.all()[0].first_name == "Annie"
    user = await world.zoom.get_user("ann@school.example")
    assert user.first_name == "Annie"
    panel = world.tab.hosts_panel
    assert panel.model.data(panel.model.index(0, HostColumn.NAME)) == "Annie Lee"


async def _three_hosts(world: TabWorld, qtbot: QtBot) -> None:
    await create_tenant(world, qtbot)
    tenant_id = world.tab.current_tenant_id()
    assert tenant_id is not None
    for name in ("ann", "bob", "cy"):
        add_zoom_user(world.server, f"{name}@school.example", name.title(), "Lee")
        await world.tab.host_actions._hosts.link_email(f"{name}@school.example", tenant_id)
    world.tab.refresh()
    await world.runner.wait_idle()


def _click(box: QMessageBox | None, text: str) -> None:
    assert box is not None
    next(b for b in box.findChildren(QPushButton) if b.text() == text).click()


async def test_10_deactivate_reactivate_and_remove_many_with_one_question_each(
    world: TabWorld, qtbot: QtBot
) -> None:
    await _three_hosts(world, qtbot)
    panel, actions = world.tab.hosts_panel, world.tab.host_actions
    panel.view.selectAll()
    assert actions.deactivate.isEnabled() and actions.remove.isEnabled()
    actions.deactivate.trigger()
    await world.runner.wait_idle()
    box = actions.confirmation
    assert box is not None and box.text().startswith("Deactivate 3 hosts?")
    assert "None of them has coming sessions." in box.text()
    _click(box, "&Deactivate")
    await world.runner.wait_idle()
    assert actions.last_results is not None and all(r.ok for r in actions.last_results)
    assert {h.status for h in world.store.hosts.all()} == {UserStatus.INACTIVE}
    panel.view.selectAll()
    assert actions.reactivate.isEnabled() and not actions.deactivate.isEnabled()
    actions.reactivate.trigger()
    await world.runner.wait_idle()
    assert {h.status for h in world.store.hosts.all()} == {UserStatus.ACTIVE}
    panel.view.selectAll()
    actions.remove.trigger()
    await world.runner.wait_idle()
    assert actions.confirmation is not None
    assert actions.confirmation.text().startswith("Remove 3 hosts from the Zoom account?")
    # One host another desk removed meanwhile: the others go, the result names the one.
    gone = world.store.hosts.find_by_email("ann@school.example")
    assert gone is not None
    world.store.hosts.delete(gone.id)
    _click(actions.confirmation, "&Remove")
    await world.runner.wait_idle()
    assert actions.last_results is not None
    assert [r.ok for r in actions.last_results].count(True) == 2
    assert world.store.hosts.all() == []
    assert actions.message is not None
    assert actions.message.text().startswith("Removed 2 of 3 hosts.")


async def test_17_confirmations_name_the_host_list_sessions_once_per_topic_and_warn(
    world: TabWorld, qtbot: QtBot
) -> None:
    await create_tenant(world, qtbot)
    tenant_id = world.tab.current_tenant_id()
    user_id = add_zoom_user(world.server, "ann@school.example")
    host = world.store.hosts.add(
        HostData(user_id, "ann@school.example", "Ann", "Lee", tenant_id=tenant_id)
    )
    start = world.server.sandbox.clock.now() + timedelta(days=2)
    for n in range(4):
        meeting = MeetingData(83000000001 + n, host.id, "Algebra", start + timedelta(days=n), 60)
        world.store.meetings.save(meeting)
    world.tab.refresh()
    await world.runner.wait_idle()
    world.tab.hosts_panel.view.selectRow(0)
    world.tab.host_actions.deactivate.trigger()
    await world.runner.wait_idle()
    box = world.tab.host_actions.confirmation
    assert box is not None
    assert box.text().startswith("Deactivate Ann Lee <ann@school.example>?")
    assert box.text().count("Algebra") == 1
    assert "It has 4 coming sessions: Algebra (" in box.text() and "+1 more" in box.text()
    assert box.icon() == QMessageBox.Icon.Warning
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)


async def test_11_every_action_confirms_in_the_status_bar_and_the_last_sync_shows(
    world: TabWorld, qtbot: QtBot
) -> None:
    said: list[str] = []
    world.tab.status_message.connect(said.append)
    assert world.tab.hosts_panel.synced.text() == "Never synced with Zoom (F5)"
    await create_tenant(world, qtbot)
    assert said[-1] == "Created the tenant “Northside”."
    world.tab.host_actions.add.trigger()
    await world.runner.wait_idle()
    dialog = world.tab.host_actions.dialog
    assert isinstance(dialog, AddHostDialog)
    dialog.buttons.accepted.emit()
    await world.runner.wait_idle()
    assert said[-1] == "Added teach+northside-1@school.example — invitation sent."
    await sync_now(world)
    assert said[-1].startswith("Synced 2 Zoom users")
    await world.runner.wait_idle()
    assert world.tab.hosts_panel.synced.text().startswith("Last sync with Zoom: ")
    world.tab.hosts_panel.view.selectRow(0)
    world.tab.host_actions.move.trigger()
    move = world.tab.host_actions.dialog
    assert isinstance(move, MoveHostsDialog)
    move.chosen.emit(None)
    await world.runner.wait_idle()
    assert said[-1] == "Moved 1 host to no tenant."


async def test_12_export_writes_the_visible_rows_and_columns(
    world: TabWorld, qtbot: QtBot, tmp_path: Path
) -> None:
    await _three_hosts(world, qtbot)
    panel = world.tab.hosts_panel
    panel.search.setText("bob")
    panel._apply_search()
    assert panel.proxy.rowCount() == 1
    panel.view.horizontalHeader().hideSection(HostColumn.ZOOM_ID)
    target = tmp_path / "out.csv"
    world.tab.host_actions.export_to(target)
    await world.runner.wait_idle()
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Name,Email,Tenant,Type,Status")
    assert "Zoom user id" not in lines[0]
    assert len(lines) == 2 and "bob@school.example" in lines[1]


async def test_13_the_audit_log_opens_from_the_host_details_and_filters(
    world: TabWorld, qtbot: QtBot
) -> None:
    from zoomadmin.ui.common.audit_log import AuditColumn
    from zoomadmin.ui.tenants.host_details import HostDetailsDialog

    await _three_hosts(world, qtbot)
    actions = world.tab.host_actions
    panel = world.tab.hosts_panel
    panel.view.selectRow(0)
    panel.view.setCurrentIndex(panel.proxy.index(0, 0))
    actions.open_details()
    await world.runner.wait_idle()
    details = actions.dialog
    assert isinstance(details, HostDetailsDialog)
    details.open_audit.click()
    await world.runner.wait_idle()
    log = world.tab.audit_dialog
    assert log is not None and log.isVisible()
    email = details.email.text()
    assert log.model.rowCount() == 1
    assert log.model.index(0, AuditColumn.ABOUT).data() == email
    assert log.model.index(0, AuditColumn.WHAT).data() == "Existing Zoom user linked"
    log.about.setCurrentIndex(0)  # Everything
    log.reload()
    await world.runner.wait_idle()
    # The tenant, three links, and whatever else the account's features audited (policies).
    assert log.model.rowCount() >= 4
    log.action.setCurrentIndex(log.action.findData("tenant.create"))
    log.reload()
    await world.runner.wait_idle()
    assert log.model.rowCount() == 1
    log.action.setCurrentIndex(0)
    log.search.setText("cy@school")
    log.reload()
    await world.runner.wait_idle()
    assert log.model.rowCount() == 1
    log.since.setDate(log.until.date().addDays(1))
    log.reload()
    await world.runner.wait_idle()
    assert log.model.rowCount() == 0
    tester = QAbstractItemModelTester(log.model)
    assert tester is not None
    world.tab.host_actions.audit_log.trigger()
    assert world.tab.audit_dialog is not log


async def test_14_field_errors_sit_by_the_field_clear_when_fixed_and_save_waits(
    world: TabWorld, qtbot: QtBot
) -> None:
    await create_tenant(world, qtbot)
    qtbot.keyClick(world.tab, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = world.tab.dialog
    assert isinstance(dialog, TenantDialog)
    assert not dialog.save.isEnabled()  # the required fields are empty
    dialog.name.setText("northside")
    dialog.mailbox.setText("teach")
    dialog.domain.setText("school.example")
    assert dialog.save.isEnabled()
    dialog.buttons.accepted.emit()
    await world.runner.wait_idle()
    label = dialog.errors.label_for(dialog.name)
    assert "already exists" in label.text() and not label.isHidden()
    assert dialog.name.property("invalid") and dialog.name.hasFocus()
    dialog.name.setText("Eastside")
    assert label.isHidden() and not dialog.name.property("invalid")
    dialog.mailbox.setText("")
    assert dialog.errors.text(dialog.mailbox) == "Name the mailbox."
    assert not dialog.save.isEnabled()
    dialog.mailbox.setText("teach")
    assert dialog.errors.text(dialog.mailbox) == "" and dialog.save.isEnabled()
    assert label.styleSheet() == dialog.errors.label_for(dialog.domain).styleSheet()


async def test_15_the_tenant_form_speaks_of_the_tenant_tag_and_previews_whole_addresses(
    world: TabWorld, qtbot: QtBot
) -> None:
    from zoomadmin.ui.tenants.tenant_dialog import default_timezone

    qtbot.keyClick(world.tab, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = world.tab.dialog
    assert isinstance(dialog, TenantDialog)
    assert dialog.timezone.currentText() == default_timezone()
    labels = [w.text() for w in dialog.findChildren(QLabel)]
    assert "Tenant ta&g:" in labels and any("{tenant} is the Tenant tag" in t for t in labels)
    dialog.name.setText("Westfield Primary")
    dialog.mailbox.setText("teach")
    dialog.domain.setText("school.example")
    assert not dialog.preview.wordWrap()
    assert dialog.preview.text().splitlines()[0] == "teach+westfield-primary-1@school.example"
    dialog.buttons.accepted.emit()
    await world.runner.wait_idle()
    model = world.tab.tenants_model
    cell = model.data(model.index(0, TenantColumn.EMAIL_SCHEME))
    assert cell == "teach+westfield-primary-1@school.example"
    tenant_id = world.tab.current_tenant_id()
    assert tenant_id is not None
    add_zoom_user(world.server, "ann@school.example")
    await world.tab.host_actions._hosts.link_email("ann@school.example", tenant_id)
    world.tab.refresh()
    await world.runner.wait_idle()
    world.tab.open_edit_tenant()
    edit = world.tab.dialog
    assert isinstance(edit, TenantDialog) and edit is not dialog
    assert edit.scheme_note.isHidden()
    edit.scheme.setText("{mailbox}+{tenant}{n}@{domain}")
    assert not edit.scheme_note.isHidden()
    assert "1 existing host of this tenant keeps its email" in edit.scheme_note.text()


async def test_16_the_import_wizard_labels_template_drop_icons_and_failed_rows(
    world: TabWorld, qtbot: QtBot, tmp_path: Path
) -> None:
    await create_tenant(world, qtbot)
    world.tab.host_actions.import_csv.trigger()
    wizard = world.tab.host_actions.dialog
    assert isinstance(wizard, ImportWizard)
    assert literal_ampersands(wizard) == []
    assert clashes(wizard) == {}
    template = tmp_path / "template.csv"
    wizard.save_template_to(template)
    await world.runner.wait_idle()
    assert template.read_text(encoding="utf-8-sig").startswith("email,first_name,last_name,type")
    assert wizard.path.text() == str(template)
    bad = tmp_path / "hosts.csv"
    bad.write_text(
        "email,first_name,last_name,type\nann@school.example,Ann,Lee,Basic\nbob@x,Bob,Ray,Basic\n",
        encoding="utf-8",
    )
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(bad))])
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    wizard.dropEvent(drop)
    await world.runner.wait_idle()
    assert wizard.path.text() == str(bad) and wizard.pages.currentIndex() == 1
    icon = wizard.model.index(0, 4).data(Qt.ItemDataRole.DecorationRole)
    assert icon is not None and not icon.isNull()  # "Ready" has its icon
    assert clashes(wizard) == {}
    wizard.next.click()
    await world.runner.wait_idle()
    assert wizard.save_failed.isVisible()
    fix = tmp_path / "fix.csv"
    wizard.save_failed_to(fix)
    await world.runner.wait_idle()
    lines = fix.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "email,first_name,last_name,type,problem"
    assert lines[1].startswith("bob@x,Bob,Ray,Basic,") and len(lines) == 2


async def test_18_link_users_hides_the_owner_selects_all_and_shows_the_type(
    world: TabWorld, qtbot: QtBot
) -> None:
    await create_tenant(world, qtbot)
    add_zoom_user(world.server, "office@school.example", "Front", "Desk")
    add_zoom_user(world.server, "lab@school.example", "Lab", "Desk")
    await sync_now(world)
    world.tab.host_actions.link.trigger()
    await world.runner.wait_idle()
    dialog = world.tab.host_actions.dialog
    assert isinstance(dialog, LinkUsersDialog)
    shown = [dialog.proxy.index(r, 0).data() for r in range(dialog.proxy.rowCount())]
    assert len(shown) == 2 and all(text.endswith("— Basic") for text in shown)
    assert dialog.show_owner.isVisible()
    dialog.show_owner.setChecked(True)
    assert dialog.proxy.rowCount() == 3
    dialog.show_owner.setChecked(False)
    dialog.select_all.click()
    assert len(dialog.checked_ids()) == 2  # the owner, hidden, stays unticked
    dialog.select_none.click()
    assert dialog.checked_ids() == []
    assert clashes(dialog) == {}


async def test_19_add_host_waits_for_the_address_and_cancel_works_during_a_create(
    world: TabWorld, qtbot: QtBot, wait_until: WaitUntil
) -> None:
    await create_tenant(world, qtbot)
    world.server.sandbox.faults = FaultPlan.parse("slow=1:0.4")
    world.tab.host_actions.add.trigger()
    await wait_until(lambda: isinstance(world.tab.host_actions.dialog, AddHostDialog))
    dialog = world.tab.host_actions.dialog
    assert isinstance(dialog, AddHostDialog)
    assert [dialog.action.itemData(i) for i in range(dialog.action.count())] == ["create"]
    assert dialog.email.text() == "" and not dialog.add_button.isEnabled()
    await wait_until(lambda: dialog.email.text() != "", within=10)
    assert dialog.add_button.isEnabled()
    dialog.add_button.click()
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.isEnabled() and not dialog.add_button.isEnabled()
    cancel.click()
    await world.runner.wait_idle()
    await wait_until(lambda: world.tab.hosts_panel.model.rowCount() == 1, within=10)
    assert world.store.hosts.find_by_email("teach+northside-1@school.example") is not None


async def test_11_a_sync_ending_after_the_tab_is_gone_is_no_error(
    world: TabWorld, qtbot: QtBot, reported_errors: list[str]
) -> None:
    old = world.tab
    tab = TenantsTab(
        tenants=old._tenants,
        hosts=old._hosts,
        sync=old._sync,
        importer=old.host_actions._importer,
        runner=world.runner,
        changes=world.changes,
    )
    tab.show()
    await tab.ready()
    await world.runner.wait_idle()
    tab._show_last_sync()  # as a sync ending while the window closes
    tab.deleteLater()
    await asyncio.sleep(0.05)
    await world.runner.wait_idle()
    assert reported_errors == []
