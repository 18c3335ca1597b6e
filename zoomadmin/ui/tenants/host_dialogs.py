"""Dialogs for hosts: add one, link existing Zoom users, move to another tenant."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import shiboken6
from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zoomadmin.core.enums import CreateAction, UserType
from zoomadmin.core.records import HostRecord, TenantRecord
from zoomadmin.services.host_errors import EmailInAccountError
from zoomadmin.services.hosts import HostService, NewHost
from zoomadmin.ui.common.async_runner import AsyncRunner, user_message_of
from zoomadmin.ui.common.field_errors import error_label
from zoomadmin.ui.common.words import type_words

CREATE_ACTIONS = (
    ("Send an invitation (the user confirms by email)", CreateAction.CREATE),
    ("API-only user, no sign-in (needs Zoom's ISV partner programme)", CreateAction.CUST_CREATE),
)
USER_TYPES = (
    ("Basic (free; gets a seat for its sessions)", UserType.BASIC),
    ("Licensed (takes a paid seat now)", UserType.LICENSED),
)


TICK_STYLE = (
    "QListView::indicator { width: 12px; height: 12px; border: 1px solid palette(mid);"
    " border-radius: 2px; background: palette(base); }"
    " QListView::indicator:checked { background: palette(highlight);"
    " border-color: palette(highlight); }"
)
OWNER_ROLE = Qt.ItemDataRole.UserRole + 2
"""Whether a listed user is the account owner."""


def create_actions(api_only: bool) -> list[tuple[str, CreateAction]]:
    """How a user may be created here: by invitation, and API-only when the account can."""
    return [item for item in CREATE_ACTIONS if api_only or item[1] is CreateAction.CREATE]


def tenant_combo(
    tenants: Sequence[TenantRecord], current: int | None, parent: QWidget
) -> QComboBox:
    """A tenant picker holding tenant ids as item data."""
    combo = QComboBox(parent)
    for tenant in tenants:
        combo.addItem(tenant.name, tenant.id)
    if current is not None and (at := combo.findData(current)) >= 0:
        combo.setCurrentIndex(at)
    return combo


def open_dialog(dialog: QDialog, owner: QWidget) -> None:
    """Open ``dialog`` window-modal without blocking (``open()``), deleted when closed.

    When it closes, the keyboard goes back to ``owner`` so its shortcuts work at once.
    """

    def focus_back(_: int) -> None:
        if shiboken6.isValid(owner):
            owner.window().activateWindow()
            owner.setFocus()

    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.finished.connect(focus_back)
    dialog.open()


class AddHostDialog(QDialog):
    """Adds one host in Zoom; the email comes from the tenant's scheme (next free ``n``).

    When Zoom already has the email in this account, the dialog offers to link that user.
    """

    host_added = Signal(object)
    """The new (or linked) host, a :class:`HostRecord`."""

    def __init__(
        self,
        hosts: HostService,
        runner: AsyncRunner,
        tenants: Sequence[TenantRecord],
        tenant_id: int | None,
        parent: QWidget | None = None,
        *,
        known: Callable[[str], HostRecord | None] = lambda _email: None,
        api_only: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("addHostDialog")
        self._known = known
        self._tenant_names = {t.id: t.name for t in tenants}
        self._local: HostRecord | None = None
        self._creating = False
        self.setWindowTitle("Add host")
        self.setMinimumWidth(560)
        self._hosts = hosts
        self._runner = runner
        self.tenant = tenant_combo(tenants, tenant_id, self)
        self.email = QLineEdit(self)
        self.email.setPlaceholderText("finding the next free address…")
        self.first_name = QLineEdit(self)
        self.last_name = QLineEdit(self)
        self.user_type = QComboBox(self)
        for text, value in USER_TYPES:
            self.user_type.addItem(text, value)
        self.action = QComboBox(self)
        for text, action in create_actions(api_only):
            self.action.addItem(text, action)
        self._suggesting = False
        self.error = error_label(self)
        self.link_button = QPushButton("L&ink the existing user instead", self)
        self.link_button.hide()
        self.link_button.clicked.connect(self._on_link)
        self.move_button = QPushButton("Mo&ve it here", self)
        self.move_button.setObjectName("moveHereButton")
        self.move_button.hide()
        self.move_button.clicked.connect(self._on_move_here)
        self._lay_out()
        self.tenant.currentIndexChanged.connect(self._suggest_email)
        self.tenant.currentIndexChanged.connect(self._check_known)
        self.email.textChanged.connect(self._check_known)
        self._suggest_email()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("&Tenant:", self.tenant)
        form.addRow("&Email:", self.email)
        form.addRow("&First name:", self.first_name)
        form.addRow("&Last name:", self.last_name)
        form.addRow("T&ype:", self.user_type)
        form.addRow("&Create as:", self.action)
        self.action.setEnabled(self.action.count() > 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.add_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.add_button.setText("&Add host")
        self.buttons.accepted.connect(self._on_add)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.link_button)
        layout.addWidget(self.move_button)
        layout.addWidget(self.buttons)

    @Slot()
    def _suggest_email(self) -> None:
        tenant_id = self.tenant.currentData()
        if tenant_id is None:
            self.show_error("Create a tenant first (New tenant, Ctrl+N).")
            return
        self._suggesting = True
        self._update_add()

        def found(emails: list[str]) -> None:
            if not shiboken6.isValid(self):
                return
            self._suggesting = False
            if not self.email.text().strip():  # what the user typed meanwhile stays
                self.email.setText(emails[0])
            self._update_add()

        def failed(exc: BaseException) -> bool:
            if shiboken6.isValid(self):
                self._suggesting = False
                self._update_add()
            return self._on_failed(exc)

        self._runner.run(
            self._hosts.next_emails(tenant_id),
            on_done=found,
            on_error=failed,
            label="Finding the next free email…",
        )

    def _update_add(self) -> None:
        """Add only once there is an email to create, and none listed here already."""
        typed = bool(self.email.text().strip())
        self.add_button.setEnabled(typed and self._local is None and not self._creating)

    def show_error(self, text: str, *, linkable: bool = False, movable: bool = False) -> None:
        """Show a problem in the form (and Link or Move it here when that would help)."""
        self.error.setText(text)
        self.error.setVisible(bool(text))
        self.link_button.setVisible(linkable)
        self.move_button.setVisible(movable)

    @Slot()
    def _check_known(self) -> None:
        """Decide here, before asking Zoom, whether the email is a host listed already."""
        host = self._known(self.email.text())
        was, self._local = self._local, host
        self._update_add()
        if host is None:
            if was is not None:
                self.show_error("")
            return
        tenant_id = self.tenant.currentData()
        if host.tenant_id is None:
            text = f"{host.email} is already a user of this Zoom account, in no tenant yet."
            self.show_error(text, linkable=True)
        elif host.tenant_id == tenant_id:
            self.show_error(f"{host.email} is already a host of this tenant.")
        else:
            other = self._tenant_names.get(host.tenant_id, "another tenant")
            self.show_error(f"{host.email} is already a host of “{other}”.", movable=True)

    @Slot()
    def _on_move_here(self) -> None:
        host = self._local
        if host is None:
            return
        self._runner.run(
            self._hosts.move([host.id], self.tenant.currentData()),
            on_done=lambda _: self._on_done(host),
            on_error=self._on_failed,
            disable=(self.buttons, self.move_button),
            label="Moving the host…",
        )

    def new_host(self) -> NewHost:
        """What the form holds."""
        return NewHost(
            tenant_id=self.tenant.currentData(),
            email=self.email.text().strip(),
            first_name=self.first_name.text().strip(),
            last_name=self.last_name.text().strip(),
            user_type=self.user_type.currentData(),
            action=self.action.currentData(),
        )

    @Slot()
    def _on_add(self) -> None:
        if self.tenant.currentData() is None:
            return
        self.show_error("")
        self._creating = True
        self._update_add()

        def finished(_: object) -> None:
            if shiboken6.isValid(self):
                self._creating = False
                self._update_add()

        # Cancel stays available: closing the form does not stop the create, whose outcome
        # still reaches the hosts table through the change bus.
        task = self._runner.run(
            self._hosts.add_host(self.new_host()),
            on_done=self._on_done,
            on_error=self._on_failed,
            label="Creating the host in Zoom…",
        )
        task.add_done_callback(finished)

    @Slot()
    def _on_link(self) -> None:
        self._runner.run(
            self._hosts.link_email(self.email.text().strip(), self.tenant.currentData()),
            on_done=self._on_done,
            on_error=self._on_failed,
            disable=(self.buttons, self.link_button),
            label="Linking the user…",
        )

    def _on_done(self, host: HostRecord) -> None:
        if not shiboken6.isValid(self):
            return  # cancelled while Zoom was creating it: the table hears of it anyway
        self.host_added.emit(host)
        self.accept()

    def _on_failed(self, exc: BaseException) -> bool:
        message = user_message_of(exc)
        if message is None:
            return False
        if not shiboken6.isValid(self):
            return False
        linkable = isinstance(exc, EmailInAccountError) and exc.linkable
        self.show_error(message, linkable=linkable)
        return True


class LinkUsersDialog(QDialog):
    """Puts account users that are in no tenant yet into a tenant.

    Users whose email follows the chosen tenant's scheme are ticked already.
    """

    linked = Signal(int)
    """How many users were linked."""

    def __init__(
        self,
        hosts: HostService,
        runner: AsyncRunner,
        *,
        tenants: Sequence[TenantRecord],
        tenant_id: int | None,
        users: Sequence[HostRecord],
        owner_email: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("linkUsersDialog")
        self._owner = owner_email.lower()
        self.setWindowTitle("Link existing Zoom users")
        self.resize(560, 480)
        self._hosts = hosts
        self._runner = runner
        self._tenants = {t.id: t for t in tenants}
        self.tenant = tenant_combo(tenants, tenant_id, self)
        self.users = QStandardItemModel(self)
        for user in users:
            owner = user.email.lower() == self._owner
            kind = type_words(user.user_type)
            label = f"{user.display_name} <{user.email}> — {kind}"
            item = QStandardItem(label + (" (the account owner)" if owner else ""))
            item.setData(user.id, Qt.ItemDataRole.UserRole)
            item.setData(user.email, Qt.ItemDataRole.UserRole + 1)
            item.setData(owner, OWNER_ROLE)
            item.setCheckable(True)
            item.setEditable(False)
            self.users.appendRow(item)
        self.proxy = UsersFilter(self)
        self.proxy.setSourceModel(self.users)
        self.show_owner = QCheckBox("Show the account &owner", self)
        self.show_owner.setToolTip(
            "The owner administers the account; it is rarely meant to host a tenant's meetings."
        )
        self.show_owner.setVisible(any(u.email.lower() == self._owner for u in users))
        self.show_owner.toggled.connect(self.proxy.set_show_owner)
        self.select_all = QPushButton("Select &all", self)
        self.select_all.clicked.connect(lambda: self._tick_shown(True))
        self.select_none = QPushButton("Select &none", self)
        self.select_none.clicked.connect(lambda: self._tick_shown(False))
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search = _search(self)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = QListView(self)
        self.view.setModel(self.proxy)
        # Tick boxes drawn with the palette's Mid frame, so they show on dark palettes too.
        self.view.setStyleSheet(TICK_STYLE)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.error = error_label(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.link_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.link_button.setText("&Link to tenant")
        self._found = ""
        self.buttons.accepted.connect(self._on_link)
        self.buttons.rejected.connect(self.reject)
        self._lay_out()
        self.tenant.currentIndexChanged.connect(self._tick_matching)
        self.users.itemChanged.connect(self._update_link_button)
        self._tick_matching()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("&Tenant:", self.tenant)
        form.addRow("&Find:", self.search)
        picks = QHBoxLayout()
        picks.addWidget(self.select_all)
        picks.addWidget(self.select_none)
        picks.addStretch(1)
        picks.addWidget(self.show_owner)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.view, 1)
        layout.addLayout(picks)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    @Slot()
    def _update_link_button(self) -> None:
        """Link only when there is something to link, and say what is missing."""
        ticked = len(self.checked_ids())
        missing = ""
        if self.users.rowCount() and self.tenant.currentData() is None:
            missing = "Create a tenant first (New tenant, Ctrl+N); users are linked to one."
        elif self.users.rowCount() and not ticked:
            missing = "Tick at least one user to link."
        self.link_button.setEnabled(ticked > 0 and self.tenant.currentData() is not None)
        self.hint.setText(f"{self._found} {missing}".strip())

    @Slot()
    def _tick_matching(self) -> None:
        tenant = self._tenants.get(self.tenant.currentData())
        if self.users.rowCount() == 0:
            self._found = (
                "Every synced Zoom user is in a tenant already. Sync with Zoom (F5) to see "
                "users added in Zoom since."
            )
            self._update_link_button()
            return
        marker = f"+{tenant.slug}-" if tenant else None
        ticked = 0
        for row in range(self.users.rowCount()):
            item = self.users.item(row)
            email = str(item.data(Qt.ItemDataRole.UserRole + 1))
            match = marker is not None and marker in email and not item.data(OWNER_ROLE)
            item.setCheckState(Qt.CheckState.Checked if match else Qt.CheckState.Unchecked)
            ticked += match
        owners = sum(
            bool(self.users.item(r).data(OWNER_ROLE)) for r in range(self.users.rowCount())
        )
        others = self.users.rowCount() - owners
        owner_note = " (and the account owner, hidden)" if owners else ""
        self._found = (
            f"{others} user{'s are' if others != 1 else ' is'} in no tenant{owner_note}. "
            f"{ticked} follow this tenant's email scheme and are ticked; tick others with Space."
        )
        self._update_link_button()

    def _tick_shown(self, checked: bool) -> None:
        """Tick (or untick) every user the filter shows."""
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        for row in range(self.proxy.rowCount()):
            source = self.proxy.mapToSource(self.proxy.index(row, 0))
            self.users.itemFromIndex(source).setCheckState(state)

    def set_checked(self, email: str, checked: bool = True) -> None:
        """Tick (or untick) the user with ``email``."""
        for row in range(self.users.rowCount()):
            item = self.users.item(row)
            if item.data(Qt.ItemDataRole.UserRole + 1) == email:
                state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
                item.setCheckState(state)

    def checked_ids(self) -> list[int]:
        """The host ids of the ticked users."""
        return [
            int(self.users.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.users.rowCount())
            if self.users.item(row).checkState() == Qt.CheckState.Checked
        ]

    @Slot()
    def _on_link(self) -> None:
        ids = self.checked_ids()
        if not ids or self.tenant.currentData() is None:
            self.error.setText("Tick at least one user and choose a tenant.")
            self.error.show()
            return
        self._runner.run(
            self._hosts.link(ids, self.tenant.currentData()),
            on_done=self._on_done,
            disable=self.buttons,
            label="Linking users…",
            error_parent=self,
        )

    def _on_done(self, count: int) -> None:
        self.linked.emit(count)
        self.accept()


def _search(parent: QWidget) -> QLineEdit:
    search = QLineEdit(parent)
    search.setPlaceholderText("Filter by name or email")
    search.setClearButtonEnabled(True)
    return search


class UsersFilter(QSortFilterProxyModel):
    """The users list's filter: words typed, and the account owner only when asked for."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._show_owner = False
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_show_owner(self, shown: bool) -> None:
        """List the account owner too."""
        self.beginFilterChange()
        self._show_owner = shown
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(  # noqa: N802 - Qt API
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        """Hide the owner unless asked; then match the typed words."""
        model = self.sourceModel()
        if not self._show_owner and model.index(source_row, 0, source_parent).data(OWNER_ROLE):
            return False
        return super().filterAcceptsRow(source_row, source_parent)


def move_text(hosts: Sequence[HostRecord], shown: int = 2) -> str:
    """ "Move ann@… to the tenant below." or "Move 4 hosts (ann@…, bob@… and 2 more) …"."""
    tail = " to the tenant below. Their meetings and sessions stay with them."
    if len(hosts) == 1:
        return f"Move {hosts[0].email}{tail}"
    listed = ", ".join(h.email for h in hosts[:shown])
    more = f" and {len(hosts) - shown} more" if len(hosts) > shown else ""
    return f"Move {len(hosts)} hosts ({listed}{more}){tail}"


class MoveHostsDialog(QDialog):
    """Asks which tenant the selected hosts move to; emits ``chosen(tenant_id)``."""

    chosen = Signal(object)
    """The tenant id the hosts should move to (None: to no tenant)."""

    def __init__(
        self,
        tenants: Sequence[TenantRecord],
        hosts: Sequence[HostRecord],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("moveHostsDialog")
        self.setWindowTitle("Move to another tenant")
        self.setMinimumWidth(460)
        current = {h.tenant_id for h in hosts}
        self.tenant = tenant_combo([t for t in tenants if t.id not in current], None, self)
        self.tenant.addItem("No tenant", None)
        note = QLabel(move_text(hosts), self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Move")
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("To &tenant:", self.tenant)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(buttons)

    @Slot()
    def _on_ok(self) -> None:
        self.chosen.emit(self.tenant.currentData())
        self.accept()
