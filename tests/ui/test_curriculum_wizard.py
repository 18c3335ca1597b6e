"""The curriculum wizard and the curriculum CSV import, driven against the sandbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QSettings, Qt, QTime
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QMessageBox,
    QSpinBox,
    QTimeEdit,
    QTreeWidgetItem,
    QWizard,
)
from pytestqt.qtbot import QtBot
from runtime_support import close_runtime, sandbox_runtime
from zoom_users import add_zoom_user

from tests.ui.accelerators import clashes
from tests.ui.conftest import WaitUntil
from zoomadmin.account.runtime import AccountRuntime
from zoomadmin.core.curriculum import CSV_COLUMNS, parse_csv
from zoomadmin.core.records import TenantRecord
from zoomadmin.core.schedule import IntentState
from zoomadmin.sandbox import SandboxServer
from zoomadmin.services.tenants import TenantDraft
from zoomadmin.ui.common.async_runner import AsyncRunner
from zoomadmin.ui.curriculum.term_editor import SlotColumn
from zoomadmin.ui.curriculum.wizard import CurriculumWizard, PageId, open_curriculum_wizard

HEADER = ",".join(CSV_COLUMNS)
NEXT = QWizard.WizardButton.NextButton
FINISH = QWizard.WizardButton.FinishButton


@dataclass
class World:
    """An account with one tenant (New York) and two of its Basic hosts."""

    runtime: AccountRuntime
    sandbox: SandboxServer
    tenant: TenantRecord
    hosts: list[str]


@pytest.fixture
async def world(tmp_path: Path, sandbox: SandboxServer) -> AsyncIterator[World]:
    runtime = sandbox_runtime(sandbox, tmp_path)
    services = runtime.services
    tenant = await services.tenants.create(
        TenantDraft(
            name="Northside High",
            timezone="America/New_York",
            mailbox="teach",
            domain="school.example",
        )
    )
    emails = []
    for n in (1, 2):
        email = tenant.host_email(n)
        add_zoom_user(sandbox, email, "Host", str(n))
        await services.hosts.link_email(email, tenant.id)
        emails.append(email)
    yield World(runtime, sandbox, tenant, emails)
    # The wizards delete themselves when closed (so qtbot cannot own them): close the rest.
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, CurriculumWizard | QMessageBox) and shiboken6.isValid(widget):
            widget.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
            widget.done(0) if isinstance(widget, QMessageBox) else QWizard.done(widget, 0)
            widget.deleteLater()
    await asyncio.sleep(0.01)
    await runtime.stop()
    await close_runtime(runtime)


def _texts(wizard: CurriculumWizard) -> list[str]:
    """Every line of the preview's problems and conflicts tree, children included."""
    tree = wizard.preview_page.view.findings
    found: list[str] = []

    def walk(item: QTreeWidgetItem) -> None:
        found.append(item.text(0))
        for n in range(item.childCount()):
            walk(item.child(n))

    for n in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(n)
        if top is not None:
            walk(top)
    return found


async def _previewed(wizard: CurriculumWizard, wait_until: WaitUntil) -> None:
    view = wizard.preview_page.view
    await wait_until(
        lambda: not view.working and (view.preview is not None or view.error.text()),
        within=15,
        what="the preview",
    )


async def test_the_wizard_takes_a_term_to_the_queue_and_back_keeps_every_entry(
    qtbot: QtBot, world: World, runner: AsyncRunner, wait_until: WaitUntil
) -> None:
    curricula = world.runtime.services.curricula
    wizard = open_curriculum_wizard(None, curricula, runner)
    details = wizard.details
    await wait_until(lambda: details.host.count() == 2, what="the tenant's hosts")
    assert details.tenant.currentText() == "Northside High"
    assert not wizard.button(NEXT).isEnabled()  # no title yet
    details.host.setCurrentIndex(details.host.findData(world.hosts[1]))
    qtbot.keyClicks(details.title_edit, "Algebra I")
    assert wizard.button(NEXT).isEnabled()
    qtbot.mouseClick(wizard.button(NEXT), Qt.MouseButton.LeftButton)
    term = wizard.term_page
    assert wizard.currentId() == PageId.TERM
    assert term.zone.currentText() == "America/New_York"  # the tenant's
    assert term.slots.rows() == 1
    # The sandbox stands on Mon 2 Mar 2026: the term starts the Monday after.
    assert term.term()[0] == date(2026, 3, 9)
    qtbot.keyClick(term.slots.table, Qt.Key.Key_Insert)  # a copy a day later: Tuesday
    assert term.slots.slots()[1][0] == 1
    day = term.slots.table.cellWidget(1, SlotColumn.WEEKDAY)
    assert isinstance(day, QComboBox)
    day.setCurrentIndex(2)  # Wednesday
    term.weeks.setValue(4)
    term.holidays.day.setDate(term.first.date().addDays(2))  # Wed 11 Mar
    qtbot.mouseClick(term.holidays.add_button, Qt.MouseButton.LeftButton)
    assert term.holidays.dates() == [date(2026, 3, 11)]
    assert "4 weeks, 1 holiday skipped" in term.term_words.text()
    qtbot.mouseClick(wizard.button(NEXT), Qt.MouseButton.LeftButton)
    await _previewed(wizard, wait_until)
    preview = wizard.preview
    assert preview is not None
    assert preview.cost.sessions == 7  # 4 Mondays and 4 Wednesdays, less the holiday
    view = wizard.preview_page.view
    assert "7 sessions in" in view.summary.text() and "all today" in view.summary.text()
    assert view.costs.rowCount() == 1
    assert view.costs.item(0, 0).text() == world.hosts[1]
    assert view.costs.item(0, 3).text() == "100"  # left today
    assert view.costs.item(0, 4).text() == "today"
    # A Basic host's 50-minute sessions are flagged (the license pool), not refused.
    notes = [t for t in _texts(wizard) if t.startswith("Note")]
    assert notes and "Basic host" in notes[0]
    assert wizard.button(FINISH).isEnabled()
    # Back twice and forth again: nothing entered is lost.
    wizard.back()
    wizard.back()
    assert details.title_edit.text() == "Algebra I"
    assert details.host_email() == world.hosts[1]
    wizard.next()
    assert term.slots.rows() == 2 and term.weeks.value() == 4
    assert term.holidays.dates() == [date(2026, 3, 11)]
    wizard.next()
    await _previewed(wizard, wait_until)
    qtbot.mouseClick(wizard.button(FINISH), Qt.MouseButton.LeftButton)
    await wait_until(lambda: wizard.done_result is not None, within=15, what="the submission")
    done = wizard.done_result
    assert done is not None
    queued = await world.runtime.services.queue.intents([IntentState.QUEUED])
    assert len(queued) == done.intents > 0
    assert sum(len(i.session_starts) for i in queued if i.kind.value == "create") == 7
    assert {i.topic for i in queued} == {"Algebra I"}
    box = wizard.result_box
    assert isinstance(box, QMessageBox)
    assert box.text().startswith(f"Queued {done.intents} Zoom request")
    assert "7 sessions (all today)" in box.text()
    box.close()


async def test_cancel_asks_before_entries_are_lost(
    qtbot: QtBot, world: World, runner: AsyncRunner, wait_until: WaitUntil
) -> None:
    wizard = open_curriculum_wizard(None, world.runtime.services.curricula, runner)
    await wait_until(lambda: wizard.details.host.count() == 2, what="the hosts")
    qtbot.keyClicks(wizard.details.title_edit, "Chemistry")
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    box = wizard.confirm_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    keep = next(b for b in box.buttons() if b.text() == "&Keep editing")
    keep.click()
    await wait_until(lambda: not box.isVisible() if shiboken6.isValid(box) else True)
    assert wizard.isVisible() and wizard.details.title_edit.text() == "Chemistry"
    wizard.reject()
    box = wizard.confirm_box
    assert isinstance(box, QMessageBox)
    discard = next(b for b in box.buttons() if b.text() == "&Discard")
    discard.click()
    await wait_until(lambda: not shiboken6.isValid(wizard) or not wizard.isVisible())


async def test_an_untouched_wizard_closes_without_asking(
    qtbot: QtBot, world: World, runner: AsyncRunner, wait_until: WaitUntil
) -> None:
    wizard = CurriculumWizard(world.runtime.services.curricula, runner)
    qtbot.addWidget(wizard)
    wizard.show()
    await wait_until(lambda: wizard.details.host.count() == 2, what="the hosts")
    wizard.reject()
    assert wizard.confirm_box is None and not wizard.isVisible()
    assert clashes(wizard) == {}


async def test_a_csv_with_bad_rows_names_each_row_and_field_and_cannot_be_submitted(
    qtbot: QtBot, world: World, runner: AsyncRunner, wait_until: WaitUntil, tmp_path: Path
) -> None:
    email = world.hosts[0]
    path = tmp_path / "term.csv"
    path.write_text(
        "\n".join(
            (
                HEADER,
                f"Northside High,{email},Algebra,Mon,09:00,50,2026-03-09,2026-04-03,,",
                f"Northside High,{email},Algebra,Tue,9am,50,2026-03-09,2026-04-03,,",
                f"Nowhere,{email},Algebra,Wed,09:00,50,2026-03-09,2026-04-03,,",
                f"Northside High,{email},Algebra,Thu,09:00,50,2026-03-09,2026-04-03,,Mars/Base",
            )
        )
        + "\n",
        encoding="utf-8",
    )
    wizard = open_curriculum_wizard(None, world.runtime.services.curricula, runner, csv_path=path)
    assert wizard.currentId() == PageId.PREVIEW
    await _previewed(wizard, wait_until)
    texts = _texts(wizard)
    assert any(t.startswith("Row 3, start_time: '9am' is not a local time") for t in texts)
    assert any(t.startswith("Row 4, tenant: There is no tenant “Nowhere”") for t in texts)
    assert any(t.startswith("Row 5, timezone:") for t in texts)
    view = wizard.preview_page.view
    assert "3 problems and 0 conflicts keep this from being submitted" in view.verdict.text()
    assert not wizard.button(FINISH).isEnabled()
    # Fixed in the file, then checked again: it may go.
    path.write_text(
        f"{HEADER}\nNorthside High,{email},Algebra,Mon,09:00,30,2026-03-09,2026-04-03,,\n",
        encoding="utf-8",
    )
    qtbot.mouseClick(wizard.preview_page.check_again, Qt.MouseButton.LeftButton)
    await wait_until(lambda: wizard.button(FINISH).isEnabled(), what="the fixed file's preview")
    assert _texts(wizard) == ["No problems and no conflicts."]


async def test_a_file_without_the_columns_says_which_are_missing(
    qtbot: QtBot, world: World, runner: AsyncRunner, wait_until: WaitUntil, tmp_path: Path
) -> None:
    path = tmp_path / "hosts.csv"
    path.write_text("email,first_name\nann@x.org,Ann\n", encoding="utf-8")
    wizard = open_curriculum_wizard(None, world.runtime.services.curricula, runner, csv_path=path)
    await _previewed(wizard, wait_until)
    error = wizard.preview_page.view.error
    assert error.isVisibleTo(wizard) and "lacks the column(s) tenant, host_email" in error.text()
    assert not wizard.button(FINISH).isEnabled()


async def test_an_account_user_named_in_the_file_is_offered_for_linking_then_linked(
    qtbot: QtBot, world: World, runner: AsyncRunner, wait_until: WaitUntil, tmp_path: Path
) -> None:
    newcomer = "new.teacher@school.example"
    add_zoom_user(world.sandbox, newcomer, "New", "Teacher")
    path = tmp_path / "term.csv"
    path.write_text(
        f"{HEADER}\nNorthside High,{newcomer},Physics,Fri,14:00,40,2026-03-09,2026-05-01,"
        "2026-04-03,\n",
        encoding="utf-8",
    )
    wizard = open_curriculum_wizard(None, world.runtime.services.curricula, runner, csv_path=path)
    await _previewed(wizard, wait_until)
    view = wizard.preview_page.view
    assert list(view.link_boxes) == [newcomer]
    box = view.link_boxes[newcomer]
    assert "a host of “Northside High”" in box.text() and not box.isChecked()
    assert "Tick the user above" in view.verdict.text()
    assert not wizard.button(FINISH).isEnabled()
    box.setChecked(True)
    assert wizard.button(FINISH).isEnabled()
    qtbot.mouseClick(wizard.button(FINISH), Qt.MouseButton.LeftButton)
    await wait_until(lambda: wizard.done_result is not None, within=15, what="the submission")
    host = world.runtime.store.hosts.find_by_email(newcomer)
    assert host is not None and host.tenant_id == world.tenant.id
    queued = await world.runtime.services.queue.intents([IntentState.QUEUED])
    assert {i.host_id for i in queued} == {host.id}
    assert wizard.result_box is not None and "became host(s)" in wizard.result_box.text()
    wizard.result_box.close()


async def test_the_schedule_menu_opens_the_wizard_on_the_open_account(
    app: object, wait_until: WaitUntil
) -> None:
    from zoomadmin.app import Application

    assert isinstance(app, Application)
    window = app.window
    assert window.new_curriculum_action.isEnabled()
    assert window.new_curriculum_action.shortcut().toString() == "Ctrl+Alt+N"
    window.new_curriculum_action.trigger()
    wizard = app.curriculum_wizard
    assert wizard is not None
    await wait_until(lambda: wizard.details.tenant.count() == 3, what="the demo's tenants")
    assert wizard.windowTitle() == "New curriculum" and wizard.isVisible()
    wizard.reject()
    window.import_curriculum_action.trigger()
    imported = app.curriculum_wizard
    assert imported is not None and imported is not wizard
    assert imported.windowTitle() == "Import curriculum CSV"
    dialog = imported.findChild(object, "curriculumFileDialog")
    assert dialog is not None  # it asks for the file at once
    dialog.reject()  # type: ignore[attr-defined]
    imported.reject()


async def test_the_keyboard_adds_and_removes_slots_and_a_bad_zone_is_named_by_its_field(
    qtbot: QtBot, world: World, runner: AsyncRunner, wait_until: WaitUntil
) -> None:
    wizard = open_curriculum_wizard(None, world.runtime.services.curricula, runner)
    await wait_until(lambda: wizard.details.host.count() == 2, what="the hosts")
    qtbot.keyClicks(wizard.details.title_edit, "Biology")
    wizard.next()
    term = wizard.term_page
    table = term.slots.table
    for _ in range(2):
        qtbot.keyClick(table, Qt.Key.Key_Insert)
    assert [s[0] for s in term.slots.slots()] == [0, 1, 2]  # Mon, then a day later each
    minutes = table.cellWidget(1, SlotColumn.DURATION)
    assert isinstance(minutes, QSpinBox)
    minutes.setFocus()
    qtbot.keyClick(minutes, Qt.Key.Key_Delete)  # edits the minutes, keeps the row
    assert term.slots.rows() == 3
    day = table.cellWidget(1, SlotColumn.WEEKDAY)
    assert day is not None
    day.setFocus()
    qtbot.keyClick(day, Qt.Key.Key_Delete)
    assert [s[0] for s in term.slots.slots()] == [0, 2]
    for _ in range(2):
        qtbot.mouseClick(term.slots.remove_button, Qt.MouseButton.LeftButton)
    assert term.slots.rows() == 0
    assert not wizard.button(NEXT).isEnabled()
    assert "Add at least one weekly slot" in term.term_error.text()
    qtbot.keyClick(table, Qt.Key.Key_Insert)
    assert wizard.button(NEXT).isEnabled()
    term.zone.setFocus()
    term.zone.lineEdit().selectAll()  # type: ignore[union-attr]
    qtbot.keyClicks(term.zone, "Mars/Base")
    assert not wizard.button(NEXT).isEnabled()
    assert not term.validatePage()
    assert "'Mars/Base' is not a time zone name" in term.errors.text(term.zone)
    term.zone.setCurrentText("Europe/London")
    assert wizard.button(NEXT).isEnabled() and term.errors.text(term.zone) == ""
    assert "Not the tenant's (America/New_York)" in term.zone_note.text()
    assert term.build_slots()[0].timezone == "Europe/London"


async def test_a_clock_change_hour_and_a_past_session_are_reported_by_row_and_block_the_submission(
    qtbot: QtBot, world: World, runner: AsyncRunner, wait_until: WaitUntil
) -> None:
    wizard = open_curriculum_wizard(None, world.runtime.services.curricula, runner)
    await wait_until(lambda: wizard.details.host.count() == 2, what="the hosts")
    qtbot.keyClicks(wizard.details.title_edit, "Night school")
    wizard.next()
    term = wizard.term_page
    term.first.setDate(term.first.date().addDays(-7))  # Mon 2 Mar 2026: today
    term.weeks.setValue(1)
    term.slots.add_slot(6, time(2, 30))  # Sun 8 Mar 02:30 New York does not exist
    first = term.slots.table.cellWidget(0, SlotColumn.START)
    assert isinstance(first, QTimeEdit)
    first.setTime(QTime(3, 0))  # Mon 2 Mar 03:00 New York: before the sandbox's 04:00
    wizard.next()
    await _previewed(wizard, wait_until)
    texts = _texts(wizard)
    assert any(
        t.startswith("Row 2, start time: 2026-03-08 02:30 does not exist in America/New_York")
        for t in texts
    )
    assert any(
        t.startswith("Conflict: Row 1: 1 session(s) of “Night school” start in") for t in texts
    )
    assert any("Mon 2 Mar 2026 03:00 EST" in t for t in texts)  # the session involved
    assert not wizard.button(FINISH).isEnabled()
    assert "1 problem and 1 conflict keep this" in wizard.preview_page.view.verdict.text()
    assert await world.runtime.services.queue.intents([IntentState.QUEUED]) == []


async def test_a_refusal_at_submit_time_queues_nothing_and_says_why(
    qtbot: QtBot, world: World, runner: AsyncRunner, wait_until: WaitUntil, tmp_path: Path
) -> None:
    email = world.hosts[0]
    path = tmp_path / "term.csv"
    text = f"{HEADER}\nNorthside High,{email},Algebra,Tue,09:00,30,2026-03-09,2026-04-03,,\n"
    path.write_text(text, encoding="utf-8")
    wizard = open_curriculum_wizard(None, world.runtime.services.curricula, runner, csv_path=path)
    await _previewed(wizard, wait_until)
    assert wizard.button(FINISH).isEnabled()
    # Someone else queues the same term meanwhile: at submit time it clashes with itself.
    await world.runtime.services.curricula.submit_csv(text)
    before = len(await world.runtime.services.queue.intents([IntentState.QUEUED]))
    qtbot.mouseClick(wizard.button(FINISH), Qt.MouseButton.LeftButton)
    error = wizard.preview_page.view.error
    await wait_until(lambda: bool(error.text()), within=15, what="the refusal")
    assert error.text().startswith("Nothing was queued: The curriculum has 4 conflict(s)")
    assert wizard.isVisible() and wizard.done_result is None
    assert wizard.button(QWizard.WizardButton.CancelButton).isEnabled()
    assert not wizard.button(FINISH).isEnabled()
    assert len(await world.runtime.services.queue.intents([IntentState.QUEUED])) == before
    qtbot.mouseClick(wizard.preview_page.check_again, Qt.MouseButton.LeftButton)
    await _previewed(wizard, wait_until)
    assert any("(in the queue)" in t for t in _texts(wizard))


async def test_the_template_is_a_curriculum_the_import_reads(
    qtbot: QtBot, world: World, runner: AsyncRunner, wait_until: WaitUntil, tmp_path: Path
) -> None:
    wizard = open_curriculum_wizard(None, world.runtime.services.curricula, runner, import_csv=True)
    asked = wizard.findChild(QFileDialog, "curriculumFileDialog")
    assert asked is not None  # the file is asked for at once
    asked.reject()
    path = tmp_path / "template.csv"
    wizard.save_template_to(path)
    saved = wizard.preview_page.saved
    await wait_until(lambda: saved.isVisibleTo(wizard), what="the template saved")
    assert str(path) in saved.text()
    slots, problems = parse_csv(path.read_text(encoding="utf-8"))
    assert problems == [] and len(slots) == 3
    assert slots[2].timezone == "America/Chicago"
    wizard.use_file(path)
    await _previewed(wizard, wait_until)
    texts = _texts(wizard)  # its example hosts are no users of this account
    assert any(t.startswith("Row 2, host_email: There is no user teach+") for t in texts)


async def test_the_calendar_can_open_the_wizard_on_a_tenant_and_host(
    qtbot: QtBot, world: World, runner: AsyncRunner, wait_until: WaitUntil
) -> None:
    wizard = open_curriculum_wizard(
        None,
        world.runtime.services.curricula,
        runner,
        tenant="Northside High",
        host_email=world.hosts[1].upper(),
    )
    await wait_until(lambda: wizard.details.host.count() == 2, what="the hosts")
    assert wizard.details.host_email() == world.hosts[1]


async def test_entries_survive_a_crash_and_come_back_until_discarded(
    qtbot: QtBot, world: World, runner: AsyncRunner, wait_until: WaitUntil, tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    curricula = world.runtime.services.curricula
    first = open_curriculum_wizard(None, curricula, runner, settings=settings)
    await wait_until(lambda: first.details.host.count() == 2, what="the hosts")
    first.details.host.setCurrentIndex(1)
    first.details.host.activated.emit(1)
    qtbot.keyClicks(first.details.title_edit, "Spanish II")
    first.next()
    term = first.term_page
    term.slots.add_slot(3, time(15, 30), 45)
    term.ends_on.setChecked(True)
    term.holidays.add(date(2026, 4, 2))
    term.zone.setCurrentText("America/Chicago")
    term.zone.activated.emit(0)
    # zoomadmin dies here: the wizard never closes. The next New curriculum has it all.
    second = open_curriculum_wizard(
        None, curricula, runner, settings=QSettings(settings.fileName(), settings.format())
    )
    await wait_until(lambda: second.dirty, what="the entries restored")
    assert "Restored the curriculum" in second.details.loading.text()
    assert second.details.host_email() == world.hosts[1]
    assert second.details.title_edit.text() == "Spanish II"
    second.next()
    again = second.term_page
    assert again.slots.slots() == [(0, time(9, 0), 50), (3, time(15, 30), 45)]
    assert again.ends_on.isChecked() and again.term() == term.term()
    assert again.holidays.dates() == [date(2026, 4, 2)]
    assert again.zone.currentText() == "America/Chicago"
    first.hide()  # what the crash left behind goes away without a word
    first.deleteLater()
    settings.sync()
    assert settings.value("curriculumWizard/draft") is not None
    second.reject()  # entries were made: it asks first, and Discard forgets them
    box = second.confirm_box
    assert isinstance(box, QMessageBox)
    next(b for b in box.buttons() if b.text() == "&Discard").click()
    await wait_until(lambda: not shiboken6.isValid(second) or not second.isVisible())
    settings.sync()
    assert settings.value("curriculumWizard/draft") is None


def test_the_preview_warns_where_the_license_pool_falls_short() -> None:
    from zoomadmin.ui.curriculum.preview_view import seat_warning

    class _Preview:
        seat_shortfalls = (
            {
                "from": "2026-03-04T14:00:00Z",
                "to": "2026-03-04T15:00:00Z",
                "need": 7,
                "have": 5,
                "sessions": ["a", "b"],
            },
        )

    text = seat_warning(_Preview())  # type: ignore[arg-type]
    assert "Wed 04 Mar 14:00–15:00 UTC: 7 sessions need a paid seat, 5 seats" in text
