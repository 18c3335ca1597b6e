"""One host's settings as a searchable tree (policy and layer beside each) and its history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zoomadmin.services.drift import HostSetting, HostSettingsView
from zoomadmin.ui.settings.values import layer_words, value_words

#: Asks for a setting's new value: (parent, setting, choices or ()) -> value, or None to cancel.
AskValue = Callable[[QWidget, HostSetting], Any]
KEY_ROLE = Qt.ItemDataRole.UserRole + 1


def ask_value(parent: QWidget, setting: HostSetting) -> Any:
    """The default editor: a list of what Zoom accepts, or a text field of the value's kind."""
    choices: tuple[Any, ...] = setting.spec.choices if setting.spec else ()
    if not choices and isinstance(setting.value, bool):
        choices = (True, False)
    title = "Change setting"
    if choices:
        words = [value_words(c) for c in choices]
        current = words.index(value_words(setting.value)) if setting.value in choices else 0
        word, ok = QInputDialog.getItem(parent, title, setting.key, words, current, False)
        return choices[words.index(word)] if ok else None
    text, ok = QInputDialog.getText(parent, title, setting.key, text=str(setting.value))
    if not ok:
        return None
    return int(text) if isinstance(setting.value, int) and text.lstrip("-").isdigit() else text


class HostView(QWidget):
    """Pick a host; see every setting with its policy value and layer; edit one; history."""

    host_requested = Signal(int)
    edit_requested = Signal(int, str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ask_value: AskValue = ask_value
        self.hosts = QComboBox(self)
        self.hosts.setMinimumWidth(260)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search settings")
        self.search.setClearButtonEnabled(True)
        self.edit_button = QPushButton("&Edit setting…", self)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Setting", "In Zoom", "Policy", "From layer"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.history = QTableWidget(0, 5, self)
        self.history.setHorizontalHeaderLabels(["When (UTC)", "Who", "Setting", "Old", "New"])
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.verticalHeader().hide()
        self.summary = QLabel(self)
        self._view: HostSettingsView | None = None
        self._items: list[tuple[QTreeWidgetItem, QTreeWidgetItem, str]] = []
        self._layout()
        self.hosts.activated.connect(self._host_picked)
        self.search.textChanged.connect(self._filter)
        self.edit_button.clicked.connect(self._edit)
        self.tree.itemDoubleClicked.connect(lambda *_: self._edit())

    def _layout(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        label = QLabel("&Host:", self)
        label.setBuddy(self.hosts)
        top.addWidget(label)
        top.addWidget(self.hosts)
        top.addWidget(self.search, 1)
        top.addWidget(self.edit_button)
        layout.addLayout(top)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.tree)
        box = QWidget(split)
        lower = QVBoxLayout(box)
        lower.setContentsMargins(0, 0, 0, 0)
        lower.addWidget(QLabel("<b>Changes made through zoomadmin</b>", box))
        lower.addWidget(self.history)
        split.addWidget(box)
        split.setSizes([420, 160])
        layout.addWidget(split, 1)
        layout.addWidget(self.summary)

    def set_hosts(self, hosts: list[tuple[int, str]]) -> None:
        """The hosts to choose from: (host id, email)."""
        current = self.hosts.currentData()
        self.hosts.clear()
        for host_id, email in hosts:
            self.hosts.addItem(email, host_id)
        index = self.hosts.findData(current)
        self.hosts.setCurrentIndex(max(index, 0))

    def choose(self, host_id: int) -> None:
        """Show ``host_id`` (asks the tab to read it)."""
        index = self.hosts.findData(host_id)
        if index >= 0:
            self.hosts.setCurrentIndex(index)
        self.host_requested.emit(host_id)

    def _host_picked(self, index: int) -> None:
        host_id = self.hosts.itemData(index)
        if host_id is not None:
            self.host_requested.emit(int(host_id))

    def show_view(self, view: HostSettingsView) -> None:
        """Fill the tree and the history of one host."""
        self._view = view
        self.tree.clear()
        self._items = []
        groups: dict[str, QTreeWidgetItem] = {}
        drift = self.palette().color(QPalette.ColorRole.Link)
        for setting in view.settings:
            group, _, name = setting.key.partition(".")
            parent = groups.get(group)
            if parent is None:
                parent = groups[group] = QTreeWidgetItem(
                    self.tree, [group.replace("_", " ").capitalize()]
                )
            policy = value_words(setting.policy.value) if setting.policy else ""
            if setting.policy and setting.policy.locked:
                policy += " (locked)"
            label = setting.spec.label if setting.spec else name
            cells = [
                label,
                value_words(setting.value),
                policy,
                layer_words(setting.layer, setting.locked),
            ]
            item = QTreeWidgetItem(parent, cells)
            item.setData(0, KEY_ROLE, setting.key)
            self._items.append((parent, item, setting.key))
            item.setToolTip(0, setting.key)
            if setting.drifts:
                item.setForeground(1, QBrush(drift))
        self.tree.expandAll()
        self.tree.resizeColumnToContents(1)
        self._show_history(view)
        drifting = sum(1 for s in view.settings if s.drifts)
        policy = view.policy.policy.name if view.policy else "no policy"
        self.summary.setText(f"{view.host.email}: {policy}; {drifting} setting(s) differ from it.")
        self._filter(self.search.text())

    def _show_history(self, view: HostSettingsView) -> None:
        rows = [(e, change) for e in view.history for change in e.changes]
        self.history.setRowCount(len(rows))
        for n, (entry, (key, old, new)) in enumerate(rows):
            cells = [
                entry.at.strftime("%Y-%m-%d %H:%M"),
                entry.actor,
                key,
                value_words(old),
                value_words(new),
            ]
            for column, text in enumerate(cells):
                self.history.setItem(n, column, QTableWidgetItem(text))
        self.history.resizeColumnsToContents()

    def _filter(self, text: str) -> None:
        needle = text.strip().casefold()
        shown: dict[int, int] = {}
        for group, item, key in self._items:
            hit = not needle or needle in key.casefold() or needle in item.text(0).casefold()
            item.setHidden(not hit)
            shown[id(group)] = shown.get(id(group), 0) + hit
        for group, _, _ in self._items:
            group.setHidden(shown.get(id(group), 0) == 0)

    def setting(self, key: str) -> HostSetting | None:
        """The shown host's setting ``key``."""
        if self._view is None:
            return None
        return next((s for s in self._view.settings if s.key == key), None)

    def select(self, key: str) -> None:
        """Select the tree row of ``key``."""
        for _, item, shown_key in self._items:
            if shown_key == key:
                self.tree.setCurrentItem(item)

    def _edit(self) -> None:
        item = self.tree.currentItem()
        key = item.data(0, KEY_ROLE) if item else None
        setting = self.setting(str(key)) if key else None
        if self._view is None or setting is None:
            self.summary.setText("Choose a setting to change first.")
            return
        value = self.ask_value(self, setting)
        if value is not None:
            self.edit_requested.emit(self._view.host.id, setting.key, value)
