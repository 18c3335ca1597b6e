"""The retention policy dialog: how long each tenant's verified recordings stay in Zoom."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zoomadmin.services.recording_retention import MAX_KEEP_DAYS, RECOVER_DAYS, RetentionPolicy

KEEP_WORDS = "Keep in Zoom"
"""What a day count of 0 reads as: the policy never moves this tenant's recordings."""


class RetentionDialog(QDialog):
    """One row per tenant with the days its recordings stay in Zoom (0: kept).

    It edits nothing itself: ``saved`` carries the changed policies, and ``apply`` asks the
    tab to save them and then count what the policies move now (the tab confirms first).
    """

    saved = Signal(list)
    """list[tuple[int, int | None]]: (tenant id, keep days or None) of each changed row."""
    apply = Signal(list)
    """The same, when the person chose to move what the policies select right away."""

    def __init__(self, policies: list[RetentionPolicy], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("retentionDialog")
        self.setWindowTitle("Retention policy")
        self._policies = policies
        intro = QLabel(
            "Move a tenant's recordings to Zoom's trash once they are this many days old. "
            "Only files downloaded and verified on disk ever go, checked again at that "
            f"moment; Zoom keeps the trash for {RECOVER_DAYS} days, so they can be recovered. "
            "Nothing moves without your confirmation.",
            self,
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(policies), 2, self)
        self.table.setObjectName("retentionTable")
        self.table.setHorizontalHeaderLabels(["Tenant", "Move to trash after"])
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.spins: list[QSpinBox] = []
        for row, policy in enumerate(policies):
            name = QTableWidgetItem(policy.tenant_name)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, 0, name)
            spin = QSpinBox(self.table)
            spin.setRange(0, MAX_KEEP_DAYS)
            spin.setSpecialValueText(KEEP_WORDS)
            spin.setSuffix(" days")
            spin.setValue(policy.keep_days or 0)
            spin.setAccessibleName(f"Days {policy.tenant_name}'s recordings stay in Zoom")
            spin.setToolTip("0 keeps this tenant's recordings in Zoom")
            self.table.setCellWidget(row, 1, spin)
            self.spins.append(spin)
        empty = QLabel("No tenants yet: add one on the Tenants & Hosts tab.", self)
        empty.setVisible(not policies)
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton(QDialogButtonBox.StandardButton.Save)
        self.apply_button = QPushButton("Save and &move now…", self)
        self.apply_button.setToolTip("Save, then count what the policies move now and ask first")
        buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.ApplyRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.save_button.clicked.connect(lambda: self._finish(self.saved))
        self.apply_button.clicked.connect(lambda: self._finish(self.apply))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(empty)
        layout.addWidget(buttons)
        self.apply_button.setEnabled(bool(policies))
        self.resize(560, min(480, 180 + 34 * max(len(policies), 3)))
        if self.spins:
            self.spins[0].setFocus()

    def changes(self) -> list[tuple[int, int | None]]:
        """(tenant id, keep days or None) of each row the person changed."""
        changed: list[tuple[int, int | None]] = []
        for policy, spin in zip(self._policies, self.spins, strict=True):
            days = spin.value() or None
            if days != policy.keep_days:
                changed.append((policy.tenant_id, days))
        return changed

    def _finish(self, signal: SignalInstance) -> None:
        signal.emit(self.changes())
        self.accept()
