"""The host details dialog: who the host is, its next sessions and recent changes; rename it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zoomadmin.core.records import HostRecord
from zoomadmin.services.hosts import HostDetails, HostService
from zoomadmin.ui.common.async_runner import AsyncRunner
from zoomadmin.ui.common.audit_words import action_words, change_words
from zoomadmin.ui.common.dates import date_time_text
from zoomadmin.ui.common.field_errors import FieldErrors
from zoomadmin.ui.tenants.hosts_model import status_text, type_text


def _value_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class HostDetailsDialog(QDialog):
    """Name, email, Zoom id, type, status, tenant, quota, next sessions, recent audit entries.

    The name can be edited (saved in Zoom, then here); the email and the Zoom id can be
    copied. ``audit_requested`` asks the tab for the audit log of this host.
    """

    renamed = Signal(object)
    """The host after a rename (a :class:`HostRecord`)."""
    audit_requested = Signal(int)
    """Open the audit log filtered to this host (its id)."""

    def __init__(
        self,
        hosts: HostService,
        runner: AsyncRunner,
        details: HostDetails,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("hostDetailsDialog")
        self._hosts = hosts
        self._runner = runner
        self.details = details
        host = details.row.host
        self.setWindowTitle(f"Host: {host.display_name}")
        self.setMinimumWidth(620)
        self.first_name = QLineEdit(host.first_name, self)
        self.last_name = QLineEdit(host.last_name, self)
        self.errors = FieldErrors(self)
        self.save_name = QPushButton("Save na&me", self)
        self.save_name.setEnabled(False)
        self.save_name.clicked.connect(self._on_save_name)
        for field in (self.first_name, self.last_name):
            field.textChanged.connect(self._on_name_edited)
        self.email = _value_label(self)
        self.zoom_id = _value_label(self)
        self.kind = _value_label(self)
        self.status = _value_label(self)
        self.tenant = _value_label(self)
        self.quota = _value_label(self)
        self.copy_email = QPushButton("Copy &email", self)
        self.copy_email.clicked.connect(lambda: self._copy(self.details.row.host.email))
        self.copy_zoom_id = QPushButton("Copy &Zoom id", self)
        self.copy_zoom_id.clicked.connect(lambda: self._copy(self.details.row.host.zoom_user_id))
        self.sessions = QListWidget(self)
        self.sessions.setObjectName("hostSessions")
        self.sessions.setMaximumHeight(110)
        self.audit = QListWidget(self)
        self.audit.setObjectName("hostAudit")
        self.audit.setMaximumHeight(130)
        for listing in (self.sessions, self.audit):
            # Long lines are cut with "…" (the whole entry is the tooltip), never scrolled.
            listing.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            listing.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.open_audit = QPushButton("Open the &audit log…", self)
        self.open_audit.clicked.connect(lambda: self.audit_requested.emit(host.id))
        self._layout()
        self.show_details(details)

    def _layout(self) -> None:
        names = QHBoxLayout()
        names.addWidget(self.first_name)
        names.addWidget(self.last_name)
        names.addWidget(self.save_name)
        email = QHBoxLayout()
        email.addWidget(self.email, 1)
        email.addWidget(self.copy_email)
        zoom_id = QHBoxLayout()
        zoom_id.addWidget(self.zoom_id, 1)
        zoom_id.addWidget(self.copy_zoom_id)
        form = QFormLayout()
        name_label = QLabel("&Name:", self)
        name_label.setBuddy(self.first_name)
        form.addRow(name_label, names)
        form.addRow("", self.errors.label_for(self.first_name))
        form.addRow("Email:", email)
        form.addRow("Zoom user id:", zoom_id)
        form.addRow("Type:", self.kind)
        form.addRow("Status:", self.status)
        form.addRow("Tenant:", self.tenant)
        form.addRow("Requests today:", self.quota)
        form.addRow("Next &sessions:", self.sessions)
        form.addRow("Recent &changes:", self.audit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.open_audit, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def show_details(self, details: HostDetails) -> None:
        """Fill the dialog from ``details``."""
        self.details = details
        row = details.row
        host = row.host
        self.email.setText(host.email)
        self.zoom_id.setText(host.zoom_user_id)
        self.kind.setText(type_text(row))
        self.status.setText(status_text(row))
        self.tenant.setText(row.tenant_name or "No tenant")
        self.quota.setText(f"{row.quota_used} of {row.quota_limit} meeting requests")
        self.sessions.clear()
        for session in details.sessions:
            when = date_time_text(session.start_time, row.tenant_timezone)
            self.sessions.addItem(f"{when} — {session.topic}")
        if not details.sessions:
            self.sessions.addItem("No coming sessions.")
        self.audit.clear()
        for line in details.audit:
            when = date_time_text(line.at)
            self.audit.addItem(f"{when} — {action_words(line.action)} ({line.actor})")
            self.audit.item(self.audit.count() - 1).setToolTip(
                f"{action_words(line.action)} by {line.actor}: {change_words(line)}"
            )
        if not details.audit:
            self.audit.addItem("No changes recorded.")

    def _copy(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)

    @Slot()
    def _on_name_edited(self) -> None:
        host = self.details.row.host
        changed = (self.first_name.text().strip(), self.last_name.text().strip()) != (
            host.first_name,
            host.last_name,
        )
        self.errors.clear(self.first_name)
        self.save_name.setEnabled(changed)

    @Slot()
    def _on_save_name(self) -> None:
        host = self.details.row.host
        self._runner.run(
            self._hosts.rename(host.id, self.first_name.text(), self.last_name.text()),
            on_done=self._on_renamed,
            on_error=lambda exc: self.errors.show_known(self.first_name, exc),
            disable=self.save_name,
            label="Renaming the host in Zoom…",
        )

    def _on_renamed(self, host: HostRecord) -> None:
        self.setWindowTitle(f"Host: {host.display_name}")
        self.save_name.setEnabled(False)
        self.renamed.emit(host)
