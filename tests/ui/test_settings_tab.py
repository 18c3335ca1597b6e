"""The Host settings tab over the sandbox: policy editor, drift report with re-apply, host view."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from runtime_support import close_runtime, sandbox_runtime

from tests.ui.conftest import WaitUntil
from tests.zoom_users import add_zoom_user
from zoomadmin.account.runtime import AccountRuntime
from zoomadmin.core.changes import ChangeKind
from zoomadmin.sandbox import SandboxServer
from zoomadmin.services.tenants import TenantDraft
from zoomadmin.ui.common.async_runner import AsyncRunner
from zoomadmin.ui.settings.settings_tab import HostSettingsTab

AUTO = "recording.auto_recording"
JBH = "schedule_meeting.join_before_host"


@dataclass
class World:
    """The tab and what it talks to."""

    tab: HostSettingsTab
    runtime: AccountRuntime
    server: SandboxServer
    runner: AsyncRunner
    hosts: list[int]

    def outside(self, host_id: int, group: str, values: dict[str, Any]) -> None:
        """Change a host's setting in Zoom's web portal."""
        zoom_id = self.runtime.store.hosts.get(host_id).zoom_user_id
        url = f"{self.server.info.admin_url}/users/{zoom_id}/settings"
        httpx.patch(url, json={group: values}, timeout=10).raise_for_status()


@pytest.fixture
async def world(
    qtbot: QtBot, tmp_path: Path, sandbox: SandboxServer, runner: AsyncRunner
) -> AsyncIterator[World]:
    """The tab over a tenant with two hosts that got the default policy when linked."""
    runtime = sandbox_runtime(sandbox, tmp_path)
    services = runtime.services
    tenant = await services.tenants.create(
        TenantDraft(name="Acme", timezone="UTC", mailbox="t", domain="school.example")
    )
    emails = ["ann@school.example", "ben@school.example"]
    for email in emails:
        add_zoom_user(sandbox, email)
    await services.sync.sync_users()
    hosts = [(await services.hosts.link_email(e, tenant.id)).id for e in emails]
    tab = HostSettingsTab(
        policies=services.policies, drift=services.drift, runner=runner, changes=runtime.bus
    )
    qtbot.addWidget(tab)
    tab.resize(1200, 760)
    tab.show()
    await tab.ready()
    await runner.wait_idle()
    yield World(tab, runtime, sandbox, runner, hosts)
    runner.cancel_all()
    await close_runtime(runtime)


async def test_policy_editor_refuses_what_zoom_would_and_saves_the_rest(world: World) -> None:
    editor = world.tab.editor
    assert world.tab.tenants.currentText() == "Acme"
    assert editor.name.text() == "Acme hosts" and editor.row(AUTO).held.isChecked()
    cloud = editor.row("recording.cloud_recording")
    cloud.value.setCurrentIndex(1)  # Off, while recording automatically to the cloud
    editor.save_button.click()
    assert "needs cloud recording on" in editor.problems.text()
    cloud.value.setCurrentIndex(0)
    days = editor.row("recording.auto_delete_cmr_days")
    days.held.setChecked(True)
    days.value.setCurrentIndex(days.value.findData(60))
    editor.save_button.click()
    await world.runner.wait_idle()
    assert editor.problems.text() == ""
    tenant = world.tab.tenant_id()
    assert tenant is not None
    stored = world.runtime.store.policies.get(tenant)
    assert stored is not None and stored.policy.entry("recording.auto_delete_cmr_days") is not None


async def test_report_finds_drift_and_reapply_clears_it(
    world: World, qtmodeltester: ModelTester
) -> None:
    report = world.tab.report
    ben = world.hosts[1]
    world.outside(ben, "recording", {"auto_recording": "local"})
    report.scan_button.click()
    await world.runner.wait_idle()
    await world.runner.wait_idle()
    qtmodeltester.check(report.model, force_py=True)
    assert report.model.rowCount() == 1
    row = report.model.row_at(0)
    assert (row.email, row.key, row.actual, str(row.layer)) == (
        "ben@school.example",
        AUTO,
        "local",
        "user",
    )
    asked: list[str] = []
    report.confirm = lambda _parent, text: asked.append(text) or True
    report.table.selectRow(0)
    report.apply_selected.click()
    await world.runner.wait_idle()
    await world.runner.wait_idle()
    assert asked and "1 host(s)" in asked[0]
    assert "1 of 1 host(s) now match" in report.results.text()
    assert "ben@school.example: 1 setting(s) changed" in report.results.text()
    assert report.model.rowCount() == 0


async def test_host_view_shows_layers_edits_and_history(world: World) -> None:
    view = world.tab.host_view
    ann = world.hosts[0]
    world.tab._open_host(ann)
    await world.runner.wait_idle()
    auto = view.setting(AUTO)
    assert auto is not None and auto.policy is not None and auto.value == "cloud"
    view.search.setText("join before")
    visible = [item.text(0) for _, item, _ in view._items if not item.isHidden()]
    assert visible == ["Join before host"]
    view.select(JBH)
    view.ask_value = lambda _parent, setting: not setting.value
    view.edit_button.click()
    await world.runner.wait_idle()
    await world.runner.wait_idle()
    jbh = view.setting(JBH)
    assert jbh is not None and jbh.value is True and jbh.drifts
    assert view.history.rowCount() >= 1
    assert view.history.item(0, 2).text() == JBH and view.history.item(0, 4).text() == "On"


async def test_unsaved_policy_edits_survive_a_change_heard_meanwhile(
    world: World, wait_until: WaitUntil
) -> None:
    editor = world.tab.editor
    editor.row(JBH).value.setCurrentIndex(0)  # On: not saved yet
    listener = world.tab._listener
    world.runtime.bus.publish(ChangeKind.SETTINGS)
    assert listener.pending
    # The burst is told (and the tab's read started) at once; then that read ends.
    await wait_until(
        lambda: not listener.pending and world.runner.running == 0, what="the tab reads again"
    )
    assert editor.row(JBH).value.currentData() is True
