"""The License Pool tab over the demo sandbox: the chart and lists follow the clock and the
controller, staff's moves are confirmed with what they affect, the switch, the alerts."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QInputDialog, QMessageBox, QPushButton
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from runtime_support import close_runtime, sandbox_runtime

from tests.ui.conftest import WaitUntil
from zoomadmin.account.runtime import AccountRuntime
from zoomadmin.sandbox import SandboxServer
from zoomadmin.store.meetings import MeetingData
from zoomadmin.tab_wiring import demo_tenants
from zoomadmin.ui.common.async_runner import AsyncRunner
from zoomadmin.ui.common.icons import stylesheet
from zoomadmin.ui.common.tray import TrayNotifier
from zoomadmin.ui.pool.pool_models import ROW_ROLE, SeatColumn
from zoomadmin.ui.pool.pool_notifier import PoolNotifier
from zoomadmin.ui.pool.pool_tab import LicensePoolTab
from zoomadmin.zoom.models import MeetingRequest

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
GCSE = "GCSE Maths (Harbourview)"
"""The demo's first session of a Basic host after 09:00 on its first Monday (10:30)."""


@dataclass
class PoolWorld:
    """The tab, the runtime under it and the tray the notifications go to."""

    tab: LicensePoolTab
    runtime: AccountRuntime
    tray: TrayNotifier
    notifier: PoolNotifier

    def now(self) -> datetime:
        """The sandbox's time."""
        return self.runtime.clock.now()

    def advance(self, delta: timedelta) -> None:
        """Run the sandbox's clock on (the world moves with it)."""
        self.runtime.clock.advance(delta)  # type: ignore[attr-defined]


@pytest.fixture
async def world(
    qtbot: QtBot, tmp_path: Path, demo_sandbox: SandboxServer, runner: AsyncRunner
) -> AsyncIterator[PoolWorld]:
    """The demo account set up (its term on Basic hosts, 2 pool seats) and the tab shown."""
    runtime = sandbox_runtime(demo_sandbox, tmp_path, demo_tenants=demo_tenants())
    await runtime.services.first_open.run()
    licenses = runtime.services.licenses
    tray = TrayNotifier(available=lambda: False)  # the offscreen platform has no tray
    notifier = PoolNotifier(runtime.bus, lambda: licenses.last, tray, runtime.clock.now)
    tab = LicensePoolTab(
        licenses=licenses,
        runner=runner,
        clock=runtime.clock,
        changes=runtime.bus,
        notifier=notifier,
    )
    qtbot.addWidget(tab)
    tab.resize(1280, 800)
    tab.show()
    await tab.ready()
    await runner.wait_idle()
    yield PoolWorld(tab, runtime, tray, notifier)
    runner.cancel_all()
    notifier.deleteLater()
    await runtime.stop()
    await close_runtime(runtime)


async def shoot(widget: LicensePoolTab, name: str) -> None:
    """Save ``widget`` at 1280x800 and 1024x640 when ZOOMADMIN_SCREENSHOTS is set."""
    if not os.environ.get("ZOOMADMIN_SCREENSHOTS"):
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.setStyleSheet(stylesheet())  # as the app shows it (set on the whole app there)
    for width, height in ((1280, 800), (1024, 640)):
        widget.resize(width, height)
        await asyncio.sleep(0.1)  # laid out and painted at that size
        widget.grab().save(str(SHOTS / f"pool-{name}-{width}x{height}.png"))
    widget.setStyleSheet("")
    widget.resize(1280, 800)


async def settle(world: PoolWorld, runner: AsyncRunner, wait_until: WaitUntil) -> None:
    """Wait until the tab heard the bus's news and read the pool again."""
    await wait_until(lambda: not world.tab.listener.pending, what="the tab to hear the bus")
    await runner.wait_idle()


def seat_rows(tab: LicensePoolTab) -> dict[str, tuple[str, str]]:
    """Each seat's host with its reason and details, as the table shows them."""
    model = tab.seats.model
    return {
        model.cell(model.row(n), SeatColumn.HOST): (
            model.cell(model.row(n), SeatColumn.WHY),
            model.cell(model.row(n), SeatColumn.DETAILS),
        )
        for n in range(model.rowCount())
    }


def select_seat(tab: LicensePoolTab, host: str) -> None:
    """Select ``host``'s row in the seats table."""
    proxy = tab.seats.proxy
    for row in range(proxy.rowCount()):
        if proxy.index(row, 0).data(ROW_ROLE).host == host:
            tab.seats.view.selectRow(row)
            return
    raise AssertionError(f"{host} holds no seat")


def press(box: QMessageBox, text: str) -> None:
    """Click the box's button called ``text``."""
    button = next(b for b in box.buttons() if b.text().replace("&", "") == text)
    assert isinstance(button, QPushButton)
    button.click()


async def confirm_box(tab: LicensePoolTab, wait_until: WaitUntil) -> QMessageBox:
    """The confirmation the tab opened."""
    await wait_until(lambda: isinstance(tab.dialog, QMessageBox) and tab.dialog.isVisible())
    assert isinstance(tab.dialog, QMessageBox)
    return tab.dialog


async def test_the_chart_and_the_lists_follow_the_clock_and_the_controller(
    world: PoolWorld, runner: AsyncRunner, wait_until: WaitUntil, qtmodeltester: ModelTester
) -> None:
    tab, licenses = world.tab, world.runtime.services.licenses
    chart = tab.chart.view
    assert chart is not None and tab.body.currentWidget() is tab.splitter
    assert chart.series_names() == ["Pool seats", "Planned demand", "Seats in use", "Now"]
    assert tab.state_badge.text() == "● Pool on" and tab.switch_action.isChecked()
    seats = seat_rows(tab)
    assert [why for why, _ in seats.values()].count("Protected") == 3
    assert GCSE not in str(seats)
    first_attach = next(m for m in tab.moves.model.rows() if m.to == "licensed")
    assert first_attach.session == GCSE
    held_before = chart.held_now()
    assert tab.history.model.rowCount() == 0 and not tab.history.showing_table
    for page in tab.pages:
        qtmodeltester.check(page.model)
    # The clock runs past the attach time; the controller steps and tells the bus.
    world.advance(first_attach.at - world.now() + timedelta(minutes=1))
    tab.tick()
    assert chart.now == world.now()
    report = await licenses.step()
    assert [(c.host, c.to) for c in report.moved] == [(first_attach.host, "licensed")]
    await settle(world, runner, wait_until)
    assert tab.status is not None and tab.status.now == world.now()
    why, details = seat_rows(tab)[first_attach.host]
    assert why == "Session" and details.startswith(f"“{GCSE}” until ")
    assert chart.held_now() == held_before + 1
    moved_at = tab.history.model.row(0).at
    assert chart.in_use[-2:] == [(moved_at, held_before), (moved_at, held_before + 1)]
    assert all(m.host != first_attach.host or m.to != "licensed" for m in tab.moves.model.rows())
    assert tab.history.showing_table and tab.history.model.rowCount() == 1
    assert tab.lists.tabText(3) == "History (1)"
    await shoot(tab, "quiet")
    # Ten minutes on, the now-line and the "in N min" words move without a reload.
    before = tab.moves.proxy.index(0, 0).data()
    world.advance(timedelta(minutes=10))
    tab.tick()
    assert chart.now == world.now() and chart.in_use[-1] == (world.now(), held_before + 1)
    assert tab.moves.proxy.index(0, 0).data() != before
    await runner.wait_idle()  # the tick read the pool again: five minutes had passed
    assert tab.loaded_at == world.now()
    for page in tab.pages:
        qtmodeltester.check(page.model)


async def test_detach_and_attach_ask_first_saying_what_they_affect(
    world: PoolWorld, runner: AsyncRunner, wait_until: WaitUntil, qtbot: QtBot
) -> None:
    tab = world.tab
    study = "Study Skills (Southbank)"  # the demo's session running at 09:00
    idle = next(h for h, (why, details) in seat_rows(tab).items() if study in details)
    select_seat(tab, "owner@sandbox.example.com")
    assert not tab.detach_action.isEnabled()  # staff keep their own seats
    select_seat(tab, idle)
    assert tab.detach_action.isEnabled()
    tab.detach_action.trigger()
    box = await confirm_box(tab, wait_until)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    assert box.icon() == QMessageBox.Icon.Warning
    assert box.text() == (
        f"Take the paid seat from {idle}?\n\n{idle} is in a meeting now: it keeps running, "
        "but its session still needs the seat, so the pool gives it back at once."
    )
    press(box, "Cancel")
    await runner.wait_idle()
    assert idle in seat_rows(tab)
    tab.detach_action.trigger()
    press(await confirm_box(tab, wait_until), "Detach")
    await settle(world, runner, wait_until)
    assert idle not in seat_rows(tab)
    assert tab.last_message == f"{idle} gave its seat back."
    (moved,) = tab.history.model.rows()
    assert (moved.host, moved.to, moved.reason) == (idle, "basic", "manual")
    assert tab.history.proxy.index(0, 3).data() == "by staff"
    # Attach: the hosts with a session coming are offered first.
    attaches = [m.host for m in tab.moves.model.rows() if m.to == "licensed"]
    assert attaches[0] == idle  # its session still needs a seat: the pool gives it back now
    coming = next(h for h in attaches if h != idle)
    tab.attach_action.trigger()
    await wait_until(lambda: isinstance(tab.dialog, QInputDialog))
    chooser = tab.dialog
    assert isinstance(chooser, QInputDialog)
    items = chooser.comboBoxItems()
    assert items[:2] == [idle, coming]
    assert not any(h in items for h, (why, _) in seat_rows(tab).items() if why == "Protected")
    chooser.setTextValue(coming)  # its session is at 10:30: no claim yet, so staff's seat
    chooser.accept()
    box = await confirm_box(tab, wait_until)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    free = tab.status.paid - tab.status.in_use if tab.status else 0
    assert box.text() == (
        f"Give {coming} a paid seat?\n\n{coming} gets one of the {free} free paid seats "
        "until detached."
    )
    press(box, "Attach")
    await settle(world, runner, wait_until)
    assert seat_rows(tab)[coming] == ("Manual", "given by staff: stays until detached")
    assert [m.to for m in tab.history.model.rows()] == ["licensed", "basic"]
    # The history filters by host and words.
    tab.find_action.trigger()
    assert tab.lists.currentWidget() is tab.history
    assert tab.history.filter is not None and tab.history.filter.hasFocus()
    tab.history.filter.setText("nobody@nowhere")
    assert not tab.history.showing_table
    assert tab.history.empty.title.text() == "No move matches “nobody@nowhere”"
    assert tab.history.empty.button_texts() == ["Clear the filter"]
    tab.history.filter.setText("GAVE ITS")
    assert tab.history.showing_table and tab.history.proxy.rowCount() == 1
    qtbot.keyClick(tab.history.filter, Qt.Key.Key_Escape)
    assert tab.history.filter.text() == "" and tab.history.proxy.rowCount() == 2


async def test_the_switch_turns_the_pool_off_after_asking_and_on_at_once(
    world: PoolWorld, runner: AsyncRunner, wait_until: WaitUntil
) -> None:
    tab, licenses = world.tab, world.runtime.services.licenses
    assert tab.switch_action.shortcut() == QKeySequence("Ctrl+Shift+P")
    assert tab.switch_action.isChecked() and tab.state_badge.text() == "● Pool on"
    tab.switch_action.trigger()
    assert tab.switch_action.isChecked()  # it moves once the change is made
    box = await confirm_box(tab, wait_until)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    assert box.icon() == QMessageBox.Icon.Warning
    assert "Basic (cut at 40 minutes, no cloud recording)" in box.text()
    press(box, "Cancel")
    await runner.wait_idle()
    assert await licenses.enabled() is True and tab.switch_action.isChecked()
    tab.switch_action.trigger()
    press(await confirm_box(tab, wait_until), "Turn off")
    await settle(world, runner, wait_until)
    assert await licenses.enabled() is False
    assert not tab.switch_action.isChecked() and tab.switch_action.text() == "Pool &off"
    assert tab.state_badge.text() == "○ Pool off"
    assert tab.banner.isVisible() and tab.banner.property("role") == "error"
    assert tab.banner.text().startswith("The license pool is off: it moves no seats")
    assert tab.alerts.proxy.index(0, 0).data() == "Pool off"
    assert tab.last_message == "The license pool is off."
    tab.dialog = None
    tab.switch_action.trigger()  # on again: nothing to ask
    await settle(world, runner, wait_until)
    assert tab.dialog is None and await licenses.enabled() is True
    assert tab.switch_action.isChecked() and tab.state_badge.text() == "● Pool on"
    assert "pool is off" not in tab.banner.text() or not tab.banner.isVisible()


async def test_the_menu_holds_every_action_with_its_own_key(world: PoolWorld) -> None:
    tab = world.tab
    ((title, actions),) = tab.menus()
    assert title == "&Pool"
    shown = [a for a in actions if a is not None]
    for action in tab.toolbar.actions():
        assert action.isSeparator() or action in shown, action.text()
    keys = [a.shortcut().toString() for a in shown]
    assert all(keys) and len(keys) == len(set(keys)), keys
    letters = [a.text()[a.text().index("&") + 1].lower() for a in shown]
    assert len(letters) == len(set(letters)), letters
    tab.page_actions[2].trigger()
    assert tab.lists.currentWidget() is tab.alerts


async def _session(world: PoolWorld, email: str, topic: str, at: datetime) -> None:
    """A 45-minute meeting of ``email`` in Zoom and in the store, as a sync records it."""
    runtime = world.runtime
    host = runtime.store.hosts.find_by_email(email)
    assert host is not None
    made = await runtime.account.client.create_meeting(
        host.zoom_user_id, MeetingRequest(topic=topic, start_time=at, duration=45)
    )
    runtime.store.meetings.save(MeetingData(made.id, host.id, topic, at, 45))


async def test_a_busy_day_warns_in_the_banner_and_once_on_the_desktop(
    world: PoolWorld, runner: AsyncRunner, wait_until: WaitUntil
) -> None:
    from zoomadmin.core.changes import ChangeKind

    tab, licenses = world.tab, world.runtime.services.licenses
    at = world.now().replace(hour=11, minute=0)
    hosts = [f"teach+northside-{n}@learnwell.example" for n in (2, 3, 4)]
    for n, email in enumerate(hosts):
        await _session(world, email, ("Chemistry", "Physics", "Drama")[n], at)
    world.runtime.bus.publish(ChangeKind.SESSIONS)
    await settle(world, runner, wait_until)
    chart = tab.chart.view
    assert chart is not None and chart.bands and "Too few seats" in chart.series_names()
    assert max(v for _, v in chart.demand) == 2  # the plan's seats: the rest run as Basic
    assert tab.banner.isVisible() and tab.banner.property("role") == "warning"
    assert licenses.last is not None
    # The plan reports two stretches (4 sessions at once, then 3): the tab reads them as one.
    shortfalls = [a for a in licenses.last.alerts if a.kind == "shortfall"]
    assert [(a.need, a.have) for a in shortfalls] == [(4, 2), (3, 2)]
    assert [b.title for b in shortfalls[0].basic] == ["Drama", "Physics"]
    assert tab.banner.text() == (
        "10:50–11:50: sessions need up to 4 seats at once, the pool has 2. “Drama” "
        "(teach+northside-4@learnwell.example, 11:00) and “Physics” "
        "(teach+northside-3@learnwell.example, 11:00) would run as Basic: cut at 40 minutes, "
        "with no cloud recording."
    )
    assert len(world.tray.sent) == 1, "one notification for the one shortfall"
    (title, text), *_ = world.tray.sent
    assert title == "Too few paid seats at 10:50"
    assert "“Drama” (teach+northside-4@learnwell.example, 11:00)" in text
    assert "would run as Basic: cut at 40 minutes" in text
    tab.reload()
    await runner.wait_idle()
    assert len(world.tray.sent) == 1, "told once per alert"
    # At the sessions' start the controller finds no seat for two of them: told at once.
    world.advance(at - timedelta(minutes=5) - world.now())
    await licenses.step()
    await settle(world, runner, wait_until)
    await wait_until(lambda: not world.notifier.listener.pending)
    basic = [t for t, _ in world.tray.sent[1:]]
    # Three, not the plan's two: the idle Licensed host's own session opens before these
    # end, so the controller leaves it its seat rather than take it for one of them.
    assert basic == ["A session runs as Basic"] * 3
    assert any("“Drama”" in text and "cut at 40 minutes" in text for _, text in world.tray.sent)
    assert tab.banner.property("role") == "error"
    assert tab.banner.text().startswith(
        "No paid seat for “Chemistry” (teach+northside-2@learnwell.example, 11:00), “Drama” "
    )
    tab.show_page(2)
    assert tab.alerts.showing_table and tab.alerts.proxy.rowCount() == 4
    assert tab.alerts.proxy.index(0, 0).data() == "Runs as Basic"
    await shoot(tab, "busy")
