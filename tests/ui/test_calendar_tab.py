"""The Calendar tab over the demo sandbox: week view, keys, filters, details, changes, export."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from runtime_support import close_runtime, sandbox_runtime

from tests.ui.conftest import WaitUntil
from zoomadmin.account.runtime import AccountRuntime
from zoomadmin.sandbox import SandboxServer
from zoomadmin.tab_wiring import demo_tenants
from zoomadmin.ui.calendar.calendar_tab import CalendarTab
from zoomadmin.ui.calendar.layout import Mark, View, mark_of
from zoomadmin.ui.calendar.session_forms import SessionForm
from zoomadmin.ui.common.async_runner import AsyncRunner

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@dataclass
class CalendarWorld:
    tab: CalendarTab
    runtime: AccountRuntime


@pytest.fixture
async def world(
    qtbot: QtBot, tmp_path: Path, demo_sandbox: SandboxServer, runner: AsyncRunner
) -> AsyncIterator[CalendarWorld]:
    """The demo account set up (tenants, hosts, their term) and the tab shown on its week."""
    runtime = sandbox_runtime(demo_sandbox, tmp_path, demo_tenants=demo_tenants())
    await runtime.services.first_open.run()
    services = runtime.services
    tab = CalendarTab(
        calendar=services.calendar,
        queue=services.queue,
        sessions=services.sessions,
        curricula=services.curricula,
        runner=runner,
        clock=runtime.clock,
        changes=runtime.bus,
    )
    qtbot.addWidget(tab)
    tab.resize(1280, 800)
    tab.show()
    await tab.ready()
    await runner.wait_idle()
    yield CalendarWorld(tab, runtime)
    runner.cancel_all()
    await runtime.stop()
    await close_runtime(runtime)


def shoot(widget: object, name: str) -> None:
    """Save ``widget`` at 1280x800 and 1024x640 when ZOOMADMIN_SCREENSHOTS is set."""
    if not os.environ.get("ZOOMADMIN_SCREENSHOTS"):
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 800), (1024, 640)):
        widget.resize(width, height)  # type: ignore[attr-defined]
        widget.grab().save(str(SHOTS / f"calendar-{name}-{width}x{height}.png"))  # type: ignore[attr-defined]
    widget.resize(1280, 800)  # type: ignore[attr-defined]


async def test_the_week_view_shows_the_demo_term_and_the_keys_move_through_it(
    world: CalendarWorld, runner: AsyncRunner, qtbot: QtBot
) -> None:
    tab = world.tab
    shown = tab.visible_sessions()
    assert shown, "the demo term has sessions this week"
    assert tab.view is View.WEEK and tab.grid.columns.placed
    assert tab.title.text() == "2 Mar – 8 Mar 2026"
    assert not tab.empty.isVisible()
    assert {s.tenant_id for s in shown} >= {1, 2, 3}
    shoot(tab, "week")
    tab.setFocus()  # the views have the keys (the tab passes its focus to the one shown)
    assert tab.focusWidget() is tab.grid.columns
    qtbot.keyClick(tab.focusWidget(), Qt.Key.Key_PageDown)
    await runner.wait_idle()
    assert tab.title.text() == "9 Mar – 15 Mar 2026"
    qtbot.keyClick(tab.focusWidget(), Qt.Key.Key_T)
    await runner.wait_idle()
    assert tab.title.text() == "2 Mar – 8 Mar 2026"
    qtbot.keyClick(tab.focusWidget(), Qt.Key.Key_Down)
    first = tab.selected
    assert first is not None and first == tab.visible_sessions()[0]
    assert tab.details.title.text() == first.title
    assert tab.details.fields["host"].toolTip() == first.host_email
    qtbot.keyClick(tab.focusWidget(), Qt.Key.Key_Down)
    assert tab.selected == tab.visible_sessions()[1]
    qtbot.keyClick(tab.focusWidget(), Qt.Key.Key_M)
    await runner.wait_idle()
    assert tab.view is View.MONTH and tab.title.text() == "March 2026"
    assert tab.focusWidget() is tab.month
    assert sum(len(v) for v in tab.month.by_day.values()) >= len(shown)
    shoot(tab, "month")
    qtbot.keyClick(tab.focusWidget(), Qt.Key.Key_D)
    await runner.wait_idle()
    assert tab.view is View.DAY and tab.title.text() == "Monday 2 March 2026"
    shoot(tab, "day")
    # The filters keep their own keys: Down on the tenant filter moves the filter.
    tab.tenant_filter.setFocus()
    selected = tab.selected
    qtbot.keyClick(tab.tenant_filter, Qt.Key.Key_Down)
    await runner.wait_idle()
    assert tab.tenant_filter.currentIndex() == 1 and tab.selected == selected


async def test_a_tenant_filter_shows_its_sessions_in_its_own_time(
    world: CalendarWorld, runner: AsyncRunner
) -> None:
    tab = world.tab
    names = [tab.tenant_filter.itemText(n) for n in range(tab.tenant_filter.count())]
    assert names[0] == "All tenants" and len(names) == 4
    tab.tenant_filter.setCurrentIndex(2)
    await runner.wait_idle()
    tenant = tab.tenant_record()
    assert tenant is not None
    assert {s.tenant_id for s in tab.sessions} == {tenant.id}
    assert tab.zone() == ZoneInfo(tenant.timezone)
    hosts = [tab.host_filter.itemText(n) for n in range(1, tab.host_filter.count())]
    options = tab.host_options()
    assert hosts == [o.email for o in options] and {o.tenant for o in options} == {tenant.name}
    tab.host_filter.setCurrentIndex(1)
    await runner.wait_idle()
    assert {s.host_email for s in tab.sessions} == {hosts[0]}


async def test_the_detail_panel_gives_both_zones_and_the_series_position(
    world: CalendarWorld, runner: AsyncRunner, wait_until: WaitUntil
) -> None:
    tab = world.tab
    series = next(s for s in tab.visible_sessions() if s.occurrence_id)
    tab.select(series)
    await wait_until(lambda: tab.details.fields["series"].text().startswith("Session "))
    text = tab.details.fields["series"].text()
    number, _, rest = text.removeprefix("Session ").partition(" of the ")
    assert 1 <= int(number) <= int(rest.split()[0]) and text.endswith("left in the series")
    tenant = tab.tenant_of(series)
    assert tenant is not None and tab.details.fields["tenant"].text() == tenant[0]
    assert f"({series.timezone})" in tab.details.fields["own"].text()
    assert tab.details.fields["join"].toolTip() == series.join_url.strip()
    assert series.join_url.startswith("http")
    tab.copy_join_action.trigger()
    assert QGuiApplication.clipboard().text() == series.join_url
    shoot(tab, "details")


async def test_cancelling_a_session_asks_with_its_cost_then_queues_it(
    world: CalendarWorld, runner: AsyncRunner, wait_until: WaitUntil
) -> None:
    tab = world.tab
    now = world.runtime.clock.now()
    coming = next(s for s in tab.visible_sessions() if s.start > now and s.occurrence_id)
    tab.select(coming)
    assert tab.cancel_action.isEnabled()
    tab.cancel_action.trigger()
    await wait_until(lambda: tab.findChild(QMessageBox, "confirmBox") is not None)
    box = tab.findChild(QMessageBox, "confirmBox")
    assert isinstance(box, QMessageBox)
    assert "Zoom requests: 1 request, all today." in box.text()
    ok = next(b for b in box.buttons() if b.text() == "Cancel it")
    assert isinstance(ok, QPushButton)
    ok.click()
    await wait_until(
        lambda: "1 sessions queued" in tab.queue_text.text() or "queued" in tab.queue_text.text()
    )
    assert tab.last_message.startswith("Queued: 1 request")


async def test_start_now_makes_the_meeting_at_once_and_hands_over_its_links(
    world: CalendarWorld, runner: AsyncRunner, wait_until: WaitUntil, qtbot: QtBot
) -> None:
    tab = world.tab
    tab.start_now_action.trigger()
    await wait_until(lambda: tab.findChild(SessionForm, "startNowForm") is not None)
    form = tab.findChild(SessionForm, "startNowForm")
    assert isinstance(form, SessionForm)
    assert not form.ok.isEnabled()  # a title is needed first
    qtbot.keyClicks(form.title, "Parent call")
    assert form.ok.isEnabled()
    form.ok.click()
    await wait_until(lambda: tab.findChild(QMessageBox, "confirmBox") is not None)
    ask = tab.findChild(QMessageBox, "confirmBox")
    assert isinstance(ask, QMessageBox) and "1 request, all today" in ask.text()
    start = next(b for b in ask.buttons() if b.text() == "Start it")
    assert isinstance(start, QPushButton)
    start.click()
    await wait_until(
        lambda: "Meeting started" in [b.windowTitle() for b in tab.findChildren(QMessageBox)],
        within=15,
    )
    assert QGuiApplication.clipboard().text().startswith("http")
    assert "join link is copied" in tab.last_message


async def test_export_writes_the_shown_sessions_as_csv_and_icalendar(
    world: CalendarWorld, runner: AsyncRunner, tmp_path: Path
) -> None:
    tab = world.tab
    shown = tab.visible_sessions()
    tab.export_to(tmp_path / "week.csv", csv=True)
    tab.export_to(tmp_path / "week.ics", csv=False)
    await runner.wait_idle()
    rows = list(csv.DictReader(io.StringIO((tmp_path / "week.csv").read_text(encoding="utf-8"))))
    assert len(rows) == len(shown)
    ics = (tmp_path / "week.ics").read_text(encoding="utf-8")
    assert ics.count("BEGIN:VEVENT") == len(shown)
    assert tab.last_message == f"Exported {len(shown)} sessions to week.ics."


async def test_marks_show_what_ended_and_what_is_live(world: CalendarWorld) -> None:
    tab = world.tab
    now = world.runtime.clock.now()
    marks = {mark_of(s, now) for s in tab.visible_sessions()}
    assert Mark.CREATED in marks
    past = [s for s in tab.visible_sessions() if s.end < now - timedelta(hours=1)]
    assert all(mark_of(s, now) in (Mark.ENDED, Mark.RECORDED) for s in past)
