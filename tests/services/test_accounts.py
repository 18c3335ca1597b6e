"""Account profiles: checked against the sandbox before saving; secrets only in the secret store."""

from __future__ import annotations

from pathlib import Path

import keyring.backends.null
import pytest

from zoomadmin.core.profiles import AccountProfile
from zoomadmin.sandbox import SandboxServer
from zoomadmin.services.accounts import AccountError, AccountService
from zoomadmin.services.credentials import (
    KeyringSecretStore,
    MemorySecretStore,
    SecretKind,
    SecretStoreUnavailable,
)
from zoomadmin.store.preferences import PreferencesFile
from zoomadmin.zoom.errors import AuthenticationFailed


def _profile(server: SandboxServer, name: str = "Acme school") -> AccountProfile:
    info = server.info
    return AccountProfile(
        name=name,
        account_id=info.account_id,
        client_id=info.client_id,
        api_url=info.api_url,
        oauth_url=info.oauth_url,
        ws_url=info.ws_url,
    )


@pytest.fixture
def prefs(tmp_path: Path) -> PreferencesFile:
    return PreferencesFile(tmp_path / "preferences.json")


async def test_add_checks_with_zoom_then_saves(
    sandbox: SandboxServer, prefs: PreferencesFile
) -> None:
    secrets = MemorySecretStore()
    service = AccountService(prefs, secrets)
    me = await service.add(_profile(sandbox), sandbox.info.client_secret, "hook-secret")
    assert me.email == sandbox.sandbox.config.owner_email
    assert [p.name for p in await service.profiles()] == ["Acme school"]
    assert secrets.get("Acme school", SecretKind.CLIENT_SECRET) == sandbox.info.client_secret
    assert await service.webhook_secret("Acme school") == "hook-secret"
    creds = await service.credentials("Acme school")
    assert creds.client_secret == sandbox.info.client_secret
    assert creds.api_url == sandbox.info.api_url
    text = prefs.path.read_text(encoding="utf-8")
    assert sandbox.info.client_secret not in text
    assert "hook-secret" not in text


async def test_wrong_secret_saves_nothing(sandbox: SandboxServer, prefs: PreferencesFile) -> None:
    secrets = MemorySecretStore()
    service = AccountService(prefs, secrets)
    with pytest.raises(AuthenticationFailed):
        await service.add(_profile(sandbox), "wrong-secret")
    assert await service.profiles() == []
    assert secrets.get("Acme school", SecretKind.CLIENT_SECRET) is None


async def test_duplicate_name_is_refused(sandbox: SandboxServer, prefs: PreferencesFile) -> None:
    service = AccountService(prefs, MemorySecretStore())
    await service.add(_profile(sandbox), sandbox.info.client_secret)
    with pytest.raises(AccountError, match="already exists"):
        await service.add(_profile(sandbox), sandbox.info.client_secret)


async def test_switch_and_remove_deletes_keyring_entries(
    sandbox: SandboxServer, prefs: PreferencesFile
) -> None:
    secrets = MemorySecretStore()
    service = AccountService(prefs, secrets)
    await service.add(_profile(sandbox), sandbox.info.client_secret, "hook")
    active = await service.switch("Acme school")
    assert active is not None and (await service.active()) == active
    await service.remove("Acme school")
    assert await service.active() is None
    assert await service.profiles() == []
    for kind in SecretKind:
        assert secrets.get("Acme school", kind) is None
    with pytest.raises(AccountError):
        await service.credentials("Acme school")
    with pytest.raises(AccountError):
        await service.switch("Acme school")


async def test_missing_keyring_secret_says_what_to_do(
    sandbox: SandboxServer, prefs: PreferencesFile
) -> None:
    secrets = MemorySecretStore()
    service = AccountService(prefs, secrets)
    await service.add(_profile(sandbox), sandbox.info.client_secret)
    secrets.delete("Acme school", SecretKind.CLIENT_SECRET)
    with pytest.raises(AccountError, match="missing from the keyring"):
        await service.credentials("Acme school")


async def test_no_secure_keyring_offers_only_the_sandbox(
    sandbox: SandboxServer, prefs: PreferencesFile
) -> None:
    store = KeyringSecretStore(backend=keyring.backends.null.Keyring())
    service = AccountService(prefs, store)
    with pytest.raises(SecretStoreUnavailable) as caught:
        await service.add(_profile(sandbox), sandbox.info.client_secret)
    assert "Only the built-in sandbox can be used" in caught.value.user_message
    assert await service.profiles() == []
    assert list(prefs.path.parent.iterdir()) == []
