"""The tenant form names the tenant's settings policy; it no longer takes the old free text
that nothing read once policies became real (they are edited on the Host settings tab)."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot
from tenants_tab_support import TabWorld, world
from test_tenants_tab import create_tenant

from zoomadmin.ui.tenants.tenant_dialog import TenantDialog

__all__ = ["world"]


def _line_edits(dialog: TenantDialog) -> set[str]:
    return {edit.placeholderText() for edit in dialog.findChildren(QLineEdit)}


async def test_the_tenant_form_names_its_policy_and_points_to_where_it_is_edited(
    world: TabWorld, qtbot: QtBot
) -> None:
    world.tab.open_new_tenant()
    new = world.tab.dialog
    assert isinstance(new, TenantDialog)
    assert not any("Cloud recording" in text for text in _line_edits(new))
    assert "Host settings" in new.policy.text()
    new.reject()
    await create_tenant(world, qtbot)
    world.tab.open_edit_tenant()
    edit = world.tab.dialog
    assert isinstance(edit, TenantDialog)
    assert "Northside hosts (default)" in edit.policy.text()
    assert "Host settings" in edit.policy.text()
    assert edit.draft().settings_policy is None
