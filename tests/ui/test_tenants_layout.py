"""Tenants & Hosts layout, tables, keyboard, status bar and icons (defects 21-26)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from accelerators import clashes
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QToolButton
from pytestqt.qtbot import QtBot
from tenants_tab_support import TabWorld, world
from test_hosts_model import host_row
from test_tenants_polish import _three_hosts

from zoomadmin import assets
from zoomadmin.services.connection import SANDBOX_SPEEDS
from zoomadmin.ui.main_window import MainWindow, TabSpec
from zoomadmin.ui.status_bar import AppStatusBar
from zoomadmin.ui.tenants.host_dialogs import AddHostDialog, MoveHostsDialog
from zoomadmin.ui.tenants.hosts_model import HostColumn, HostsModel
from zoomadmin.ui.tenants.tenant_dialog import TenantDialog
from zoomadmin.ui.tenants.tenants_tab import TenantsTab

__all__ = ["world"]


def _window_with(tab: TenantsTab, tmp_path: Path, size: tuple[int, int]) -> MainWindow:
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, AppStatusBar(SANDBOX_SPEEDS))
    window.show_connected("", [TabSpec("Tenants && Hosts", lambda: tab, "tenants")])
    window.resize(*size)
    window.show()
    return window


def _release(window: MainWindow, tab: TenantsTab) -> None:
    """Take the tab back out (the world fixture closes it), then close the window."""
    window.tabs.removeTab(0)
    tab.setParent(None)
    window.close()


async def test_21_at_1024x640_every_toolbar_action_is_visible_and_columns_fit(
    world: TabWorld, qtbot: QtBot, tmp_path: Path
) -> None:
    window = _window_with(world.tab, tmp_path, (1024, 640))
    qtbot.addWidget(window)
    await asyncio.sleep(0.05)
    toolbar = world.tab.toolbar
    actions = [a for a in toolbar.actions() if not a.isSeparator()]
    assert world.tab.host_actions.sync in actions
    for action in actions:
        button = toolbar.widgetForAction(action)
        assert isinstance(button, QToolButton) and button.isVisible(), action.text()
        assert toolbar.rect().contains(button.geometry()), f"{action.text()} is in the overflow"
        assert action.toolTip()  # its name, when only the icon shows
    header = world.tab.hosts_panel.view.horizontalHeader()
    assert header.isSectionHidden(HostColumn.ZOOM_ID)  # a low-value column, hidden by default
    assert not header.highlightSections()  # no bold title that clips ("leeting requests")
    assert not world.tab.tenants_view.horizontalHeader().highlightSections()
    window.resize(1400, 800)
    await asyncio.sleep(0.05)
    assert toolbar.labels_shown()
    _release(window, world.tab)


def test_21_long_cells_are_elided_with_the_whole_text_as_tooltip(qtbot: QtBot) -> None:
    model = HostsModel()
    model.append_rows([host_row(7)])
    cell = model.index(0, HostColumn.EMAIL)
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == cell.data()


async def test_22_columns_are_chosen_moved_and_remembered_with_the_splitter_and_filters(
    world: TabWorld, qtbot: QtBot, tmp_path: Path
) -> None:
    await _three_hosts(world, qtbot)
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    tab = world.tab
    tab.use_settings(settings)
    columns = tab.hosts_panel.columns
    header = tab.hosts_panel.view.horizontalHeader()
    columns._show_menu(QPoint(5, 5))
    assert columns.menu is not None
    titles = [a.text() for a in columns.menu.actions() if a.text()]
    assert "Zoom user id" in titles and titles[-1] == "Reset columns"
    columns.set_column_shown(HostColumn.ZOOM_ID, True)
    columns.set_column_shown(HostColumn.TYPE, False)
    header.moveSection(header.visualIndex(HostColumn.STATUS), 0)
    header.resizeSection(HostColumn.EMAIL, 333)
    tab.hosts_panel.view.sortByColumn(HostColumn.TENANT, Qt.SortOrder.DescendingOrder)
    tab.hosts_panel.status_filter.setCurrentIndex(1)  # Active
    columns.save()
    tab._remember()
    again = TenantsTab(
        tenants=tab._tenants,
        hosts=tab._hosts,
        sync=tab._sync,
        importer=tab.host_actions._importer,
        runner=world.runner,
    )
    qtbot.addWidget(again)
    again.use_settings(settings)
    again.show()
    await again.ready()
    other = again.hosts_panel.view.horizontalHeader()
    assert not other.isSectionHidden(HostColumn.ZOOM_ID) and other.isSectionHidden(HostColumn.TYPE)
    assert other.visualIndex(HostColumn.STATUS) == 0
    assert other.sectionSize(HostColumn.EMAIL) == 333
    assert other.sortIndicatorSection() == HostColumn.TENANT
    assert again.hosts_panel.status_filter.currentIndex() == 1
    columns.reset()
    assert header.isSectionHidden(HostColumn.ZOOM_ID) and not header.isSectionHidden(
        HostColumn.TYPE
    )


def test_23_emails_sort_naturally_and_next_session_is_relative_sorted_by_moment(
    qtbot: QtBot,
) -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    model = HostsModel()
    model.set_clock(lambda: now)
    rows = [
        host_row(10, next_at=now + timedelta(hours=9)),
        host_row(2, next_at=now + timedelta(days=3)),
        host_row(1, next_at=None),
    ]
    model.append_rows(rows)
    model.sort(HostColumn.EMAIL)
    emails = [model.index(r, HostColumn.EMAIL).data() for r in range(3)]
    assert emails == [f"teach+acme-{n}@school.example" for n in (1, 2, 10)]
    model.sort(HostColumn.NEXT_SESSION)
    shown = [model.index(r, HostColumn.NEXT_SESSION).data() for r in range(3)]
    assert shown == ["in 9 h", "in 3 d", "—"]
    tip = model.index(0, HostColumn.NEXT_SESSION).data(Qt.ItemDataRole.ToolTipRole)
    assert "(the tenant's time)" in tip and "(your time)" in tip


async def test_24_keyboard_esc_tab_menus_shortcuts_help_and_accelerators(
    world: TabWorld, qtbot: QtBot, tmp_path: Path
) -> None:
    from zoomadmin.ui.tenants.host_details import HostDetailsDialog

    await _three_hosts(world, qtbot)
    tab, panel, acts = world.tab, world.tab.hosts_panel, world.tab.host_actions
    panel.search.setFocus()
    panel.search.setText("ann")
    qtbot.keyClick(panel.search, Qt.Key.Key_Escape)
    assert panel.search.text() == ""
    assert not panel.view.tabKeyNavigation() and not tab.tenants_view.tabKeyNavigation()
    assert acts.deactivate.shortcut() == QKeySequence("Ctrl+Shift+D")
    assert acts.reactivate.shortcut() == QKeySequence("Ctrl+Shift+R")
    window = _window_with(tab, tmp_path, (1280, 800))
    qtbot.addWidget(window)
    in_menus = {a for m in window.menuBar().actions() if m.menu() for a in m.menu().actions()}
    for action in tab.toolbar.actions():
        if not action.isSeparator():
            assert action in in_menus, f"{action.text()} is in no menu"
    for action in (acts.deactivate, acts.reactivate, acts.sync, acts.add, tab.new_tenant):
        assert action.shortcut().toString() in action.toolTip(), action.text()
    assert window.view_menu.actions()[0].text() == "Tenants && Hosts"
    assert window.help_action.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)
    assert window.about_action.shortcut().isEmpty()
    titles = [m.text() for m in window.menuBar().actions()]
    letters = [t[t.index("&") + 1].lower() for t in titles if "&" in t]
    assert len(letters) == len(set(letters)), titles
    _release(window, tab)
    tab.show()
    # No two controls of one dialog share an Alt+letter.
    tab.open_new_tenant()
    assert isinstance(tab.dialog, TenantDialog) and clashes(tab.dialog) == {}
    tab.dialog.reject()
    acts.add.trigger()
    await world.runner.wait_idle()
    assert isinstance(acts.dialog, AddHostDialog) and clashes(acts.dialog) == {}
    acts.dialog.reject()
    panel.view.selectRow(0)
    acts.move.trigger()
    assert isinstance(acts.dialog, MoveHostsDialog) and clashes(acts.dialog) == {}
    acts.dialog.reject()
    panel.view.setCurrentIndex(panel.proxy.index(0, 0))
    acts.open_details()
    await world.runner.wait_idle()
    assert isinstance(acts.dialog, HostDetailsDialog) and clashes(acts.dialog) == {}


async def test_25_status_bar_while_loading_labels_tooltips_dates_and_title(
    qtbot: QtBot, tmp_path: Path
) -> None:
    status = AppStatusBar(SANDBOX_SPEEDS)
    settings = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, status)
    qtbot.addWidget(window)
    window.show()
    assert status.account.isHidden()  # no "Not connected" beside "Connecting…"
    assert status.connection.text() == "Connecting…"
    status.show_account("Sandbox: demo", is_sandbox=True)
    assert not status.account.isHidden() and status.account.toolTip()
    assert status.connection.toolTip()
    assert status.speed_label.text() == "Speed:" and status.speed_label.buddy() is status.speed
    status.show_clock(datetime(2026, 3, 2, 9, 5, tzinfo=UTC), 60.0)
    assert status.clock.text() == "Mon 2 Mar 2026 09:05 UTC"
    window.setWindowTitle("Zoom: School — zoomadmin")
    window.show_loading("Connecting to the Zoom account “Other”…")
    assert window.windowTitle() == "zoomadmin"


async def test_26_the_tab_uses_those_icons(world: TabWorld) -> None:
    tab, acts = world.tab, world.tab.host_actions
    used = {a.property("icon_name") for a in (tab.new_tenant, acts.add, acts.link, acts.remove)}
    assert used == {"new-tenant", "add-host", "link", "remove-user"}
    assert tab.new_tenant.icon().cacheKey() != acts.add.icon().cacheKey()
    svg = assets.icon_path("remove-user").read_text(encoding="utf-8")
    assert "#d93025" in svg  # Remove from Zoom is drawn in the error red: it is destructive
    assert assets.icon_path("tenants") != assets.icon_path("link")  # the tab's own icon


def test_23_tenant_names_sort_naturally_in_qts_own_proxy(qtbot: QtBot) -> None:
    from PySide6.QtCore import QSortFilterProxyModel
    from test_hosts_model import tenant_summary

    from zoomadmin.ui.tenants.tenants_model import SORT_ROLE, TenantsModel

    model = TenantsModel()
    model.set_summaries([tenant_summary(n, f"School {n}") for n in (10, 2, 1)])
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.sort(0)
    names = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    assert names == ["School 1", "School 2", "School 10"]
