"""The Tenants & Hosts tab driven as a person would, against the sandbox and a real database."""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from tenants_tab_support import TabWorld, world
from zoom_users import add_zoom_user

from zoomadmin.ui.tenants.host_dialogs import AddHostDialog, LinkUsersDialog
from zoomadmin.ui.tenants.hosts_model import HostColumn
from zoomadmin.ui.tenants.import_wizard import ImportWizard
from zoomadmin.ui.tenants.tenant_dialog import TenantDialog
from zoomadmin.ui.tenants.tenants_model import TenantColumn
from zoomadmin.ui.tenants.tenants_tab import NO_TENANTS

__all__ = ["world"]


async def create_tenant(world: TabWorld, qtbot: QtBot, name: str = "Northside") -> None:
    """Ctrl+N, fill the form, Save; wait for the tenant to be listed."""
    qtbot.keyClick(world.tab, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = world.tab.dialog
    assert isinstance(dialog, TenantDialog)
    dialog.name.setText(name)
    dialog.timezone.setCurrentText("America/New_York")
    dialog.mailbox.setText("teach")
    dialog.domain.setText("school.example")
    slug = name.lower().replace(" ", "-")
    assert dialog.preview.text().startswith(f"teach+{slug}-1@school.example")
    dialog.buttons.accepted.emit()
    await world.runner.wait_idle()


async def preview_import(world: TabWorld, tmp_path: Path, rows: str) -> ImportWizard:
    """Ctrl+I's wizard on a CSV of ``rows`` (after the header), at its checked preview."""
    csv = tmp_path / "hosts.csv"
    csv.write_text("email,first_name,last_name,type\n" + rows, encoding="utf-8")
    world.tab.host_actions.import_csv.trigger()
    wizard = world.tab.host_actions.dialog
    assert isinstance(wizard, ImportWizard)
    wizard.path.setText(str(csv))
    wizard.next.click()
    await world.runner.wait_idle()
    return wizard


async def test_empty_then_create_a_tenant_with_the_keyboard(world: TabWorld, qtbot: QtBot) -> None:
    tab = world.tab
    assert tab.tenants_stack.currentWidget() is tab.tenants_empty
    assert tab.tenants_empty.text.text() == NO_TENANTS
    assert "Sync with Zoom (F5)" in tab.hosts_panel.empty.text.text()
    await create_tenant(world, qtbot)
    assert tab.tenants_stack.currentWidget() is tab.tenants_view
    model = tab.tenants_model
    assert model.data(model.index(0, TenantColumn.NAME)) == "Northside"
    assert (
        model.data(model.index(0, TenantColumn.EMAIL_SCHEME)) == "teach+northside-1@school.example"
    )
    assert tab.current_tenant_id() == world.store.tenants.all()[0].id
    assert world.store.audit.entries(object_type="tenant")[0].action == "tenant.create"


async def test_a_taken_tenant_name_is_explained_in_the_form(world: TabWorld, qtbot: QtBot) -> None:
    await create_tenant(world, qtbot)
    await create_tenant(world, qtbot, "northside")
    dialog = world.tab.dialog
    assert isinstance(dialog, TenantDialog)
    assert dialog.isVisible()
    assert "already exists" in dialog.errors.text(dialog.name)


async def test_bulk_import_a_csv_with_one_bad_row(world: TabWorld, qtbot: QtBot, tmp_path) -> None:
    await create_tenant(world, qtbot)
    wizard = await preview_import(
        world,
        tmp_path,
        ",Marcus,Reyes,Basic\n"
        "jennifer@school,Jennifer,Walsh,Basic\n"
        "andre@school.example,Andre,Thompson,Licensed\n",
    )
    assert wizard.summary.text().startswith("3 rows: 2 ready, 1 with problems")
    assert "not a valid email" in wizard.model.data(wizard.model.index(1, 4))
    assert wizard.next.text() == "Cr&eate 2 hosts in Zoom"
    wizard.next.click()
    await world.runner.wait_idle()
    assert wizard.summary.text() == "2 hosts invited, 1 not invited (see the list)."
    assert wizard.model.data(wizard.model.index(0, 4)) == "Invited (pending activation)"
    assert wizard.model.data(wizard.model.index(1, 4)).startswith("Skipped: ")
    emails = sorted(h.email for h in world.store.hosts.all())
    assert emails == ["andre@school.example", "teach+northside-1@school.example"]
    panel = world.tab.hosts_panel
    assert panel.model.rowCount() == 2
    model = world.tab.tenants_model
    assert model.data(model.index(0, TenantColumn.HOSTS)) == "2"


async def test_import_offers_to_link_rows_already_in_the_account(
    world: TabWorld, qtbot: QtBot, tmp_path
) -> None:
    await create_tenant(world, qtbot)
    add_zoom_user(world.server, "grace@school.example", "Grace", "Kim")
    wizard = await preview_import(
        world,
        tmp_path,
        "new@school.example,New,Host,Basic\ngrace@school.example,Grace,Kim,Basic\n",
    )
    assert wizard.link_existing.isVisible() and not wizard.link_existing.isChecked()
    assert wizard.link_existing.text() == "&Link the 1 user already in this Zoom account instead"
    assert wizard.next.text() == "Cr&eate 1 host in Zoom"
    wizard.link_existing.setChecked(True)
    assert wizard.next.text() == "Cr&eate 1 host and link 1 in Zoom"
    wizard.next.click()
    await world.runner.wait_idle()
    assert wizard.summary.text() == "1 host invited, 1 linked."
    assert wizard.model.data(wizard.model.index(1, 4)) == "Linked (already in the account)"
    linked = world.store.hosts.find_by_email("grace@school.example")
    assert linked is not None and linked.tenant_id == world.tab.current_tenant_id()
    assert not wizard.link_existing.isEnabled()


async def test_sync_then_link_an_existing_user(world: TabWorld, qtbot: QtBot) -> None:
    await create_tenant(world, qtbot)
    add_zoom_user(world.server, "teach+northside-7@school.example", "Grace", "Kim")
    add_zoom_user(world.server, "office@school.example", "Front", "Desk")
    qtbot.keyClick(world.tab, Qt.Key.Key_F5)
    await world.runner.wait_idle()
    panel = world.tab.hosts_panel
    assert panel.model.rowCount() == 3  # the owner and the two users, in no tenant yet
    qtbot.keyClick(world.tab, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    await world.runner.wait_idle()
    dialog = world.tab.host_actions.dialog
    assert isinstance(dialog, LinkUsersDialog)
    assert "1 follow this tenant's email scheme" in dialog.hint.text()
    dialog.buttons.accepted.emit()
    await world.runner.wait_idle()
    linked = world.store.hosts.find_by_email("teach+northside-7@school.example")
    assert linked is not None and linked.tenant_id == world.tab.current_tenant_id()
    shown = [panel.proxy.index(r, HostColumn.EMAIL).data() for r in range(panel.proxy.rowCount())]
    assert shown == ["teach+northside-7@school.example"]


async def test_link_waits_until_a_user_is_ticked_and_says_so(world: TabWorld, qtbot: QtBot) -> None:
    await create_tenant(world, qtbot)
    add_zoom_user(world.server, "office@school.example", "Front", "Desk")
    qtbot.keyClick(world.tab, Qt.Key.Key_F5)
    await world.runner.wait_idle()
    qtbot.keyClick(world.tab, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    await world.runner.wait_idle()
    dialog = world.tab.host_actions.dialog
    assert isinstance(dialog, LinkUsersDialog)
    assert "0 follow this tenant's email scheme" in dialog.hint.text()
    assert not dialog.link_button.isEnabled()
    assert "Tick at least one user" in dialog.hint.text()
    dialog.set_checked("office@school.example")
    assert dialog.link_button.isEnabled()
    assert "Tick at least one user" not in dialog.hint.text()
    dialog.set_checked("office@school.example", False)
    assert not dialog.link_button.isEnabled()


async def test_duplicate_email_shows_the_error_and_offers_to_link(
    world: TabWorld, qtbot: QtBot
) -> None:
    await create_tenant(world, qtbot)
    add_zoom_user(world.server, "ann@school.example")
    world.tab.host_actions.add.trigger()
    await world.runner.wait_idle()
    dialog = world.tab.host_actions.dialog
    assert isinstance(dialog, AddHostDialog)
    assert dialog.email.text() == "teach+northside-1@school.example"
    dialog.email.setText("ann@school.example")
    dialog.buttons.accepted.emit()
    await world.runner.wait_idle()
    assert "ann@school.example is already a user in this Zoom account" in dialog.error.text()
    assert dialog.link_button.isVisible()
    dialog.link_button.click()
    await world.runner.wait_idle()
    assert not shiboken6.isValid(dialog)  # accepted and deleted
    assert world.tab.hosts_panel.model.rowCount() == 1
    linked = world.store.hosts.find_by_email("ann@school.example")
    assert linked is not None and linked.tenant_id == world.tab.current_tenant_id()


async def test_deactivate_asks_first_and_says_what_happens_to_sessions(
    world: TabWorld, qtbot: QtBot
) -> None:
    await create_tenant(world, qtbot)
    add_zoom_user(world.server, "ann@school.example")
    await world.tab.host_actions._hosts.link_email(
        "ann@school.example", world.tab.current_tenant_id()
    )
    world.tab.refresh()
    await world.runner.wait_idle()
    panel = world.tab.hosts_panel
    panel.view.selectRow(0)
    world.tab.host_actions.deactivate.trigger()
    await world.runner.wait_idle()
    box = panel.findChild(QMessageBox, "confirmBox")
    assert box is not None and "It has no coming sessions." in box.text()
    next(b for b in box.findChildren(QPushButton) if b.text() == "&Deactivate").click()
    await world.runner.wait_idle()
    assert panel.model.data(panel.model.index(0, HostColumn.STATUS)) == "Deactivated"
    assert world.tab.host_actions.reactivate.isEnabled()
