"""Settings → Accounts polish: edit a profile and rotate its secret, test a saved account, the
placeholders are whole, and without a keyring the form explains itself (defect 20)."""

from __future__ import annotations

import keyring.backends.null
from accelerators import clashes
from pytestqt.qtbot import QtBot
from test_accounts_dialog import _fill, dialog_parts

from zoomadmin.paths import AppPaths
from zoomadmin.sandbox import SandboxServer
from zoomadmin.services.accounts import AccountService
from zoomadmin.services.credentials import KeyringSecretStore, MemorySecretStore, SecretKind
from zoomadmin.store.preferences import PreferencesFile
from zoomadmin.ui.accounts.accounts_dialog import AccountsDialog
from zoomadmin.ui.common.async_runner import AsyncRunner

__all__ = ["dialog_parts"]
Parts = tuple[AccountsDialog, AccountService, MemorySecretStore]


async def test_20_edit_a_profile_rotate_its_secret_and_test_it(
    dialog_parts: Parts, demo_sandbox: SandboxServer, runner: AsyncRunner
) -> None:
    dialog, accounts, secrets = dialog_parts
    _fill(dialog, demo_sandbox, demo_sandbox.info.client_secret)
    dialog.add_button.click()
    await runner.wait_idle()
    dialog.list.setCurrentIndex(dialog.model.index(1, 0))
    assert dialog.test_button.isEnabled() and dialog.edit_button.isEnabled()
    dialog.test_button.click()
    await runner.wait_idle()
    assert dialog.form_message.text().startswith("“School” works: zoomadmin acts as ")
    dialog.edit_button.click()
    await runner.wait_idle()
    assert dialog.name_edit.text() == "School" and dialog.add_button.text() == "&Check and save"
    dialog.name_edit.setText("School production")
    dialog.add_button.click()  # the secret left empty: the saved one is kept
    await runner.wait_idle()
    assert [p.name for p in await accounts.profiles()] == ["School production"]
    assert secrets.get("School production", SecretKind.CLIENT_SECRET) == (
        demo_sandbox.info.client_secret
    )
    assert secrets.get("School", SecretKind.CLIENT_SECRET) is None
    dialog.list.setCurrentIndex(dialog.model.index(1, 0))
    dialog.edit_button.click()
    await runner.wait_idle()
    dialog.secret_edit.setText("wrong-secret")
    dialog.add_button.click()
    await runner.wait_idle()
    assert "refused" in dialog.form_message.text()  # a rotated secret is checked first
    assert secrets.get("School production", SecretKind.CLIENT_SECRET) == (
        demo_sandbox.info.client_secret
    )
    assert clashes(dialog) == {}


async def test_20_placeholders_are_whole(dialog_parts: Parts, qtbot: QtBot) -> None:
    dialog, _, _ = dialog_parts
    dialog.show()
    edit = dialog.subscription_edit
    width = edit.fontMetrics().horizontalAdvance(edit.placeholderText())
    assert edit.width() >= width + 12


async def test_20_without_a_keyring_the_form_stays_and_explains(
    qtbot: QtBot, app_paths: AppPaths, runner: AsyncRunner
) -> None:
    secrets = KeyringSecretStore(backend=keyring.backends.null.Keyring())
    accounts = AccountService(PreferencesFile(app_paths.preferences_path), secrets)
    dialog = AccountsDialog(accounts, secrets, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.refresh(None)
    await runner.wait_idle()
    assert dialog.form.isVisible() and not dialog.form.isEnabled()
    assert "needs a system keyring" in dialog.form_message.text()
