"""The New/Edit tenant form, with a live preview of the emails its new hosts will get."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from PySide6.QtCore import Qt, Signal, Slot
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

from zoomadmin.core.records import DEFAULT_EMAIL_SCHEME, TenantRecord
from zoomadmin.services.tenants import TenantDraft, TenantService
from zoomadmin.ui.common.async_runner import AsyncRunner, user_message_of

DEFAULT_TIMEZONE = "Europe/London"


@cache
def timezone_names() -> list[str]:
    """Every IANA time zone name, sorted (for the time zone picker)."""
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))


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
    ) -> None:
        super().__init__(parent)
        self.setObjectName("tenantDialog")
        self._service = service
        self._runner = runner
        self._tenant = tenant
        self.setWindowTitle("Edit tenant" if tenant else "New tenant")
        self.setMinimumWidth(520)
        self._build()
        if tenant is not None:
            self._fill(tenant)
        self._update_preview()

    def _build(self) -> None:
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("e.g. Northside High School")
        self.timezone = QComboBox(self)
        self.timezone.setEditable(True)
        self.timezone.addItems(timezone_names())
        self.timezone.setCurrentText(DEFAULT_TIMEZONE)
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
        self.scheme.setToolTip(
            "How new hosts' emails are made: {mailbox}, {tenant} (the email tag), {n} (a number) "
            "and {domain}. Zoom accepts plus-addressing, so every +tag reaches the same mailbox."
        )
        self.policy = QLineEdit(self)
        self.policy.setPlaceholderText("optional, e.g. Cloud recording on")
        self.preview = QLabel(self)
        self.preview.setObjectName("emailPreview")
        self.preview.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: palette(highlight); font-weight: bold;")
        self.error.hide()
        form = QFormLayout()
        form.addRow("&Name:", self.name)
        form.addRow("&Time zone:", self.timezone)
        form.addRow("&Mailbox:", self.mailbox)
        form.addRow("&Domain:", self.domain)
        form.addRow("Email &tag:", self.slug)
        form.addRow("Email &scheme:", self.scheme)
        form.addRow("Settings &policy:", self.policy)
        form.addRow("New hosts get:", self.preview)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._on_save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        for field in (self.name, self.mailbox, self.domain, self.slug, self.scheme):
            field.textChanged.connect(self._update_preview)

    def _fill(self, tenant: TenantRecord) -> None:
        self.name.setText(tenant.name)
        self.timezone.setCurrentText(tenant.timezone)
        self.mailbox.setText(tenant.mailbox)
        self.domain.setText(tenant.domain)
        self.slug.setText(tenant.slug)
        self.scheme.setText(tenant.email_scheme)
        self.policy.setText(tenant.settings_policy or "")

    def draft(self) -> TenantDraft:
        """What the form holds now."""
        return TenantDraft(
            name=self.name.text().strip(),
            timezone=self.timezone.currentText().strip(),
            mailbox=self.mailbox.text().strip(),
            domain=self.domain.text().strip(),
            email_scheme=self.scheme.text().strip(),
            slug=self.slug.text().strip(),
            settings_policy=self.policy.text().strip() or None,
        )

    @Slot()
    def _update_preview(self) -> None:
        draft = self.draft()
        self.slug.setPlaceholderText(draft.effective_slug or "made from the name")
        if not (draft.mailbox and draft.domain and draft.effective_slug):
            self.preview.setText("Fill in the name, mailbox and domain to see the host emails.")
            return
        try:
            first, second = draft.example_email(1), draft.example_email(2)
        except ValueError as exc:  # the store's InvalidValueError: an unknown {field}
            self.preview.setText(str(exc))
            return
        self.preview.setText(f"{first}, {second}, …")

    def _problem(self) -> str:
        draft = self.draft()
        missing = [
            label
            for label, value in (
                ("a name", draft.name),
                ("a mailbox", draft.mailbox),
                ("a domain", draft.domain),
            )
            if not value
        ]
        if missing:
            return "The tenant needs " + " and ".join(missing) + "."
        if draft.timezone not in timezone_names() and draft.timezone != "UTC":
            return f"“{draft.timezone}” is not a time zone; pick one from the list."
        return ""

    def show_error(self, text: str) -> None:
        """Show why saving did not work, in the form."""
        self.error.setText(text)
        self.error.setVisible(bool(text))

    @Slot()
    def _on_save(self) -> None:
        problem = self._problem()
        if problem:
            self.show_error(problem)
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
