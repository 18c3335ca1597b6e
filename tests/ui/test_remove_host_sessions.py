"""Remove host with coming sessions: the dialog offers to hand them to another host of the
tenant (the default), to cancel or to leave them, and shows what each costs first."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from accelerators import clashes, literal_ampersands
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from runtime_support import close_runtime, sandbox_runtime
from tenants_tab_support import TabWorld
from zoom_users import add_zoom_user

from zoomadmin.account.runtime import AccountRuntime
from zoomadmin.sandbox import SandboxServer
from zoomadmin.services.tenants import TenantDraft
from zoomadmin.ui.common.async_runner import AsyncRunner
from zoomadmin.ui.tenants.session_offer import (
    DeleteTenantDialog,
    RemoveHostDialog,
    SessionChoice,
)
from zoomadmin.ui.tenants.tenants_tab import TenantsTab

WaitUntil = Callable[..., Coroutine[Any, Any, None]]


@pytest.fixture
async def offered(
    qtbot: QtBot, tmp_path: Path, sandbox: SandboxServer, runner: AsyncRunner
) -> AsyncIterator[tuple[TabWorld, AccountRuntime]]:
    """The tab wired as the app wires it (with session changes), and its runtime."""
    runtime = sandbox_runtime(sandbox, tmp_path)
    services = runtime.services
    tab = TenantsTab(
        tenants=services.tenants,
        hosts=services.hosts,
        sync=services.sync,
        importer=services.importer,
        runner=runner,
        clock=sandbox.sandbox.clock,
        changes=runtime.bus,
        sessions=services.sessions,
    )
    qtbot.addWidget(tab)
    tab.resize(1200, 760)
    tab.show()
    await tab.ready()
    await runner.wait_idle()
    world = TabWorld(tab, runtime.store, runtime.account.client, sandbox, runner, runtime.bus)
    yield world, runtime
    runner.cancel_all()
    await close_runtime(runtime)


async def _two_hosts_one_busy(world: TabWorld, runtime: AccountRuntime) -> tuple[int, int]:
    """A tenant with two hosts; the first has two one-off sessions in Zoom."""
    services = runtime.services
    tenant = await services.tenants.create(
        TenantDraft("Acme", "Europe/Berlin", "teach", "school.example")
    )
    ids = []
    for email in ("ann@school.example", "bob@school.example"):
        add_zoom_user(world.server, email)
        ids.append((await services.hosts.link_email(email, tenant.id)).id)
    start = world.server.sandbox.clock.now() + timedelta(days=3)
    for n in range(2):
        plan = await services.sessions.plan_add(ids[0], f"Tutoring {n}", start, 30)
        await services.sessions.submit(plan, send_now=True)
    world.tab.refresh()
    await world.runner.wait_idle()
    return ids[0], ids[1]


async def _open_dialog(world: TabWorld, host_id: int) -> RemoveHostDialog:
    world.tab.hosts_panel.select_host(host_id)
    world.tab.host_actions.remove.trigger()
    await world.runner.wait_idle()
    dialog = world.tab.host_actions.dialog
    assert isinstance(dialog, RemoveHostDialog)
    await world.runner.wait_idle()
    return dialog


async def test_remove_offers_the_hand_over_first_with_its_price_and_then_removes(
    offered: tuple[TabWorld, AccountRuntime], wait_until: WaitUntil
) -> None:
    world, runtime = offered
    ann, bob = await _two_hosts_one_busy(world, runtime)
    dialog = await _open_dialog(world, ann)
    assert dialog.choice is SessionChoice.MOVE  # the safe choice: nothing is lost
    assert dialog.to_host.currentText() == "Ann Lee <bob@school.example>"
    assert dialog.cost.text().startswith("4 Zoom requests:\n• ann@school.example: 2 of its")
    assert "new join links" in dialog.cost.text()
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.isDefault() and not dialog.remove.isDefault()
    assert clashes(dialog) == {} and literal_ampersands(dialog) == []
    dialog.cancel_them.click()
    await world.runner.wait_idle()
    assert dialog.choice is SessionChoice.CANCEL
    assert dialog.cost.text().startswith("2 Zoom requests:\n• ann@school.example: 2 of its 98")
    dialog.leave.click()
    assert dialog.cost.text().startswith("No Zoom request.")
    dialog.move_to.click()
    await world.runner.wait_idle()
    assert dialog.plan is not None and dialog.plan.requests == 4
    dialog.remove.click()
    await world.runner.wait_idle()
    await wait_until(lambda: world.store.hosts.find_by_email("ann@school.example") is None)
    coming = await runtime.services.sessions.coming(bob)
    assert sorted(m.topic for m in coming) == ["Tutoring 0", "Tutoring 1"]
    assert world.tab.hosts_panel.model.row_of(ann) is None


async def test_with_no_other_host_leaving_them_is_the_default_and_costs_nothing(
    offered: tuple[TabWorld, AccountRuntime],
) -> None:
    world, runtime = offered
    ann, bob = await _two_hosts_one_busy(world, runtime)
    await runtime.services.hosts.remove(bob)
    world.tab.refresh()
    await world.runner.wait_idle()
    dialog = await _open_dialog(world, ann)
    assert dialog.choice is SessionChoice.LEAVE
    assert not dialog.move_to.isEnabled() and "no other host" in dialog.move_to.text()
    assert dialog.cost.text().startswith("No Zoom request.")
    dialog.reject()
    await world.runner.wait_idle()
    assert world.store.hosts.find_by_email("ann@school.example") is not None


async def test_delete_tenant_offers_to_cancel_the_sessions_first_priced_and_off_at_first(
    offered: tuple[TabWorld, AccountRuntime], wait_until: WaitUntil
) -> None:
    world, runtime = offered
    ann, _ = await _two_hosts_one_busy(world, runtime)
    tab = world.tab
    tenant_id = world.store.hosts.get(ann).tenant_id
    tab._select_tenant(tenant_id or 0)
    await world.runner.wait_idle()
    assert tab.delete_tenant.isEnabled()
    assert "offers to cancel them first" in tab.delete_note.text()
    tab.delete_tenant.trigger()
    await world.runner.wait_idle()
    dialog = tab.dialog
    assert isinstance(dialog, DeleteTenantDialog)
    assert clashes(dialog) == {}
    assert dialog.cost.text().startswith("2 Zoom requests:\n• ann@school.example: 2 of its 98")
    assert not dialog.cancel_them.isChecked() and not dialog.delete.isEnabled()
    dialog.cancel_them.click()
    assert dialog.delete.isEnabled()
    dialog.delete.click()
    await world.runner.wait_idle()
    await wait_until(lambda: world.store.tenants.all() == [])
    assert await runtime.services.sessions.coming(ann) == []
    user = world.store.hosts.get(ann).zoom_user_id
    assert [m async for m in world.zoom.iter_meetings(user)] == []
