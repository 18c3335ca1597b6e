"""Screenshots of the curriculum wizard's pages and the curriculum CSV import on the demo sandbox.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_curriculum.py OUT_DIR

Saves ``curriculum-<page>-<size>.png`` at 1280x800 and 1024x640: the tenant page, the
slots and term page, the preview of a term that clashes with the host's existing series
and spills past today's quota, and the import of a file with bad rows and a user to link.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, timedelta
from pathlib import Path

import qasync
from PySide6.QtCore import QSettings, QTime
from PySide6.QtWidgets import QApplication, QTimeEdit, QWidget

from zoomadmin.app import Application, build_window
from zoomadmin.core.curriculum import CSV_COLUMNS
from zoomadmin.paths import AppPaths
from zoomadmin.sandbox import seed
from zoomadmin.services.credentials import MemorySecretStore
from zoomadmin.ui.common.error_dialog import ErrorReporter
from zoomadmin.ui.common.icons import stylesheet
from zoomadmin.ui.curriculum.term_editor import SlotColumn
from zoomadmin.ui.curriculum.wizard import CurriculumWizard, next_monday

SIZES = ((1280, 800), (1024, 640))
PAUSE = 0.3
HOST = f"{seed.MAILBOX}+northside-1@{seed.DOMAIN}"
"""The demo's first Northside teacher: a weekly series at 16:00 New York time already."""
LEFT_TODAY = 2
"""What the host has left of today's 100 requests (it has been busy): the term spills."""


async def settle(app: Application) -> None:
    await app.runner.wait_idle()
    await asyncio.sleep(PAUSE)
    await app.runner.wait_idle()


async def save(app: Application, widget: QWidget, out: Path, name: str) -> None:
    for width, height in SIZES:
        widget.resize(width, height)
        await settle(app)
        file = out / f"curriculum-{name}-{width}x{height}.png"
        if not widget.grab().save(str(file)):
            raise OSError(f"could not write {file}")
        print(file.name)


def opened(app: Application) -> CurriculumWizard:
    wizard = app.curriculum_wizard
    if wizard is None:
        raise RuntimeError("the curriculum wizard did not open")
    return wizard


async def spend_quota(app: Application) -> None:
    runtime = app.runtime
    if runtime is None:
        raise RuntimeError("no account is open")
    host = runtime.store.hosts.find_by_email(HOST)
    if host is None:
        raise RuntimeError(f"the demo has no host {HOST}")
    day = runtime.clock.now().astimezone(UTC).date()
    await runtime.account.client.transport.ledger.observe(host.zoom_user_id, day, 100, LEFT_TODAY)


async def wizard_pages(app: Application, out: Path) -> None:
    app.open_curriculum(import_csv=False)
    wizard = opened(app)
    await settle(app)
    details = wizard.details
    details.choose("Northside High", HOST)
    details.title_edit.setText("Algebra I — Period 2")
    await save(app, wizard, out, "1-tenant-host-title")
    wizard.next()
    term = wizard.term_page
    for _ in range(4):  # Monday (there already), then Tuesday to Friday
        term.slots.add_slot()
    for row in range(term.slots.rows()):
        at = term.slots.table.cellWidget(row, SlotColumn.START)
        if isinstance(at, QTimeEdit):
            at.setTime(QTime(16, 0))
    start = term.first.date()
    for days in (4, 7 * 6 + 1, 7 * 6 + 2):  # a Friday, then two days of a mid-term break
        term.holidays.day.setDate(start.addDays(days))
        term.holidays.add_current()
    term.holidays.day.setDate(start)
    await save(app, wizard, out, "2-slots-term")
    wizard.next()
    await settle(app)
    findings = wizard.preview_page.view.findings
    clashes = findings.topLevelItem(0)
    if clashes is not None:  # show the clashing sessions, and the first one's session
        clashes.setExpanded(True)
        first = clashes.child(0)
        if first is not None:
            first.setExpanded(True)
    await save(app, wizard, out, "3-preview-conflict-spill")
    wizard.dirty = False  # closes without asking
    wizard.reject()
    await settle(app)


async def import_preview(app: Application, out: Path, tmp: Path) -> None:
    header = ",".join(CSV_COLUMNS)
    staff = f"priya.shah@{seed.DOMAIN}"
    runtime = app.runtime
    if runtime is None:
        raise RuntimeError("no account is open")
    first = next_monday(runtime.clock.now(), "America/New_York")
    term = f"{first},{first + timedelta(weeks=13, days=-1)}"
    break_day = first + timedelta(weeks=6, days=1)
    rows = [
        f"Northside High,{staff},Study hall,Tue,13:00,40,{term},{break_day},",
        f"Northside High,{staff},Study hall,Thu,1pm,40,{term},,",
        f"Westfield,{HOST},Geometry,Wed,10:00,50,{term},,",
        f"Harbourview Academy,{seed.MAILBOX}+harbourview-2@{seed.DOMAIN},English Literature,"
        f"Fri,10:30,2000,{term},,",
    ]
    file = tmp / "autumn-term.csv"
    file.write_text("\n".join((header, *rows)) + "\n", encoding="utf-8")
    app.window.import_curriculum_action.trigger()
    wizard = opened(app)
    dialog = wizard.findChild(QWidget, "curriculumFileDialog")
    if dialog is not None:
        dialog.close()
    wizard.use_file(file)
    await settle(app)
    await save(app, wizard, out, "import-preview")
    wizard.reject()
    await settle(app)


async def run(out: Path) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="zoomadmin-shots-"))
    paths = AppPaths.under(tmp / "basedir")
    settings = QSettings(str(paths.config_dir / "window.ini"), QSettings.Format.IniFormat)
    reporter = ErrorReporter(paths.log_root / "zoomadmin.log")
    reporter.install(asyncio.get_running_loop())
    app = Application(
        paths=paths,
        window=build_window(paths, settings),
        reporter=reporter,
        secrets=MemorySecretStore(),
        force_sandbox=True,
    )
    app.start()
    async with asyncio.timeout(90):  # a stuck start fails instead of hanging
        await app.loaded.wait()
        await settle(app)
    runtime = app.runtime
    if runtime is not None:
        await runtime.stop()  # the queue sends nothing while the pictures are taken
    await spend_quota(app)
    await wizard_pages(app, out)
    await import_preview(app, out, tmp)
    await app.shutdown()


def main() -> int:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    qt_app = QApplication(sys.argv[:1])
    qt_app.setStyle("Fusion")
    qt_app.setStyleSheet(stylesheet())
    qt_app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(run(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
