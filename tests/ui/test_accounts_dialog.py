"""Settings → Accounts: a profile is saved only after Zoom accepted it; no keyring, no profiles."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import keyring.backends.null
import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from zoomadmin.core.profiles import DEFAULT_WS_URL, AccountProfile
from zoomadmin.paths import AppPaths
from zoomadmin.sandbox import SandboxServer
from zoomadmin.services.accounts import AccountService
from zoomadmin.services.connection import SANDBOX_LABEL, ActiveAccount, sandbox_credentials
from zoomadmin.services.credentials import KeyringSecretStore, MemorySecretStore, SecretKind
from zoomadmin.services.scopes import feature_scopes
from zoomadmin.store.preferences import PreferencesFile
from zoomadmin.ui.accounts.accounts_dialog import AccountsDialog, AccountsModel
from zoomadmin.ui.common.async_runner import AsyncRunner
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.errors import AuthenticationFailed


@pytest.fixture
async def dialog_parts(
    qtbot: QtBot, app_paths: AppPaths, runner: AsyncRunner, demo_sandbox: SandboxServer
) -> AsyncIterator[tuple[AccountsDialog, AccountService, MemorySecretStore]]:
    secrets = MemorySecretStore()
    accounts = AccountService(PreferencesFile(app_paths.preferences_path), secrets)
    # New profiles reach the sandbox instead of Zoom, over loopback.
    urls = (demo_sandbox.info.api_url, demo_sandbox.info.oauth_url)
    dialog = AccountsDialog(accounts, secrets, runner, zoom_urls=urls)
    qtbot.addWidget(dialog)
    dialog.refresh(None)
    await runner.wait_idle()
    yield dialog, accounts, secrets


def _fill(dialog: AccountsDialog, sandbox: SandboxServer, secret: str) -> None:
    info = sandbox.info
    dialog.name_edit.setText("School")
    dialog.account_id_edit.setText(info.account_id)
    dialog.client_id_edit.setText(info.client_id)
    dialog.secret_edit.setText(secret)
    dialog.webhook_edit.setText("webhook-token-123")


async def test_adding_an_account_checks_it_with_zoom_then_keeps_the_secret_in_the_store(
    dialog_parts: tuple[AccountsDialog, AccountService, MemorySecretStore],
    demo_sandbox: SandboxServer,
    runner: AsyncRunner,
) -> None:
    dialog, accounts, secrets = dialog_parts
    info = demo_sandbox.info
    _fill(dialog, demo_sandbox, info.client_secret)
    dialog.add_button.click()
    await runner.wait_idle()

    assert dialog.form_message.text().startswith("Added “School”; zoomadmin will act as ")
    assert [p.name for p in await accounts.profiles()] == ["School"]
    assert secrets.get("School", SecretKind.CLIENT_SECRET) == info.client_secret
    assert secrets.get("School", SecretKind.WEBHOOK_SECRET) == "webhook-token-123"
    assert dialog.secret_edit.text() == ""
    assert dialog.model.rowCount() == 2


async def test_a_refused_secret_is_explained_in_the_form_and_nothing_is_saved(
    dialog_parts: tuple[AccountsDialog, AccountService, MemorySecretStore],
    demo_sandbox: SandboxServer,
    runner: AsyncRunner,
    reported_errors: list[str],
) -> None:
    dialog, accounts, secrets = dialog_parts
    _fill(dialog, demo_sandbox, "wrong-secret")
    dialog.add_button.click()
    await runner.wait_idle()
    assert dialog.form_message.text() == AuthenticationFailed.default_message
    assert await accounts.profiles() == []
    assert secrets.get("School", SecretKind.CLIENT_SECRET) is None
    assert reported_errors == []
    assert dialog.form.isEnabled()


async def test_empty_fields_are_named_before_anything_is_sent(
    dialog_parts: tuple[AccountsDialog, AccountService, MemorySecretStore],
    runner: AsyncRunner,
) -> None:
    dialog, _, _ = dialog_parts
    dialog.add_button.click()
    assert "Fill in the name" in dialog.form_message.text()
    assert not runner.busy


async def test_without_a_secure_keyring_only_the_sandbox_is_offered(
    qtbot: QtBot, app_paths: AppPaths, runner: AsyncRunner
) -> None:
    secrets = KeyringSecretStore(backend=keyring.backends.null.Keyring())
    accounts = AccountService(PreferencesFile(app_paths.preferences_path), secrets)
    dialog = AccountsDialog(accounts, secrets, runner)
    qtbot.addWidget(dialog)
    dialog.refresh(None)
    await runner.wait_idle()
    assert "no secure password store" in dialog.keyring_note.text()
    assert not dialog.form.isEnabled()
    assert dialog.model.rowCount() == 1


async def test_switching_names_the_chosen_account(
    dialog_parts: tuple[AccountsDialog, AccountService, MemorySecretStore],
) -> None:
    dialog, _, _ = dialog_parts
    chosen: list[object] = []
    dialog.switch_requested.connect(chosen.append)
    dialog.list.setCurrentIndex(dialog.model.index(0, 0))
    assert not dialog.remove_button.isEnabled(), "the sandbox cannot be removed"
    dialog.switch_button.click()
    assert chosen == [None]


async def test_the_account_in_use_cannot_be_switched_to_again(
    dialog_parts: tuple[AccountsDialog, AccountService, MemorySecretStore],
    demo_sandbox: SandboxServer,
    runner: AsyncRunner,
) -> None:
    dialog, _, _ = dialog_parts
    async with ZoomClient(sandbox_credentials(demo_sandbox.info)) as client:
        dialog.refresh(ActiveAccount(SANDBOX_LABEL, client, sandbox=demo_sandbox.info))
        await runner.wait_idle()
    dialog.list.setCurrentIndex(dialog.model.index(0, 0))
    assert not dialog.switch_button.isEnabled(), "the sandbox is the account in use"


async def test_without_a_keyring_the_sandbox_in_use_cannot_be_switched_to(
    qtbot: QtBot, app_paths: AppPaths, runner: AsyncRunner, demo_sandbox: SandboxServer
) -> None:
    secrets = KeyringSecretStore(backend=keyring.backends.null.Keyring())
    accounts = AccountService(PreferencesFile(app_paths.preferences_path), secrets)
    dialog = AccountsDialog(accounts, secrets, runner)
    qtbot.addWidget(dialog)
    chosen: list[object] = []
    dialog.switch_requested.connect(chosen.append)
    async with ZoomClient(sandbox_credentials(demo_sandbox.info)) as client:
        dialog.refresh(ActiveAccount(SANDBOX_LABEL, client, sandbox=demo_sandbox.info))
        await runner.wait_idle()
    assert "no secure password store" in dialog.keyring_note.text()
    assert dialog.list.currentIndex().row() == 0
    assert not dialog.switch_button.isEnabled(), "the sandbox is the account in use"
    assert "working in this account" in dialog.switch_button.toolTip()
    dialog.list.doubleClicked.emit(dialog.list.currentIndex())
    assert chosen == [], "a double-click must not reopen the account in use"


async def test_every_scope_is_one_unbroken_line_at_the_default_size(
    dialog_parts: tuple[AccountsDialog, AccountService, MemorySecretStore],
) -> None:
    dialog, _, _ = dialog_parts
    dialog.show()
    await asyncio.sleep(0.05)
    document = dialog.scopes.document()
    lines: set[str] = set()
    block = document.begin()
    while block.isValid():
        layout = block.layout()
        for n in range(layout.lineCount()):
            line = layout.lineAt(n)
            text = block.text()[line.textStart() : line.textStart() + line.textLength()]
            lines.add(text.strip("\u2028\n "))
        block = block.next()
    every = {scope for scopes in feature_scopes().values() for scope in scopes}
    assert every <= lines, f"wrapped: {sorted(every - lines)}"
    assert dialog.scopes.horizontalScrollBar().maximum() == 0, "a scope is cut off at the side"


def test_the_dialog_lists_scopes_for_every_feature() -> None:
    scopes = feature_scopes()
    assert set(scopes) == {
        "Tenants and hosts",
        "Sessions on a calendar",
        "License pool",
        "Recordings",
        "Host settings",
    }
    assert "user:write:user:admin" in scopes["Tenants and hosts"]
    assert "meeting:write:meeting:admin" in scopes["Sessions on a calendar"]
    assert all(scopes.values())


def test_accounts_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = AccountsModel()
    profiles = [
        AccountProfile(name="School", account_id="a1", client_id="c1"),
        AccountProfile(name="Clinic", account_id="a2", client_id="c2"),
    ]
    model.set_accounts(profiles, "Clinic", sandbox_active=False)
    qtmodeltester.check(model)
    assert model.index(2, 0).data() == "Zoom: Clinic  (in use)"


async def test_an_event_subscription_id_is_kept_with_zoom_s_websocket_address(
    dialog_parts: tuple[AccountsDialog, AccountService, MemorySecretStore],
    demo_sandbox: SandboxServer,
    runner: AsyncRunner,
) -> None:
    dialog, accounts, _ = dialog_parts
    _fill(dialog, demo_sandbox, demo_sandbox.info.client_secret)
    dialog.subscription_edit.setText(" sub-123 ")
    dialog.add_button.click()
    await runner.wait_idle()
    [profile] = await accounts.profiles()
    assert (profile.ws_url, profile.ws_subscription_id) == (DEFAULT_WS_URL, "sub-123")
    assert dialog.subscription_edit.text() == ""
