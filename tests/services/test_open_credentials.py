"""Opening an account from given credentials (servers and CI): same opener, same runtime."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import SANDBOX_START
from zoomadmin.account.opener import AccountOpener
from zoomadmin.core.clock import AppClock
from zoomadmin.core.profiles import AccountProfile
from zoomadmin.jobs.lease import LeadershipLease, LocalLease
from zoomadmin.sandbox import SandboxServer
from zoomadmin.services.connection import (
    ConnectionService,
    ConnectionState,
    SandboxHandle,
    sandbox_credentials,
)
from zoomadmin.services.tenants import TenantDraft
from zoomadmin.store.db import open_database, sqlite_url
from zoomadmin.store.preferences import PreferencesFile
from zoomadmin.store.repositories import Store
from zoomadmin.zoom.auth import ZoomCredentials
from zoomadmin.zoom.errors import AuthenticationFailed


def _opener(
    tmp_path: Path, opened: list[AccountProfile | None], lease: LeadershipLease | None = None
) -> AccountOpener:
    async def no_keyring(profile: AccountProfile) -> ZoomCredentials:
        raise AssertionError("given credentials never read the keyring")

    def no_sandbox(speed: float) -> SandboxHandle:
        raise AssertionError("given credentials never start the embedded sandbox")

    def open_store(profile: AccountProfile | None) -> Store:
        opened.append(profile)
        return Store.over(open_database(sqlite_url(tmp_path / "account.sqlite3")))

    connection = ConnectionService(
        preferences=PreferencesFile(tmp_path / "preferences.json"),
        load_credentials=no_keyring,
        sandbox_factory=no_sandbox,
        clock=AppClock(),
    )
    return AccountOpener(
        connection, open_store=open_store, lease_for=lambda _p, _s: lease or LocalLease()
    )


async def test_given_credentials_open_with_a_separate_sandboxs_clock(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    sandbox.sandbox.clock.advance(timedelta(days=30))
    opened: list[AccountProfile | None] = []
    opener = _opener(tmp_path, opened)
    info = sandbox.info
    runtime = await opener.open_credentials(
        sandbox_credentials(info), label="CI account", admin_url=info.admin_url
    )
    try:
        assert opener.connection.state is ConnectionState.CONNECTED
        account = runtime.account
        assert account.label == "CI account" and not account.is_sandbox
        assert account.profile is not None and account.profile.account_id == info.account_id
        assert opened == [account.profile]
        assert account.owner is not None and account.owner.email
        # The sandbox's clock (frozen, a month ahead) is "now" for every service.
        assert runtime.clock.now() == SANDBOX_START + timedelta(days=30)
        tenant = await runtime.services.tenants.create(_draft())
        (entry,) = runtime.store.audit.entries(object_type="tenant", object_id=tenant.id)
        assert entry.at == SANDBOX_START + timedelta(days=30)
        # Nothing was saved as a profile, nor remembered as the account to open next.
        prefs = PreferencesFile(tmp_path / "preferences.json").load()
        assert prefs.profiles == [] and prefs.active_profile is None
    finally:
        await runtime.close()
        await opener.connection.close()


async def test_without_an_admin_url_real_time_is_now(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    opener = _opener(tmp_path, [])
    runtime = await opener.open_credentials(sandbox_credentials(sandbox.info), label="CI")
    try:
        assert not runtime.clock.follows_sandbox
    finally:
        await runtime.close()
        await opener.connection.close()


async def test_refused_credentials_fail_and_release_the_database(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    opened: list[AccountProfile | None] = []
    opener = _opener(tmp_path, opened)
    info = sandbox.info
    wrong = ZoomCredentials(
        account_id=info.account_id,
        client_id=info.client_id,
        client_secret="not-the-secret-at-all",
        api_url=info.api_url,
        oauth_url=info.oauth_url,
    )
    with pytest.raises(AuthenticationFailed):
        await opener.open_credentials(wrong, label="CI", admin_url=info.admin_url)
    assert opener.connection.state is ConnectionState.FAILED
    assert opener.connection.last_error
    assert not opener.connection.clock.follows_sandbox
    assert len(opened) == 1
    await opener.connection.close()


def _draft() -> TenantDraft:
    return TenantDraft(name="Acme", timezone="UTC", mailbox="ops", domain="acme.example")


async def test_the_jobs_follow_a_separate_sandboxs_clock_when_its_speed_changes(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """An agent opened while the sandbox's clock stood still: once the sandbox runs, the
    jobs' "now" runs with it and a job asleep until a sandbox time wakes at that time."""
    from zoomadmin.core.clock import sleep_until

    opener = _opener(tmp_path, [])
    info = sandbox.info
    runtime = await opener.open_credentials(
        sandbox_credentials(info), label="CI account", admin_url=info.admin_url
    )
    try:
        assert runtime.clock.speed == 0
        wake_at = runtime.clock.now() + timedelta(minutes=10)
        runtime.start()
        sleeper = asyncio.ensure_future(sleep_until(runtime.clock, wake_at))
        await asyncio.sleep(0.2)
        sandbox.sandbox.clock.set_speed(600)  # ten sandbox minutes a second, from outside
        await asyncio.wait_for(sleeper, 5)
        assert runtime.clock.speed == 600
    finally:
        sandbox.sandbox.clock.set_speed(0)
        await runtime.close()
        await opener.connection.close()


async def test_a_standby_follows_a_separate_sandboxs_clock_too(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A process that does not lead still follows the sandbox's clock, so the jobs it starts
    when it takes over run on the sandbox's time from their first step."""
    from zoomadmin.jobs.lease import FileLease

    held = FileLease(tmp_path / "held.lock")
    assert await held.acquire()
    opener = _opener(tmp_path, [], FileLease(tmp_path / "held.lock"))
    info = sandbox.info
    runtime = await opener.open_credentials(
        sandbox_credentials(info), label="CI account", admin_url=info.admin_url
    )
    try:
        runtime.start()
        sandbox.sandbox.clock.set_speed(60)
        for _ in range(50):
            if runtime.clock.speed == 60:
                break
            await asyncio.sleep(0.1)
        assert not runtime.supervisor.leading
        assert runtime.clock.speed == 60
    finally:
        sandbox.sandbox.clock.set_speed(0)
        await runtime.close()
        await opener.connection.close()
        await held.release()
