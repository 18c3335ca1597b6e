"""Settings → Accounts: add a real Zoom account (checked first), switch between accounts, remove."""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPushButton,
    QStyle,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from zoomadmin.core.profiles import DEFAULT_WS_URL, AccountProfile
from zoomadmin.services.accounts import AccountService
from zoomadmin.services.connection import SANDBOX_LABEL, ActiveAccount
from zoomadmin.services.credentials import SecretStore, acheck
from zoomadmin.services.scopes import feature_scopes
from zoomadmin.ui.accounts.account_scopes import scopes_html
from zoomadmin.ui.common.async_runner import AsyncRunner, user_message_of

ProfileRole = Qt.ItemDataRole.UserRole + 1
"""The row's profile name (None for the sandbox)."""


class _Owner(Protocol):
    """The account owner Zoom named when the profile was checked."""

    @property
    def email(self) -> str: ...


class AccountsModel(QAbstractListModel):
    """The sandbox and every saved profile; the one in use is shown in bold."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[AccountProfile | None] = [None]
        self._active: str | None = None
        self._sandbox_active = False

    def set_accounts(
        self, profiles: list[AccountProfile], active: str | None, *, sandbox_active: bool
    ) -> None:
        """Replace the list (it is a handful of rows, so a reset is the clear way)."""
        self.beginResetModel()
        self._rows = [None, *profiles]
        self._active = active
        self._sandbox_active = sandbox_active
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:  # noqa: N802
        """Rows of the flat list."""
        if parent is not None and parent.isValid():
            return 0
        return len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        """Display name, bold font for the account in use, profile name under ProfileRole."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        profile = self._rows[index.row()]
        in_use = self._sandbox_active if profile is None else profile.name == self._active
        if role == Qt.ItemDataRole.DisplayRole:
            name = SANDBOX_LABEL if profile is None else f"Zoom: {profile.name}"
            return f"{name}  (in use)" if in_use else name
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(profile)
        if role == Qt.ItemDataRole.FontRole and in_use:
            font = QFont()
            font.setBold(True)
            return font
        if role == ProfileRole:
            return None if profile is None else profile.name
        return None


def _fit_placeholder(edit: QLineEdit) -> None:
    """Wide enough that its placeholder is never cut off."""
    text = edit.placeholderText()
    if text:
        width = QFontMetrics(edit.font()).horizontalAdvance(text)
        edit.setMinimumWidth(width + 24)


def _tooltip(profile: AccountProfile | None) -> str:
    if profile is None:
        return "The built-in Zoom look-alike with demo data; nothing reaches Zoom."
    return f"Zoom account {profile.account_id}, client id {profile.client_id}"


class AccountsDialog(QDialog):
    """Non-modal accounts window; all Zoom and keyring work runs through the AsyncRunner."""

    switch_requested = Signal(object)
    """The user chose an account to work on: a profile name, or None for the sandbox."""
    accounts_changed = Signal()
    """A profile was added or removed."""

    def __init__(
        self,
        accounts: AccountService,
        secrets: SecretStore,
        runner: AsyncRunner,
        parent: QWidget | None = None,
        *,
        zoom_urls: tuple[str, str] | None = None,
    ) -> None:
        """``zoom_urls`` (API URL, OAuth token URL) replace Zoom's own for new profiles."""
        super().__init__(parent)
        self.setObjectName("accountsDialog")
        self._zoom_urls = zoom_urls
        self.setWindowTitle("Accounts")
        self.setModal(False)
        self.resize(820, 600)
        self._accounts = accounts
        self._secrets = secrets
        self._runner = runner
        self.model = AccountsModel(self)
        self.keyring_note = QLabel(self)
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setObjectName("keyringNote")
        self.list = QListView(self)
        self.list.setModel(self.model)
        self.list.setAccessibleName("Accounts")
        self.list.doubleClicked.connect(self._on_switch)
        self.switch_button = QPushButton("&Switch to this account", self)
        self.switch_button.clicked.connect(self._on_switch)
        self.remove_button = QPushButton("&Remove…", self)
        self.remove_button.clicked.connect(self._on_remove)
        self.edit_button = QPushButton("E&dit", self)
        self.edit_button.setToolTip("Change this account's details or rotate its client secret")
        self.edit_button.clicked.connect(self._on_edit)
        self.test_button = QPushButton("&Test connection", self)
        self.test_button.setToolTip("Sign in to Zoom with this account's saved credentials")
        self.test_button.clicked.connect(self._on_test)
        self._editing: str | None = None
        self.form = self._build_form()
        self.scopes = self._build_scopes()
        self._active: ActiveAccount | None = None
        self._layout()
        self.list.selectionModel().currentChanged.connect(self._update_buttons)
        self._update_buttons()

    def _build_scopes(self) -> QTextBrowser:
        # Scopes are copied into Zoom's Marketplace: never wrapped mid-name, so the panel is
        # as wide as the longest one in the fixed-pitch font.
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        scopes = QTextBrowser(self)
        scopes.setObjectName("scopes")
        scopes.setHtml(scopes_html(mono.family()))
        scopes.setAccessibleName("Scopes each feature needs")
        longest = max((s for names in feature_scopes().values() for s in names), key=len)
        frame = 2 * (scopes.frameWidth() + int(scopes.document().documentMargin()))
        scrollbar = scopes.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        scopes.setMinimumWidth(QFontMetrics(mono).horizontalAdvance(longest) + frame + scrollbar)
        return scopes

    def _build_form(self) -> QGroupBox:
        box = QGroupBox("Add a Zoom account", self)
        self.name_edit = QLineEdit(box)
        self.name_edit.setPlaceholderText("e.g. School production")
        self.account_id_edit = QLineEdit(box)
        self.client_id_edit = QLineEdit(box)
        self.secret_edit = QLineEdit(box)
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.webhook_edit = QLineEdit(box)
        self.webhook_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.webhook_edit.setPlaceholderText("optional")
        self.subscription_edit = QLineEdit(box)
        self.subscription_edit.setObjectName("subscriptionEdit")
        self.subscription_edit.setPlaceholderText("optional: live events over WebSocket")
        self.subscription_edit.setToolTip(
            "The WebSocket event subscription's ID from the app's Marketplace page. Without "
            "it, zoomadmin notices meetings starting and ending by polling once a minute."
        )
        self.add_button = QPushButton("&Check and add", box)
        self.add_button.clicked.connect(self._on_add)
        self.cancel_edit = QPushButton("Stop editin&g", box)
        self.cancel_edit.hide()
        self.cancel_edit.clicked.connect(self._stop_editing)
        self.form_message = QLabel(box)
        self.form_message.setWordWrap(True)
        self.form_message.setObjectName("formMessage")
        form = QFormLayout(box)
        form.addRow("&Name:", self.name_edit)
        form.addRow("Account &ID:", self.account_id_edit)
        form.addRow("C&lient ID:", self.client_id_edit)
        form.addRow("Client s&ecret:", self.secret_edit)
        form.addRow("&Webhook secret token:", self.webhook_edit)
        form.addRow("E&vent subscription ID:", self.subscription_edit)
        actions = QHBoxLayout()
        actions.addWidget(self.add_button)
        actions.addWidget(self.cancel_edit)
        actions.addStretch(1)
        form.addRow(actions)
        form.addRow(self.form_message)
        for edit in box.findChildren(QLineEdit):
            _fit_placeholder(edit)
        return box

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.switch_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.keyring_note)
        left.addWidget(self.list, 1)
        left.addLayout(buttons)
        left.addWidget(self.form)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addWidget(self.scopes, 2)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(close)

    def refresh(self, active: ActiveAccount | None) -> None:
        """Reload the profiles and the keyring state; ``active`` is the account in use."""
        self._active = active
        self._runner.run(self._load(), on_done=self._show, label="Loading accounts…")

    async def _load(self) -> tuple[list[AccountProfile], str]:
        problem = ""
        try:
            await acheck(self._secrets)
        except Exception as exc:  # SecretStoreUnavailable carries the plain words
            problem = user_message_of(exc) or str(exc)
        return await self._accounts.profiles(), problem

    def _show(self, loaded: tuple[list[AccountProfile], str]) -> None:
        profiles, problem = loaded
        active = self._active
        in_use = active.profile.name if active is not None and active.profile else None
        sandbox = active is not None and active.is_sandbox
        self.model.set_accounts(profiles, in_use, sandbox_active=sandbox)
        self.keyring_note.setText(problem or "Client secrets are kept in the system keyring.")
        self.keyring_note.setProperty("problem", bool(problem))
        # Without a keyring the form stays in view, switched off, saying why.
        self.form.setEnabled(not problem)
        self._keyring_problem = problem
        if problem:
            self.form_message.setText(
                "Adding a Zoom account needs a system keyring for its client secret, and this "
                "computer has none that zoomadmin can use. Install or unlock one (for example "
                "GNOME Keyring or KWallet), then open Accounts again; the sandbox works meanwhile."
            )
        self.list.setCurrentIndex(self.model.index(0, 0))
        self._update_buttons()

    def _selected(self) -> tuple[bool, str | None]:
        index = self.list.currentIndex()
        if not index.isValid():
            return False, None
        return True, index.data(ProfileRole)

    def _in_use(self, name: str | None) -> bool:
        """Whether the profile ``name`` (None: the sandbox) is the account open now."""
        active = self._active
        if active is None:
            return False
        if name is None:
            return active.is_sandbox
        return active.profile is not None and active.profile.name == name

    @Slot()
    def _update_buttons(self) -> None:
        chosen, name = self._selected()
        in_use = chosen and self._in_use(name)
        self.switch_button.setEnabled(chosen and not in_use)
        self.switch_button.setToolTip("zoomadmin is working in this account now." if in_use else "")
        self.remove_button.setEnabled(chosen and name is not None)
        saved = chosen and name is not None and not getattr(self, "_keyring_problem", "")
        self.edit_button.setEnabled(saved)
        self.test_button.setEnabled(saved)

    @Slot()
    def _on_switch(self) -> None:
        # A double-click reaches here too, so the account in use is refused here as well.
        chosen, name = self._selected()
        if chosen and not self._in_use(name):
            self.switch_requested.emit(name)
            self.close()

    @Slot()
    def _on_remove(self) -> None:
        chosen, name = self._selected()
        if not chosen or name is None:
            return
        box = QMessageBox(self)
        box.setObjectName("confirmRemove")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Remove account")
        box.setText(
            f"Remove the account “{name}” from zoomadmin and delete its client secret from "
            "the keyring? Nothing changes in Zoom."
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda result: self._on_remove_answered(name, result))
        # open(), never exec(): the dialog must not block the qasync loop (qasync #59).
        box.open()

    def _on_remove_answered(self, name: str, result: int) -> None:
        if result != QMessageBox.StandardButton.Yes:
            return
        self._runner.run(
            self._accounts.remove(name),
            on_done=lambda _: self._after_change(f"Removed “{name}”."),
            disable=self,
            label="Removing the account…",
        )

    @Slot()
    def _on_test(self) -> None:
        chosen, name = self._selected()
        if not chosen or name is None:
            return
        self.form_message.setText(f"Signing in to “{name}”…")
        self._runner.run(
            self._accounts.test(name),
            on_done=lambda me: self.form_message.setText(
                f"“{name}” works: zoomadmin acts as {me.email}."
            ),
            on_error=self._on_add_failed,
            disable=self.test_button,
            label="Testing the connection…",
        )

    @Slot()
    def _on_edit(self) -> None:
        chosen, name = self._selected()
        if not chosen or name is None:
            return
        self._runner.run(self._accounts.profiles(), on_done=lambda ps: self._fill_edit(name, ps))

    def _fill_edit(self, name: str, profiles: list[AccountProfile]) -> None:
        profile = next((p for p in profiles if p.name == name), None)
        if profile is None:
            return
        self._editing = name
        self.form.setTitle(f"Edit “{name}”")
        self.name_edit.setText(profile.name)
        self.account_id_edit.setText(profile.account_id)
        self.client_id_edit.setText(profile.client_id)
        self.subscription_edit.setText(profile.ws_subscription_id or "")
        self.secret_edit.clear()
        self.secret_edit.setPlaceholderText("unchanged; type a new one to rotate it")
        _fit_placeholder(self.secret_edit)
        self.webhook_edit.clear()
        self.webhook_edit.setPlaceholderText("unchanged")
        self.add_button.setText("&Check and save")
        self.cancel_edit.show()
        self.form_message.setText("")
        self.name_edit.setFocus()

    @Slot()
    def _stop_editing(self) -> None:
        self._editing = None
        self.form.setTitle("Add a Zoom account")
        for edit in self.form.findChildren(QLineEdit):
            edit.clear()
        self.secret_edit.setPlaceholderText("")
        self.webhook_edit.setPlaceholderText("optional")
        self.add_button.setText("&Check and add")
        self.cancel_edit.hide()

    @Slot()
    def _on_add(self) -> None:
        fields = [self.name_edit, self.account_id_edit, self.client_id_edit, self.secret_edit]
        if self._editing is not None:
            fields = fields[:3]  # an empty secret keeps the saved one
        empty = [f for f in fields if not f.text().strip()]
        if empty:
            self.form_message.setText("Fill in the name, account ID, client ID and client secret.")
            empty[0].setFocus()
            return
        urls = (
            {"api_url": self._zoom_urls[0], "oauth_url": self._zoom_urls[1]}
            if self._zoom_urls
            else {}
        )
        subscription = self.subscription_edit.text().strip() or None
        profile = AccountProfile(
            name=self.name_edit.text().strip(),
            account_id=self.account_id_edit.text().strip(),
            client_id=self.client_id_edit.text().strip(),
            ws_url=DEFAULT_WS_URL if subscription else None,
            ws_subscription_id=subscription,
            **urls,
        )
        self.form_message.setText("Checking the credentials with Zoom…")
        secret = self.secret_edit.text().strip()
        webhook = self.webhook_edit.text().strip() or None
        work = (
            self._accounts.update(self._editing, profile, secret or None, webhook)
            if self._editing is not None
            else self._accounts.add(profile, secret, webhook)
        )
        self._runner.run(
            work,
            on_done=lambda owner: self._on_added(profile, owner),
            on_error=self._on_add_failed,
            disable=self.form,
            label="Checking the Zoom account…",
        )

    def _on_added(self, profile: AccountProfile, owner: _Owner) -> None:
        for edit in (
            self.name_edit,
            self.account_id_edit,
            self.client_id_edit,
            self.subscription_edit,
        ):
            edit.clear()
        self.secret_edit.clear()
        self.webhook_edit.clear()
        verb = "Saved" if self._editing is not None else "Added"
        self._stop_editing()
        self._after_change(f"{verb} “{profile.name}”; zoomadmin will act as {owner.email}.")

    def _on_add_failed(self, exc: BaseException) -> bool:
        message = user_message_of(exc)
        if message is None:
            self.form_message.setText("")
            return False
        self.form_message.setText(message)
        return True

    def _after_change(self, message: str) -> None:
        self.form_message.setText(message)
        self.accounts_changed.emit()
        self.refresh(self._active)
