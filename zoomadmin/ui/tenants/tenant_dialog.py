"""The New/Edit tenant form, with a live preview of the emails its new hosts will get."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from PySide6.QtCore import Qt, QTimeZone, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from zoomadmin.core.policy import default_policy
from zoomadmin.core.records import DEFAULT_EMAIL_SCHEME, TenantRecord
from zoomadmin.services.tenants import TenantDraft, TenantService
from zoomadmin.ui.common.async_runner import AsyncRunner, user_message_of
from zoomadmin.ui.common.field_errors import FieldErrors, error_label

FALLBACK_TIMEZONE = "Europe/London"
SCHEME_HELP = (
    "{mailbox} is the Mailbox, {tenant} the Tenant tag, {n} the host's number and {domain} "
    "the Domain. Zoom accepts plus-addressing, so every +tag reaches the same mailbox."
)


SCHEME_HINT = "{tenant} is the Tenant tag, {n} the host's number"


def default_timezone() -> str:
    """This computer's time zone (IANA name), if the list knows it."""
    here = bytes(QTimeZone.systemTimeZoneId().data()).decode("ascii", "replace")
    if here in ("UTC", "Etc/UTC", "Etc/Universal", "Universal", "Zulu"):
        return "UTC"
    return here if here in timezone_names() else FALLBACK_TIMEZONE


@cache
def timezone_names() -> list[str]:
    """Every IANA time zone name, sorted (for the time zone picker)."""
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))


def _note(parent: QWidget) -> QLabel:
    note = QLabel(parent)
    note.setObjectName("schemeNote")
    note.setWordWrap(True)
    note.hide()
    return note


class TenantDialog(QDialog):
    """Creates a tenant, or edits ``tenant`` when one is given; emits ``saved`` on success.

    Open it with ``open()``; errors (a taken name, an unknown time zone) are shown in the
    form, next to the fields, and the dialog stays open.
    """

    saved = Signal(object)
    """The tenant as stored (a :class:`TenantRecord`)."""

    def __init__(
        self,
        service: TenantService,
        runner: AsyncRunner,
        tenant: TenantRecord | None = None,
        parent: QWidget | None = None,
        *,
        host_count: int = 0,
        policy_name: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("tenantDialog")
        self._host_count = host_count
        self._service = service
        self._runner = runner
        self._tenant = tenant
        self._policy_name = policy_name
        self.setWindowTitle("Edit tenant" if tenant else "New tenant")
        self.setMinimumWidth(520)
        self._build()
        if tenant is not None:
            self._fill(tenant)
        self._update_preview()
        self._update_save()

    def _build(self) -> None:
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("e.g. Northside High School")
        self.timezone = QComboBox(self)
        self.timezone.setEditable(True)
        self.timezone.addItems(timezone_names())
        self.timezone.setCurrentText(default_timezone())
        completer = QCompleter(timezone_names(), self.timezone)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.timezone.setCompleter(completer)
        self.mailbox = QLineEdit(self)
        self.mailbox.setPlaceholderText("the shared mailbox, e.g. teach")
        self.domain = QLineEdit(self)
        self.domain.setPlaceholderText("e.g. school.org")
        self.slug = QLineEdit(self)
        self.slug.setPlaceholderText("made from the name")
        self.scheme = QLineEdit(DEFAULT_EMAIL_SCHEME, self)
        self.scheme.setToolTip(SCHEME_HELP)
        # The policy itself is edited on the Host settings tab; the form only names it.
        self.policy = QLabel(self._policy_text(), self)
        self.policy.setObjectName("tenantPolicy")
        self.policy.setWordWrap(True)
        self.preview = QLabel(self)
        self.preview.setObjectName("emailPreview")
        # One address per line, never broken inside an address.
        self.preview.setWordWrap(False)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.scheme_note = _note(self)
        self.errors = FieldErrors(self)
        self.error = error_label(self)
        self.error.setObjectName("formError")
        form = QFormLayout()
        for text, field in (
            ("&Name:", self.name),
            ("&Time zone:", self.timezone),
            ("&Mailbox:", self.mailbox),
            ("&Domain:", self.domain),
            ("Tenant ta&g:", self.slug),
            ("Email &scheme:", self.scheme),
        ):
            form.addRow(text, field)
            form.addRow("", self.errors.label_for(field))
        scheme_help = QLabel(SCHEME_HINT, self)
        scheme_help.setObjectName("schemeHint")
        scheme_help.setToolTip(SCHEME_HELP)
        scheme_help.setEnabled(False)  # drawn as a hint
        form.addRow("", scheme_help)
        form.addRow("Settings policy:", self.policy)
        form.addRow("New hosts get:", self.preview)
        form.addRow("", self.scheme_note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self._on_save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        for field in (self.name, self.mailbox, self.domain, self.slug, self.scheme):
            field.textChanged.connect(self._update_preview)
        self._watch_fields()

    def _policy_text(self) -> str:
        if self._tenant is None:
            return "Its own default policy (edit it on the Host settings tab once it exists)."
        name = self._policy_name or f"{default_policy(self._tenant.name).name} (default)"
        return f"{name}. Edit it on the Host settings tab."

    def _watch_fields(self) -> None:
        self.errors.watch(self.name, lambda: "" if self.name.text().strip() else "Give it a name.")
        self.errors.watch(self.timezone, self._timezone_problem, live=False)
        self.errors.watch(
            self.mailbox, lambda: "" if self.mailbox.text().strip() else "Name the mailbox."
        )
        self.errors.watch(
            self.domain, lambda: "" if self.domain.text().strip() else "Give the domain."
        )
        self.errors.watch(self.scheme, self._scheme_problem)
        self.errors.on_change(self._update_save)

    def _fill(self, tenant: TenantRecord) -> None:
        self.name.setText(tenant.name)
        self.timezone.setCurrentText(tenant.timezone)
        self.mailbox.setText(tenant.mailbox)
        self.domain.setText(tenant.domain)
        self.slug.setText(tenant.slug)
        self.scheme.setText(tenant.email_scheme)

    def draft(self) -> TenantDraft:
        """What the form holds now."""
        return TenantDraft(
            name=self.name.text().strip(),
            timezone=self.timezone.currentText().strip(),
            mailbox=self.mailbox.text().strip(),
            domain=self.domain.text().strip(),
            email_scheme=self.scheme.text().strip(),
            slug=self.slug.text().strip(),
            # The old free-text note is kept as it was (policies replaced it).
            settings_policy=self._tenant.settings_policy if self._tenant else None,
        )

    @Slot()
    def _update_preview(self) -> None:
        draft = self.draft()
        self.slug.setPlaceholderText(draft.effective_slug or "made from the name")
        self._update_scheme_note()
        if not (draft.mailbox and draft.domain and draft.effective_slug):
            self.preview.setText("Fill in the name, mailbox and domain to see the host emails.")
            return
        problem = self._scheme_problem()
        if problem:
            self.preview.setText("—")
            return
        first, second = draft.example_email(1), draft.example_email(2)
        self.preview.setText(f"{first}\n{second}\n…")

    def _update_scheme_note(self) -> None:
        """Editing how emails are made leaves the existing hosts' emails as they are."""
        tenant = self._tenant
        draft = self.draft()
        changed = tenant is not None and (
            draft.email_scheme,
            draft.mailbox,
            draft.domain,
            draft.effective_slug,
        ) != (tenant.email_scheme, tenant.mailbox, tenant.domain, tenant.slug)
        count = self._host_count
        self.scheme_note.setVisible(changed and count > 0)
        keep = "keeps its email" if count == 1 else "keep their emails"
        self.scheme_note.setText(
            f"⚠ The {count} existing host{'s' if count != 1 else ''} of this tenant {keep}; "
            "only hosts added from now on get the new ones."
        )

    def _timezone_problem(self) -> str:
        zone = self.timezone.currentText().strip()
        if zone in timezone_names() or zone == "UTC":
            return ""
        return f"“{zone}” is not a time zone; pick one from the list."

    def _scheme_problem(self) -> str:
        draft = self.draft()
        if "{n}" not in draft.email_scheme:
            return "The scheme needs {n}, so every host gets its own address."
        try:
            draft.example_email(1)
        except ValueError as exc:  # the store's InvalidValueError: an unknown {field}
            return str(exc)
        except (KeyError, IndexError):
            return "The scheme may use only {mailbox}, {tenant}, {n} and {domain}."
        return ""

    def _update_save(self) -> None:
        self.save.setEnabled(self.errors.valid())

    def show_error(self, text: str) -> None:
        """Show why saving did not work: by its field when it names one, else below."""
        if "name" in text.lower() and "already" in text.lower():
            self.errors.show(self.name, text)
            return
        self.error.setText(text)
        self.error.setVisible(bool(text))

    @Slot()
    def _on_save(self) -> None:
        problem = self.errors.first_problem()
        if problem is not None:
            self.errors.show(*problem)
            return
        self.show_error("")
        draft = self.draft()
        work = (
            self._service.update(self._tenant.id, draft)
            if self._tenant is not None
            else self._service.create(draft)
        )
        self._runner.run(
            work,
            on_done=self._on_saved,
            on_error=self._on_failed,
            disable=self.buttons,
            label="Saving the tenant…",
        )

    def _on_saved(self, tenant: TenantRecord) -> None:
        self.saved.emit(tenant)
        self.accept()

    def _on_failed(self, exc: BaseException) -> bool:
        message = user_message_of(exc)
        if message is None:
            return False
        self.show_error(message)
        return True
