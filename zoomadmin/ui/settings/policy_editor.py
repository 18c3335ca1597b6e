"""The policy editor: the settings a tenant's policy holds, their values, and which are locked."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zoomadmin.core.policy import (
    CATALOGUE,
    PolicyInvalid,
    SettingSpec,
    SettingsPolicy,
    TenantPolicy,
    check_policy,
)
from zoomadmin.ui.settings.values import value_words


@dataclass
class SettingRow:
    """The widgets of one catalogue setting: held by the policy, its value, locked."""

    spec: SettingSpec
    held: QCheckBox
    value: QComboBox
    locked: QCheckBox

    def sync_enabled(self) -> None:
        """Value and lock only mean something while the policy holds the setting."""
        self.value.setEnabled(self.held.isChecked())
        self.locked.setEnabled(self.held.isChecked())


def _section(
    title: str, specs: list[SettingSpec], parent: QWidget
) -> tuple[QGroupBox, list[SettingRow]]:
    box = QGroupBox(title, parent)
    grid = QGridLayout(box)
    for column, text in enumerate(("Setting", "Value", "Locked")):
        grid.addWidget(QLabel(f"<b>{text}</b>", box), 0, column)
    rows = []
    for n, spec in enumerate(specs, start=1):
        held = QCheckBox(spec.label, box)
        held.setToolTip(spec.help or spec.key)
        value = QComboBox(box)
        for choice in spec.choices:
            value.addItem(value_words(choice), choice)
        locked = QCheckBox("hosts cannot change", box)
        row = SettingRow(spec, held, value, locked)
        held.toggled.connect(lambda _=False, r=row: r.sync_enabled())
        grid.addWidget(held, n, 0)
        grid.addWidget(value, n, 1)
        grid.addWidget(locked, n, 2)
        rows.append(row)
    grid.setColumnStretch(0, 3)
    grid.setColumnStretch(1, 1)
    grid.setColumnStretch(2, 1)
    return box, rows


class PolicyEditor(QWidget):
    """Edits one tenant's policy; :attr:`save_requested` carries a policy that validated."""

    save_requested = Signal(object)
    bind_requested = Signal()
    unbind_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("Policy name")
        self.group_label = QLabel(self)
        self.group_label.setWordWrap(True)
        self.bind_button = QPushButton("Hold in a Zoom &group", self)
        self.unbind_button = QPushButton("Apply per &user", self)
        self.save_button = QPushButton("&Save policy", self)
        self.problems = QLabel(self)
        self.problems.setObjectName("formError")
        self.problems.setWordWrap(True)
        self.rows: list[SettingRow] = []
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        label = QLabel("&Name:", self)
        label.setBuddy(self.name)
        top.addWidget(label)
        top.addWidget(self.name, 1)
        layout.addLayout(top)
        sections = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        for title, column in (("Recording", left), ("Meeting", left), ("In meeting", right)):
            box, rows = _section(title, [s for s in CATALOGUE if s.section == title], self)
            column.addWidget(box)
            self.rows.extend(rows)
        left.addStretch(1)
        right.addStretch(1)
        sections.addLayout(left, 3)
        sections.addLayout(right, 2)
        layout.addLayout(sections, 1)
        layout.addWidget(self.problems)
        bottom = QHBoxLayout()
        bottom.addWidget(self.group_label, 1)
        bottom.addWidget(self.bind_button)
        bottom.addWidget(self.unbind_button)
        bottom.addWidget(self.save_button)
        layout.addLayout(bottom)
        self.save_button.clicked.connect(self._save)
        self.bind_button.clicked.connect(self.bind_requested)
        self.unbind_button.clicked.connect(self.unbind_requested)
        self._note = ""

    def row(self, key: str) -> SettingRow:
        """The widgets of the setting ``key``."""
        return next(r for r in self.rows if r.spec.key == key)

    def show_policy(self, record: TenantPolicy) -> None:
        """Fill the form from a tenant's policy and group binding."""
        policy = record.policy
        self.name.setText(policy.name)
        self._note = policy.note
        for row in self.rows:
            entry = policy.entry(row.spec.key)
            row.held.setChecked(entry is not None)
            if entry is not None:
                index = next(
                    (
                        i
                        for i, c in enumerate(row.spec.choices)
                        if type(c) is type(entry.value) and c == entry.value
                    ),
                    0,
                )
                row.value.setCurrentIndex(index)
                row.locked.setChecked(entry.locked)
            else:
                row.locked.setChecked(False)
            row.sync_enabled()
        if record.group_id:
            self.group_label.setText(
                f"Held in the Zoom group “{record.group_name}”: locked settings are locked there."
            )
        else:
            self.group_label.setText(
                "Applied to each host's own settings (no Zoom group): locks need a group."
            )
        self.unbind_button.setEnabled(bool(record.group_id))
        self.bind_button.setEnabled(not record.group_id)
        self.problems.clear()

    def policy(self) -> SettingsPolicy:
        """The policy the form describes (not yet validated)."""
        policy = SettingsPolicy(self.name.text().strip(), (), self._note)
        for row in self.rows:
            if row.held.isChecked():
                policy = policy.with_entry(
                    row.spec.key, row.value.currentData(), row.locked.isChecked()
                )
        return policy

    def _save(self) -> None:
        policy = self.policy()
        try:
            check_policy(policy)
        except PolicyInvalid as exc:
            self.problems.setText("\n".join(exc.problems))
            return
        self.problems.clear()
        self.save_requested.emit(policy)
