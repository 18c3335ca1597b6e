"""Which account a command opens: the environment's, then ``--account NAME``, then the
sandbox; and what is refused on the way."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from cli_support import run_cli

from zoomadmin.core.profiles import AccountProfile
from zoomadmin.paths import DATABASE_NAME, AppPaths
from zoomadmin.sandbox import SandboxServer
from zoomadmin.services import credentials
from zoomadmin.services.credentials import MemorySecretStore, SecretKind
from zoomadmin.store.preferences import PreferencesFile


def _save_profile(basedir: Path, sandbox: SandboxServer, name: str) -> AccountProfile:
    info = sandbox.info
    profile = AccountProfile(
        name=name,
        account_id=info.account_id,
        client_id=info.client_id,
        api_url=info.api_url,
        oauth_url=info.oauth_url,
    )
    preferences = PreferencesFile(AppPaths.under(basedir).preferences_path)
    prefs = preferences.load()
    prefs.profiles = [profile]
    preferences.save(prefs)
    return profile


@pytest.fixture
def keyring(monkeypatch: pytest.MonkeyPatch) -> MemorySecretStore:
    """The OS keyring, as the command line reads it, in memory."""
    store = MemorySecretStore()
    monkeypatch.setattr(credentials, "KeyringSecretStore", lambda: store)
    return store


def test_a_saved_profile_opens_with_its_secret_from_the_keyring(
    sandbox: SandboxServer,
    tmp_path: Path,
    keyring: MemorySecretStore,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _save_profile(tmp_path, sandbox, "school")
    keyring.set("school", SecretKind.CLIENT_SECRET, sandbox.info.client_secret)
    result = run_cli(
        capsys, tmp_path, "--account", "school", "tenants", "add", "Acme", "--timezone", "UTC"
    )
    assert result.code == 0, result.err
    assert "Connecting to the Zoom account “school”" in result.err
    assert "First sync with Zoom" in result.err  # a never-synced account is synced first
    assert (AppPaths.under(tmp_path).account_dir("school") / DATABASE_NAME).exists()
    # The desktop still opens on what it opened on before (the sandbox).
    assert PreferencesFile(AppPaths.under(tmp_path).preferences_path).load().active_profile is None


def test_an_unknown_profile_is_refused_naming_the_saved_ones(
    sandbox: SandboxServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _save_profile(tmp_path, sandbox, "school")
    result = run_cli(capsys, tmp_path, "--account", "college", "hosts", "list", "--json")
    assert result.code == 1
    assert result.json["error"] == {
        "message": "There is no saved account called 'college'. Saved accounts: school.",
        "kind": "refusal",
    }


def test_a_profile_whose_secret_is_missing_says_to_enter_it_again(
    sandbox: SandboxServer,
    tmp_path: Path,
    keyring: MemorySecretStore,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _save_profile(tmp_path, sandbox, "school")
    result = run_cli(capsys, tmp_path, "--account", "school", "tenants", "list")
    assert result.code == 1
    assert "missing from the keyring" in result.err


def test_the_environment_comes_before_account(
    sandbox: SandboxServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    info = sandbox.info
    for name, value in {
        "ZOOMADMIN_ACCOUNT_ID": info.account_id,
        "ZOOMADMIN_CLIENT_ID": info.client_id,
        "ZOOMADMIN_CLIENT_SECRET": info.client_secret,
        "ZOOMADMIN_API_URL": info.api_url,
        "ZOOMADMIN_OAUTH_URL": info.oauth_url,
    }.items():
        monkeypatch.setenv(name, value)
    result = run_cli(capsys, tmp_path, "--account", "school", "tenants", "list", "--json")
    assert result.code == 0, result.err
    assert result.json == {"tenants": []}
    assert "--account school is ignored" in result.err
    assert not (AppPaths.under(tmp_path).data_root / "sandbox").exists()


@pytest.mark.parametrize(
    ("variables", "words"),
    [
        (
            {"ZOOMADMIN_CLIENT_ID": "cid", "ZOOMADMIN_CLIENT_SECRET": "s3cret-value"},
            "Set ZOOMADMIN_ACCOUNT_ID too",
        ),
        ({"ZOOMADMIN_ACCOUNT_ID": "acc", "ZOOMADMIN_CLIENT_ID": "cid"}, "has no client secret"),
        (
            {
                "ZOOMADMIN_ACCOUNT_ID": "acc",
                "ZOOMADMIN_CLIENT_ID": "cid",
                "ZOOMADMIN_CLIENT_SECRET": "s3cret-value",
                "ZOOMADMIN_CLIENT_SECRET_FILE": "/nonexistent",
            },
            "not both",
        ),
    ],
)
def test_incomplete_environment_credentials_are_refused_not_ignored(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variables: dict[str, str],
    words: str,
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    result = run_cli(capsys, tmp_path, "tenants", "list", "--json")
    assert result.code == 1
    assert result.json["error"]["kind"] == "refusal"
    assert words in result.json["error"]["message"]


def test_an_unreadable_secret_file_is_an_environment_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ZOOMADMIN_ACCOUNT_ID", "acc")
    monkeypatch.setenv("ZOOMADMIN_CLIENT_ID", "cid")
    monkeypatch.setenv("ZOOMADMIN_CLIENT_SECRET_FILE", str(tmp_path / "missing"))
    result = run_cli(capsys, tmp_path, "sync", "--json")
    assert result.code == 1
    assert result.json["error"]["kind"] == "environment"
    assert "ZOOMADMIN_CLIENT_SECRET_FILE" in result.json["error"]["message"]


async def test_the_sandbox_is_refused_while_another_process_has_it_open(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from zoomadmin.app import JOBS_LOCK_NAME, database_path
    from zoomadmin.jobs.lease import FileLease

    desktop = FileLease(database_path(AppPaths.under(tmp_path), None).with_name(JOBS_LOCK_NAME))
    assert await desktop.acquire()
    try:
        result = await asyncio.to_thread(run_cli, capsys, tmp_path, "tenants", "list", "--json")
    finally:
        await desktop.release()
    assert result.code == 1
    assert result.json["error"]["kind"] == "environment"
    assert result.json["error"]["message"].startswith("The sandbox is in use by zoomadmin on ")
