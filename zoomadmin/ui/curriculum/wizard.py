"""The curriculum wizard: tenant, host and title; weekly slots over a term with holidays; the
preview (cost, spill, problems, conflicts, users to link); then submit into the queue.

The same wizard imports a curriculum CSV: it then has the preview page only, with the file
on top. See :func:`open_curriculum_wizard` (the one way to open it).
"""

from __future__ import annotations

import asyncio
import enum
import itertools
import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

import shiboken6
from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from zoomadmin.core.curriculum import CSV_COLUMNS, CurriculumFileError, Slot, zone_of
from zoomadmin.core.errors import InvalidValue
from zoomadmin.services.curriculum import (
    Choices,
    CurriculumPreview,
    CurriculumService,
    Submitted,
    TenantChoice,
)
from zoomadmin.ui.common.async_runner import AsyncRunner, user_message_of
from zoomadmin.ui.common.csv_export import ask_csv_path
from zoomadmin.ui.common.field_errors import FieldErrors, error_label
from zoomadmin.ui.common.words import type_words
from zoomadmin.ui.curriculum.preview_view import (
    CurriculumPreviewView,
    csv_problem_text,
    plural,
    slot_problem_text,
)
from zoomadmin.ui.curriculum.term_editor import HolidaysEditor, SlotsEditor, pydate, qdate

DRAFT_KEY = "curriculumWizard/draft"
"""Where the entries of a New curriculum not yet submitted are kept (JSON)."""
MAX_TITLE = 200
"""Zoom's limit on a meeting topic."""
DEFAULT_WEEKS = 12
MAX_WEEKS = 104
CSV_HELP = (
    "A CSV file with a header row and one row per weekly slot: <b>"
    + ",".join(CSV_COLUMNS)
    + "</b>. Weekdays Mon..Sun, times HH:MM (local), dates YYYY-MM-DD, holidays separated "
    "by ; and an empty time zone for the tenant's. Nothing is sent before you submit."
)


TEMPLATE_ROWS = (
    "Northside High,teach+northside-1@school.org,Algebra I,Mon,09:00,50,2026-09-07,"
    "2026-12-18,2026-11-26;2026-11-27,",
    "Northside High,teach+northside-1@school.org,Algebra I,Wed,09:00,50,2026-09-07,"
    "2026-12-18,2026-11-26;2026-11-27,",
    "Northside High,teach+northside-2@school.org,World History,Tue,14:30,45,2026-09-07,"
    "2026-12-18,,America/Chicago",
)
"""A file to start from: two slots of one series with holidays, one in another zone."""


def template_text() -> str:
    """The curriculum template: the header and :data:`TEMPLATE_ROWS`."""
    return "\n".join((",".join(CSV_COLUMNS), *TEMPLATE_ROWS)) + "\n"


async def write_template(path: Path) -> Path:
    """Write the template to ``path`` (on a worker thread); a known error if it cannot."""
    try:
        await asyncio.to_thread(path.write_text, template_text(), encoding="utf-8")
    except OSError as exc:
        raise CurriculumFileError(f"{path.name} could not be written ({exc.strerror}).") from None
    return path


class PageId(enum.IntEnum):
    """The wizard's pages, in order."""

    DETAILS = 0
    TERM = 1
    PREVIEW = 2


def next_monday(now: datetime, timezone: str) -> date:
    """The first Monday after today in ``timezone`` (a term's usual first day)."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    return today + timedelta(days=7 - today.weekday())


async def read_curriculum(path: Path) -> str:
    """The text of the file at ``path`` (read on a worker thread); a known error if not."""
    try:
        return await asyncio.to_thread(path.read_text, encoding="utf-8-sig")
    except FileNotFoundError:
        raise CurriculumFileError(f"There is no file {path}.") from None
    except UnicodeDecodeError:
        raise CurriculumFileError(
            f"{path.name} is not a UTF-8 text file; save it as CSV UTF-8."
        ) from None
    except OSError as exc:
        raise CurriculumFileError(f"{path.name} cannot be read ({exc.strerror}).") from None


class DetailsPage(QWizardPage):
    """Page 1: the tenant, one of its hosts, and the sessions' title."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle("Tenant, host and title")
        self.setSubTitle(
            "Who runs the sessions and what they are called. The host runs one meeting at a "
            "time; the preview shows where the term clashes with its other sessions."
        )
        self.choices: Choices | None = None
        self.wanted = ("", "")
        """The tenant (by name) and host (by email) to choose once the choices are read."""
        self.loading = QLabel("Loading tenants and their hosts…", self)
        self.loading.setObjectName("curriculumLoading")
        self.tenant = QComboBox(self)
        self.tenant.setObjectName("curriculumTenant")
        self.host = QComboBox(self)
        self.host.setObjectName("curriculumHost")
        self.host_note = QLabel(self)
        self.host_note.setWordWrap(True)
        self.host_note.hide()
        self.title_edit = QLineEdit(self)
        self.title_edit.setObjectName("curriculumTitle")
        self.title_edit.setPlaceholderText("e.g. Algebra I — Period 2")
        self.title_edit.setMaxLength(MAX_TITLE + 20)
        self.errors = FieldErrors(self)
        self.errors.watch(self.title_edit, self.title_problem)
        self.errors.on_change(self.completeChanged.emit)
        self.tenant.currentIndexChanged.connect(self._on_tenant)
        self.host.currentIndexChanged.connect(lambda _i: self.completeChanged.emit())
        self.title_edit.textEdited.connect(lambda _t: self.edited.emit())
        self.host.activated.connect(lambda _i: self.edited.emit())
        self.tenant.activated.connect(lambda _i: self.edited.emit())
        form = QFormLayout(self)
        form.addRow(self.loading)
        tenant_label = QLabel("&Tenant:", self)
        tenant_label.setBuddy(self.tenant)
        host_label = QLabel("&Host:", self)
        host_label.setBuddy(self.host)
        title_label = QLabel("T&itle:", self)
        title_label.setBuddy(self.title_edit)
        form.addRow(tenant_label, self.tenant)
        form.addRow(host_label, self.host)
        form.addRow("", self.host_note)
        form.addRow(title_label, self.title_edit)
        form.addRow("", self.errors.label_for(self.title_edit))

    def fill(self, choices: Choices) -> None:
        """The tenants and their hosts have been read."""
        self.choices = choices
        self.loading.hide()
        self.tenant.blockSignals(True)
        self.tenant.clear()
        for choice in choices.tenants:
            self.tenant.addItem(choice.tenant.name, choice.tenant.id)
        self.tenant.blockSignals(False)
        if not choices.tenants:
            self.loading.setText(
                "There is no tenant yet: create one and add hosts on the Tenants && Hosts "
                "tab first."
            )
            self.loading.show()
        first_with_hosts = next((n for n, c in enumerate(choices.tenants) if c.hosts), 0)
        self.tenant.setCurrentIndex(first_with_hosts)
        self._on_tenant(first_with_hosts)
        if self.wanted[0]:
            self.choose(*self.wanted)

    def chosen(self) -> TenantChoice | None:
        """The tenant chosen, with its hosts."""
        if self.choices is None or not 0 <= self.tenant.currentIndex() < len(self.choices.tenants):
            return None
        return self.choices.tenants[self.tenant.currentIndex()]

    def host_email(self) -> str:
        """The chosen host's email ("" when none)."""
        return str(self.host.currentData() or "")

    def choose(self, tenant: str, host_email: str = "") -> None:
        """Choose a tenant by name and one of its hosts by email (the Calendar's context)."""
        at = self.tenant.findText(tenant)
        if at >= 0:
            self.tenant.setCurrentIndex(at)
        if host_email and (found := self.host.findData(host_email.lower())) >= 0:
            self.host.setCurrentIndex(found)

    def _on_tenant(self, _index: int) -> None:
        choice = self.chosen()
        self.host.clear()
        hosts = choice.hosts if choice is not None else ()
        for host in hosts:
            words = f"{host.display_name} <{host.email}> — {type_words(host.user_type)}"
            if host.status != "active":
                words += f" ({host.status})"
            self.host.addItem(words, host.email.lower())
        self.host_note.setVisible(choice is not None and not hosts)
        if choice is not None and not hosts:
            self.host_note.setText(
                f"“{choice.tenant.name}” has no hosts yet: add or link one on the Tenants "
                "&& Hosts tab, or import a CSV that names an account user to link."
            )
        self.completeChanged.emit()

    def title_problem(self) -> str:
        """Why the title cannot be used ("" when it can)."""
        title = self.title_edit.text().strip()
        if not title:
            return "Give the sessions a title (Zoom shows it as the meeting topic)."
        if len(title) > MAX_TITLE:
            return f"Zoom takes titles of up to {MAX_TITLE} characters ({len(title)} now)."
        return ""

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        """A tenant, a host and a title."""
        return self.chosen() is not None and bool(self.host_email()) and not self.title_problem()

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        """Show the title's problem by the field (Next is off meanwhile anyway)."""
        problem = self.title_problem()
        if problem:
            self.errors.show(self.title_edit, problem)
        return not problem


class TermPage(QWizardPage):
    """Page 2: the weekly slots, the term, the holidays and the time zone."""

    edited = Signal()

    def __init__(self, details: DetailsPage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.details = details
        self.setTitle("Weekly slots and term")
        self.setSubTitle(
            "Each slot repeats every week at the same local time, across daylight-saving "
            "changes. Insert adds a slot, Delete removes the current one."
        )
        self._make_fields()
        self.errors = FieldErrors(self)
        self.errors.watch(self.zone, self.zone_problem, live=False)
        self.errors.on_change(self.completeChanged.emit)
        self._defaults_for: int | None = None
        self.zone_chosen = False
        for signal in (
            self.slots.changed,
            self.holidays.changed,
            self.first.dateChanged,
            self.last.dateChanged,
            self.weeks.valueChanged,
            self.ends_on.toggled,
        ):
            signal.connect(self._on_edit)
        line = self.zone.lineEdit()
        if line is not None:
            line.textEdited.connect(self._on_zone_edited)
        self.zone.activated.connect(self._on_zone_edited)
        self.zone.currentTextChanged.connect(lambda _t: self._update_zone_note())
        self._lay_out()
        self._update_term()

    def _make_fields(self) -> None:
        self.slots = SlotsEditor(self)
        self.first = QDateEdit(self)
        self.first.setObjectName("curriculumFirstDate")
        self.first.setCalendarPopup(True)
        self.first.setDisplayFormat("ddd d MMM yyyy")
        self.ends_on = QRadioButton("&Ends on", self)
        self.ends_on.setObjectName("curriculumEndsOn")
        self.lasting = QRadioButton("&Lasting", self)
        self.lasting.setObjectName("curriculumLasting")
        group = QButtonGroup(self)
        group.addButton(self.ends_on)
        group.addButton(self.lasting)
        self.lasting.setChecked(True)
        self.last = QDateEdit(self)
        self.last.setObjectName("curriculumLastDate")
        self.last.setCalendarPopup(True)
        self.last.setDisplayFormat("ddd d MMM yyyy")
        self.weeks = QSpinBox(self)
        self.weeks.setObjectName("curriculumWeeks")
        self.weeks.setRange(1, MAX_WEEKS)
        self.weeks.setValue(DEFAULT_WEEKS)
        self.weeks.setSuffix(" weeks")
        self.term_error = error_label(self)
        self.term_words = QLabel(self)
        self.term_words.setObjectName("curriculumTermWords")
        self.holidays = HolidaysEditor(self)
        self.zone = QComboBox(self)
        self.zone.setObjectName("curriculumZone")
        self.zone.setEditable(True)
        self.zone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.zone.addItems(sorted(available_timezones()))
        completer = QCompleter(self.zone.model(), self.zone)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.zone.setCompleter(completer)
        self.zone_note = QLabel(self)

    def _lay_out(self) -> None:
        slots_label = QLabel("&Weekly slots:", self)
        slots_label.setBuddy(self.slots.table)
        first_label = QLabel("&First date:", self)
        first_label.setBuddy(self.first)
        holidays_label = QLabel("Skip &dates:", self)
        holidays_label.setBuddy(self.holidays.day)
        zone_label = QLabel("Time &zone:", self)
        zone_label.setBuddy(self.zone)
        self.holidays.add_button.setText("Add holida&y")
        ends = QHBoxLayout()
        ends.addWidget(self.ends_on)
        ends.addWidget(self.last, 1)
        ends.addSpacing(12)
        ends.addWidget(self.lasting)
        ends.addWidget(self.weeks, 1)
        form = QFormLayout()
        form.addRow(first_label, self.first)
        form.addRow("Term:", ends)
        form.addRow("", self.term_words)
        form.addRow("", self.term_error)
        form.addRow(zone_label, self.zone)
        form.addRow("", self.zone_note)
        form.addRow("", self.errors.label_for(self.zone))
        holidays = QVBoxLayout()
        holidays.addWidget(holidays_label)
        holidays.addWidget(self.holidays, 1)
        below = QHBoxLayout()
        below.addLayout(form, 3)
        below.addSpacing(12)
        below.addLayout(holidays, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(slots_label)
        layout.addWidget(self.slots, 1)
        layout.addLayout(below)
        chain = (
            self.slots.remove_button,
            self.first,
            self.ends_on,
            self.last,
            self.lasting,
            self.weeks,
            self.zone,
            self.holidays.day,
        )
        for first, second in itertools.pairwise(chain):
            self.setTabOrder(first, second)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        """The tenant's zone and a term from next Monday, unless chosen already."""
        choice = self.details.chosen()
        if choice is None:
            return
        if not self.zone_chosen:
            self.zone.setCurrentText(choice.tenant.timezone)
        if self._defaults_for is None and self.details.choices is not None:
            first = next_monday(self.details.choices.now, choice.tenant.timezone)
            self.first.setDate(qdate(first))
            self.last.setDate(qdate(first + timedelta(weeks=DEFAULT_WEEKS, days=-1)))
            self.holidays.day.setDate(qdate(first))
            if not self.slots.rows():
                self.slots.add_slot(0)
        self._defaults_for = choice.tenant.id
        self._update_zone_note()
        self._update_term()
        self.slots.table.setFocus()

    def restore(self, draft: dict[str, Any]) -> None:
        """Put a wizard draft's slots, term, holidays and zone back."""
        while self.slots.rows():
            self.slots.remove_current()
        for weekday, start, minutes in draft.get("slots", []):
            self.slots.add_slot(int(weekday), time.fromisoformat(str(start)), int(minutes))
        self.first.setDate(qdate(date.fromisoformat(str(draft["first"]))))
        self.last.setDate(qdate(date.fromisoformat(str(draft["last"]))))
        self.weeks.setValue(int(draft.get("weeks", DEFAULT_WEEKS)))
        (self.ends_on if draft.get("ends_on") else self.lasting).setChecked(True)
        for day in draft.get("holidays", []):
            self.holidays.add(date.fromisoformat(str(day)))
        if draft.get("zone"):
            self.zone.setCurrentText(str(draft["zone"]))
            self.zone_chosen = True
        choice = self.details.chosen()
        self._defaults_for = choice.tenant.id if choice is not None else None

    def _on_edit(self, *_args: object) -> None:
        self._update_term()
        self.edited.emit()
        self.completeChanged.emit()

    def _on_zone_edited(self, *_args: object) -> None:
        self.zone_chosen = True
        self.edited.emit()

    def _update_zone_note(self) -> None:
        choice = self.details.chosen()
        tenant_zone = choice.tenant.timezone if choice is not None else ""
        if self.zone.currentText().strip() == tenant_zone:
            self.zone_note.setText(f"The tenant's time zone ({tenant_zone}).")
        else:
            self.zone_note.setText(f"Not the tenant's ({tenant_zone}): the term uses this one.")

    def term(self) -> tuple[date, date]:
        """The first and the last date of the term."""
        first = pydate(self.first.date())
        if self.lasting.isChecked():
            return first, first + timedelta(weeks=self.weeks.value(), days=-1)
        return first, pydate(self.last.date())

    def term_problem(self) -> str:
        """Why the term cannot be used ("" when it can)."""
        first, last = self.term()
        if last < first:
            return f"The term ends ({last:%a %d %b %Y}) before it starts ({first:%a %d %b %Y})."
        if not self.slots.rows():
            return "Add at least one weekly slot (Insert)."
        return ""

    def zone_problem(self) -> str:
        """Why the zone cannot be used ("" when it can)."""
        name = self.zone.currentText().strip()
        if not name:
            return "Name a time zone (e.g. Europe/London)."
        try:
            zone_of(name)
        except InvalidValue as exc:
            return exc.user_message
        return ""

    def _update_term(self) -> None:
        self.last.setEnabled(self.ends_on.isChecked())
        self.weeks.setEnabled(self.lasting.isChecked())
        problem = self.term_problem()
        self.term_error.setText(problem)
        self.term_error.setVisible(bool(problem))
        first, last = self.term()
        weeks = ((last - first).days + 1) / 7
        shown = f"{weeks:.0f}" if weeks == int(weeks) else f"{weeks:.1f}"
        self.term_words.setText(
            f"{first:%a} {first.day} {first:%b %Y} to {last:%a} {last.day} {last:%b %Y} "
            f"({shown} weeks, {plural(len(self.holidays.dates()), 'holiday')} skipped)"
            if last >= first
            else ""
        )

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        """Slots, a term that ends after it starts, a known zone."""
        return not self.term_problem() and not self.zone_problem()

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        """Show the zone's problem by the field."""
        problem = self.zone_problem()
        if problem:
            self.errors.show(self.zone, problem)
        return not problem and not self.term_problem()

    def build_slots(self) -> list[Slot]:
        """The curriculum as the service takes it: one slot per row of the table."""
        choice = self.details.chosen()
        if choice is None:
            return []
        first, last = self.term()
        zone = self.zone.currentText().strip()
        skips = frozenset(self.holidays.dates())
        return [
            Slot(
                row=row,
                tenant=choice.tenant.name,
                host_email=self.details.host_email(),
                title=self.details.title_edit.text().strip(),
                weekday=weekday,
                start=start,
                duration_minutes=duration,
                first_date=first,
                last_date=last,
                skip_dates=skips,
                timezone=None if zone == choice.tenant.timezone else zone,
            )
            for row, (weekday, start, duration) in enumerate(self.slots.slots(), start=1)
        ]


class PreviewPage(QWizardPage):
    """Page 3 (the only page of an import): the preview, then submit."""

    def __init__(self, wizard: CurriculumWizard, *, import_csv: bool) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle("Import a curriculum CSV" if import_csv else "Preview")
        self.setSubTitle(
            "What the term costs and where it clashes, before anything is sent to Zoom. "
            "Submitting puts its Zoom requests in the queue."
        )
        self.view = CurriculumPreviewView(self)
        self.view.use_problem_words(csv_problem_text if import_csv else slot_problem_text)
        self.view.changed.connect(self.completeChanged.emit)
        self.path = QLineEdit(self)
        self.path.setObjectName("curriculumFile")
        self.path.setReadOnly(True)
        self.path.setPlaceholderText("No file chosen")
        self.open_file = QPushButton("&Open file…", self)
        self.open_file.clicked.connect(wizard.choose_file)
        self.check_again = QPushButton("Check a&gain", self)
        self.check_again.setToolTip("Read the file (or the entries) again and redo the preview")
        self.check_again.clicked.connect(wizard.check)
        self.template = QPushButton("Save a te&mplate…", self)
        self.template.setToolTip("A curriculum CSV with the header and example rows to fill in")
        self.template.clicked.connect(wizard.ask_save_template)
        self.help = QLabel(CSV_HELP, self)
        self.help.setWordWrap(True)
        self.saved = QLabel(self)
        self.saved.setObjectName("curriculumTemplateSaved")
        self.saved.setWordWrap(True)
        self.saved.hide()
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addStretch(0 if import_csv else 1)
        row.addWidget(self.open_file)
        row.addWidget(self.template)
        row.addWidget(self.check_again)
        layout = QVBoxLayout(self)
        layout.addWidget(self.help)
        layout.addLayout(row)
        layout.addWidget(self.saved)
        layout.addWidget(self.view, 1)
        for widget in (self.help, self.path, self.open_file, self.template):
            widget.setVisible(import_csv)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        """Check what was entered (or the file) each time the page is shown."""
        self._wizard.check()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        """Only a preview that may be submitted, and not while a submission runs."""
        return self.view.ready() and not self._wizard.submitting


class CurriculumWizard(QWizard):
    """New curriculum (three pages) or Import curriculum CSV (the preview page only).

    Finish submits into the queue (with progress); ``submitted`` then carries the
    :class:`~zoomadmin.services.curriculum.Submitted`, the wizard closes and a message says
    what was queued. Cancel asks first when entries were made. Back keeps every entry.
    """

    submitted = Signal(object)
    """The :class:`Submitted` once the curriculum is in the queue."""

    def __init__(
        self,
        curricula: CurriculumService,
        runner: AsyncRunner,
        parent: QWidget | None = None,
        *,
        csv_path: Path | None = None,
        import_csv: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("curriculumWizard")
        self.import_csv = import_csv or csv_path is not None
        self.setWindowTitle("Import curriculum CSV" if self.import_csv else "New curriculum")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.setButtonText(QWizard.WizardButton.BackButton, "< &Back")
        self.setButtonText(QWizard.WizardButton.NextButton, "&Next >")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Submit to queue")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Cancel")
        self.resize(920, 680)
        self._curricula = curricula
        self._runner = runner
        self.csv_path = csv_path
        self.submitting = False
        self.dirty = False
        self.done_result: Submitted | None = None
        self.result_text = ""
        self.result_box: QMessageBox | None = None
        self.confirm_box: QMessageBox | None = None
        self._discard = False
        self._check_number = 0
        self._linking: list[str] = []
        self._settings: QSettings | None = None
        self._restoring = False
        self.details = DetailsPage(self)
        self.term_page = TermPage(self.details, self)
        self.preview_page = PreviewPage(self, import_csv=self.import_csv)
        if self.import_csv:  # the entry pages stay unused (and unseen)
            self.details.hide()
            self.term_page.hide()
        else:
            self.setPage(PageId.DETAILS, self.details)
            self.setPage(PageId.TERM, self.term_page)
            self.details.edited.connect(self._on_edited)
            self.term_page.edited.connect(self._on_edited)
        self.setPage(PageId.PREVIEW, self.preview_page)
        self.setStartId(PageId.PREVIEW if self.import_csv else PageId.DETAILS)
        if self.import_csv:
            self.preview_page.path.setText(str(csv_path) if csv_path else "")
        else:
            runner.run(
                curricula.choices(),
                on_done=self._on_choices,
                label="Loading tenants…",
                error_parent=self,
            )

    @property
    def preview(self) -> CurriculumPreview | None:
        """The preview shown now (None while checking or when it failed)."""
        return self.preview_page.view.preview

    def _on_edited(self) -> None:
        self.dirty = True
        self._save_draft()

    def use_settings(self, settings: QSettings) -> None:
        """Keep the entries in ``settings`` as they are made (a crash loses nothing); the
        next New curriculum brings them back until they are submitted or discarded."""
        self._settings = settings

    def _on_choices(self, choices: Choices) -> None:
        self.details.fill(choices)
        draft = self._stored_draft()
        if draft is not None and not self.dirty and self.restore(draft):
            self.dirty = True
            self.details.loading.setText(
                "Restored the curriculum being entered when New curriculum last closed "
                "without submitting it (Cancel discards it)."
            )
            self.details.loading.show()

    def _stored_draft(self) -> dict[str, Any] | None:
        if self._settings is None or self.import_csv:
            return None
        raw = self._settings.value(DRAFT_KEY)
        try:
            draft = json.loads(str(raw)) if raw else None
        except ValueError:
            return None
        return draft if isinstance(draft, dict) else None

    def _save_draft(self) -> None:
        if self._settings is not None and not self.import_csv and not self._restoring:
            self._settings.setValue(DRAFT_KEY, json.dumps(self.draft()))
            self._settings.sync()

    def _forget_draft(self) -> None:
        if self._settings is not None and not self.import_csv:
            self._settings.remove(DRAFT_KEY)
            self._settings.sync()

    def draft(self) -> dict[str, Any]:
        """Every entry, as JSON-ready data (what :meth:`restore` takes)."""
        choice = self.details.chosen()
        term = self.term_page
        return {
            "tenant": choice.tenant.name if choice is not None else "",
            "host": self.details.host_email(),
            "title": self.details.title_edit.text(),
            "slots": [[d, f"{t:%H:%M}", m] for d, t, m in term.slots.slots()],
            "first": pydate(term.first.date()).isoformat(),
            "ends_on": term.ends_on.isChecked(),
            "last": pydate(term.last.date()).isoformat(),
            "weeks": term.weeks.value(),
            "holidays": [d.isoformat() for d in term.holidays.dates()],
            "zone": term.zone.currentText() if term.zone_chosen else "",
        }

    def restore(self, draft: dict[str, Any]) -> bool:
        """Put a :meth:`draft`'s entries back (False when its tenant is not there)."""
        details, term = self.details, self.term_page
        if details.tenant.findText(str(draft.get("tenant", ""))) < 0:
            return False
        self._restoring = True
        try:
            details.choose(str(draft["tenant"]), str(draft.get("host", "")))
            details.title_edit.setText(str(draft.get("title", "")))
            term.restore(draft)
        except (KeyError, TypeError, ValueError):
            return False
        finally:
            self._restoring = False
        return True

    def choose_file(self) -> QFileDialog:
        """Ask for the curriculum CSV (non-blocking); the preview follows the choice."""
        start = str(self.csv_path.parent) if self.csv_path else ""
        dialog = QFileDialog(
            self, "Choose a curriculum CSV", start, "CSV files (*.csv);;All files (*)"
        )
        dialog.setObjectName("curriculumFileDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda name: self.use_file(Path(name)))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def ask_save_template(self) -> QFileDialog:
        """Ask where to save the curriculum template (non-blocking), then write it."""
        dialog = ask_csv_path(self, "Save a curriculum template", "curriculum-template.csv")
        dialog.fileSelected.connect(lambda name: self.save_template_to(Path(name)))
        return dialog

    def save_template_to(self, path: Path) -> None:
        """Write the template to ``path`` and say so (it is not previewed: fill it in first)."""
        saved = self.preview_page.saved

        def done(written: Path) -> None:
            if shiboken6.isValid(saved):
                saved.setText(
                    f"Saved the template as {written}: fill it in with your tenants, hosts and "
                    "dates, then Open file… to check it."
                )
                saved.show()

        self._runner.run(
            write_template(path), on_done=done, label="Saving the template…", error_parent=self
        )

    def use_file(self, path: Path) -> None:
        """Preview the curriculum in ``path``."""
        self.csv_path = path
        self.preview_page.path.setText(str(path))
        self.check()

    def check(self) -> None:
        """Redo the preview from the entries (or the file); sends nothing."""
        view = self.preview_page.view
        if self.import_csv and self.csv_path is None:
            view.show_error("Choose the curriculum file (Open file…).")
            return
        self._check_number += 1
        number = self._check_number
        view.show_busy("Checking the curriculum against the hosts' calendars and quotas…")

        def done(preview: CurriculumPreview) -> None:
            if number == self._check_number and shiboken6.isValid(view):
                view.show_preview(preview)

        def failed(exc: BaseException) -> bool:
            message = user_message_of(exc)
            if message is None or number != self._check_number or not shiboken6.isValid(view):
                return message is not None
            view.show_error(message)
            return True

        self._runner.run(
            self._preview(),
            on_done=done,
            on_error=failed,
            label="Checking the curriculum…",
            disable=self.preview_page.check_again,
        )

    def _file(self) -> Path:
        if self.csv_path is None:
            raise CurriculumFileError("Choose the curriculum file (Open file…).")
        return self.csv_path

    async def _preview(self) -> CurriculumPreview:
        if self.import_csv:
            return await self._curricula.preview_csv(await read_curriculum(self._file()))
        return await self._curricula.preview_slots(self.term_page.build_slots())

    async def _submit(self, link_users: bool) -> Submitted:
        if self.import_csv:
            text = await read_curriculum(self._file())
            return await self._curricula.submit_csv(text, link_users=link_users)
        slots = self.term_page.build_slots()
        return await self._curricula.submit_slots(slots, link_users=link_users)

    def accept(self) -> None:
        """Finish: submit into the queue (the wizard closes once it is queued)."""
        if self.done_result is not None:
            super().accept()
            return
        view = self.preview_page.view
        if self.submitting or not view.ready():
            return
        self._linking = list(view.link_boxes)
        link = bool(self._linking)
        self.submitting = True
        self._set_buttons(False)
        view.show_busy("Putting the sessions in the queue…")
        self._runner.run(
            self._submit(link),
            on_done=self._on_submitted,
            on_error=self._on_submit_failed,
            label="Submitting the curriculum…",
        )

    def _set_buttons(self, enabled: bool) -> None:
        for which in (
            QWizard.WizardButton.BackButton,
            QWizard.WizardButton.CancelButton,
            QWizard.WizardButton.FinishButton,
        ):
            button = self.button(which)
            if button is not None:
                button.setEnabled(enabled)
        self.preview_page.check_again.setEnabled(enabled)
        self.preview_page.open_file.setEnabled(enabled)

    def _on_submitted(self, done: Submitted) -> None:
        self.submitting = False
        self.done_result = done
        cost = done.preview.cost
        linked = self._linking
        self.result_text = (
            f"Queued {plural(done.intents, 'Zoom request')} for "
            f"{plural(cost.sessions, 'session')} ({cost.summary})."
            + (f" {', '.join(linked)} became host(s) of the tenant first." if linked else "")
            + " The queue sends them in start order while zoomadmin is open; the status bar "
            "shows what waits."
        )
        self._forget_draft()
        self.submitted.emit(done)
        owner = self.parentWidget()
        box = QMessageBox(owner.window() if owner is not None else None)
        box.setObjectName("curriculumSubmitted")
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle("Curriculum queued")
        box.setText(self.result_text)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()
        self.result_box = box
        super().accept()

    def _on_submit_failed(self, exc: BaseException) -> bool:
        self.submitting = False
        self._set_buttons(True)
        message = user_message_of(exc)
        if message is None:
            self.preview_page.view.show_error(
                "Submitting failed unexpectedly; nothing was queued. Check again."
            )
            return False
        self.preview_page.view.show_error(
            f"Nothing was queued: {message} (Check again to redo the preview.)"
        )
        return True

    def reject(self) -> None:
        """Cancel: ask first when entries would be lost; never while submitting."""
        if self.submitting:
            return
        if self.done_result is not None or not self.dirty or self._discard:
            if self.done_result is None:
                self._forget_draft()
            super().reject()
            return
        box = QMessageBox(self)
        box.setObjectName("discardCurriculum")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Discard this curriculum?")
        box.setText("The curriculum you entered has not been submitted. Discard it?")
        discard = box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("&Keep editing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(_result: int) -> None:
            if box.clickedButton() is discard and shiboken6.isValid(self):
                self._discard = True
                self.reject()

        box.finished.connect(answered)
        box.open()
        self.confirm_box = box

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """The window's close button is Cancel (it asks first too)."""
        if self.submitting or (self.dirty and not self._discard and self.done_result is None):
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)


def open_curriculum_wizard(
    parent: QWidget | None,
    curricula: CurriculumService,
    runner: AsyncRunner,
    *,
    csv_path: Path | None = None,
    import_csv: bool = False,
    tenant: str = "",
    host_email: str = "",
    settings: QSettings | None = None,
) -> CurriculumWizard:
    """Open the curriculum wizard (window-modal over ``parent``, non-blocking) and return it.

    - ``open_curriculum_wizard(parent, curricula, runner)``: New curriculum, three pages;
      ``tenant`` and ``host_email`` choose the first page's tenant and host once loaded
      (the Calendar tab passes the one in view).
    - ``import_csv=True``: Import curriculum CSV, asking for the file at once;
      ``csv_path=...``: import that file (its preview shows at once).

    With ``settings``, New curriculum keeps its entries there as they are made and brings
    them back next time until they are submitted or discarded (a crash loses nothing).
    The wizard deletes itself when closed; connect to ``submitted`` to hear what was queued.
    """
    wizard = CurriculumWizard(curricula, runner, parent, csv_path=csv_path, import_csv=import_csv)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if parent is not None:
        wizard.setWindowModality(Qt.WindowModality.WindowModal)
    if tenant:
        wizard.details.wanted = (tenant, host_email)
    if settings is not None:
        wizard.use_settings(settings)
    wizard.show()
    if wizard.import_csv and csv_path is None:
        wizard.choose_file()
    return wizard
