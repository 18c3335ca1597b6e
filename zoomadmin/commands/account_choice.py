"""Which account a command works on: the environment's credentials, a saved profile, or the
sandbox; and opening it through the same :class:`AccountOpener` as the desktop."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from zoomadmin.core.errors import AppError, EnvironmentFault
from zoomadmin.core.profiles import DEFAULT_API_URL, DEFAULT_OAUTH_URL
from zoomadmin.core.redaction import register_secret
from zoomadmin.paths import DATABASE_NAME, AppPaths

if TYPE_CHECKING:
    from zoomadmin.account.opener import AccountOpener, LeaseFor
    from zoomadmin.account.runtime import AccountRuntime
    from zoomadmin.core.profiles import AccountProfile
    from zoomadmin.services.connection import SandboxHandle
    from zoomadmin.store.repositories import Store
    from zoomadmin.zoom.auth import ZoomCredentials

ACCOUNT_ID = "ZOOMADMIN_ACCOUNT_ID"
CLIENT_ID = "ZOOMADMIN_CLIENT_ID"
CLIENT_SECRET = "ZOOMADMIN_CLIENT_SECRET"  # noqa: S105 - the variable's name, not a secret
CLIENT_SECRET_FILE = "ZOOMADMIN_CLIENT_SECRET_FILE"  # noqa: S105 - a variable's name
API_URL = "ZOOMADMIN_API_URL"
OAUTH_URL = "ZOOMADMIN_OAUTH_URL"
SANDBOX_ADMIN_URL = "ZOOMADMIN_SANDBOX_ADMIN_URL"
#: Any of these set means "use the environment's account" (a missing one is then an error,
#: never a quiet fall-back to the sandbox).
CREDENTIAL_VARIABLES = (ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET, CLIENT_SECRET_FILE)
BY_ACCOUNT_ID = "by-account-id"
"""Under the data folder: one folder per Zoom account id opened from the environment."""

Progress = Callable[[str], None]


class AccountChoiceError(AppError):
    """The account to use is not set up the way the command needs."""


class SandboxInUse(EnvironmentFault):
    """Another process (the desktop app) has the embedded sandbox open."""


class SecretFileError(EnvironmentFault):
    """The file named by ``ZOOMADMIN_CLIENT_SECRET_FILE`` cannot be read."""


@dataclass(frozen=True)
class EnvironmentAccount:
    """An account given by environment variables (servers and CI)."""

    credentials: ZoomCredentials
    admin_url: str | None = None
    """A separately started sandbox's admin API: its clock is "now"."""

    @property
    def label(self) -> str:
        """How the command line names the account."""
        kind = "Sandbox" if self.admin_url else "Zoom"
        return f"{kind}: account {self.credentials.account_id} (from the environment)"


def environment_account(environ: Mapping[str, str]) -> EnvironmentAccount | None:
    """The account the environment variables give (None when none of them is set)."""
    given = {name: environ.get(name, "").strip() for name in CREDENTIAL_VARIABLES}
    if not any(given.values()):
        return None
    secret = _secret(given[CLIENT_SECRET], given[CLIENT_SECRET_FILE])
    missing = [name for name in (ACCOUNT_ID, CLIENT_ID) if not given[name]]
    if missing:
        raise AccountChoiceError(
            f"Set {' and '.join(missing)} too: an account from the environment needs "
            f"{ACCOUNT_ID}, {CLIENT_ID} and {CLIENT_SECRET} (or {CLIENT_SECRET_FILE})."
        )
    from zoomadmin.zoom.auth import ZoomCredentials

    credentials = ZoomCredentials(
        account_id=given[ACCOUNT_ID],
        client_id=given[CLIENT_ID],
        client_secret=secret,
        api_url=environ.get(API_URL, "").strip() or DEFAULT_API_URL,
        oauth_url=environ.get(OAUTH_URL, "").strip() or DEFAULT_OAUTH_URL,
    )
    return EnvironmentAccount(credentials, environ.get(SANDBOX_ADMIN_URL, "").strip() or None)


def _secret(value: str, file_name: str) -> str:
    """The client secret from its variable or its file; registered for redaction at once."""
    if value and file_name:
        raise AccountChoiceError(f"Set {CLIENT_SECRET} or {CLIENT_SECRET_FILE}, not both.")
    if file_name:
        try:
            value = Path(file_name).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise SecretFileError(
                f"The client secret file {file_name} cannot be read "
                f"({type(exc).__name__}); check {CLIENT_SECRET_FILE}."
            ) from None
    if not value:
        raise AccountChoiceError(
            f"Set {CLIENT_SECRET} or {CLIENT_SECRET_FILE}: the account from the environment "
            "has no client secret."
        )
    register_secret(value)
    return value


def credentials_database_path(paths: AppPaths, account_id: str) -> Path:
    """The database of an account opened from the environment: one per Zoom account id."""
    folder = re.sub(r"[^A-Za-z0-9_.-]", "_", account_id)
    directory = paths.data_root / BY_ACCOUNT_ID / folder
    directory.mkdir(parents=True, exist_ok=True)
    return directory / DATABASE_NAME


@dataclass(frozen=True)
class AccountChoice:
    """The account a command works on, by the documented precedence."""

    environment: EnvironmentAccount | None
    profile: str | None
    """A saved profile's name (``--account``); None with neither: the sandbox."""

    @property
    def is_embedded_sandbox(self) -> bool:
        """Whether the command runs the embedded sandbox (its demo account)."""
        return self.environment is None and self.profile is None


def choose_account(profile: str | None, environ: Mapping[str, str], say: Progress) -> AccountChoice:
    """Environment variables first, then ``--account NAME``, else the embedded sandbox."""
    environment = environment_account(environ)
    if environment is not None and profile is not None:
        say(f"Using the account from the ZOOMADMIN_ variables; --account {profile} is ignored.")
        profile = None
    return AccountChoice(environment, profile)


class _AccountWorld:
    """The pieces the command line builds for one account (the desktop's equivalents)."""

    def __init__(
        self, paths: AppPaths, choice: AccountChoice, options: OpenOptions | None = None
    ) -> None:
        from zoomadmin.services.accounts import AccountService
        from zoomadmin.services.credentials import KeyringSecretStore
        from zoomadmin.store.preferences import PreferencesFile

        self.paths = paths
        self.choice = choice
        self.options = options or OpenOptions()
        self.preferences = PreferencesFile(paths.preferences_path)
        self.accounts = AccountService(self.preferences, KeyringSecretStore())

    def opener(self) -> AccountOpener:
        """The account opener, with this account's database, sandbox and keyring."""
        from zoomadmin.account.opener import AccountOpener
        from zoomadmin.core.clock import AppClock
        from zoomadmin.jobs.lease import LocalLease
        from zoomadmin.services.connection import ConnectionService
        from zoomadmin.tab_wiring import demo_tenants

        connection = ConnectionService(
            preferences=self.preferences,
            load_credentials=self._credentials,
            sandbox_factory=self._sandbox,
            clock=AppClock(),
        )
        return AccountOpener(
            connection,
            open_store=self._open_store,
            # One-shot commands run no jobs. (The embedded sandbox's jobs lease is held
            # for the whole command all the same: see _sandbox_to_ourselves.)
            lease_for=self.options.lease_for or (lambda _account, _store: LocalLease()),
            demo_tenants=demo_tenants() if self.choice.is_embedded_sandbox else (),
            downloads_dir=self.options.downloads_dir,
        )

    def _database(self, profile: AccountProfile | None) -> Path:
        environment = self.choice.environment
        if environment is not None:
            return credentials_database_path(self.paths, environment.credentials.account_id)
        return self.paths.account_database(profile.name if profile else None)

    def _open_store(self, profile: AccountProfile | None) -> Store:
        from zoomadmin.store.db import open_database, sqlite_url
        from zoomadmin.store.repositories import Store

        url = self.options.database_url
        if url is None or self.choice.is_embedded_sandbox:
            # The embedded sandbox is this machine's own: its database stays beside it.
            url = sqlite_url(self._database(profile))
        return Store.over(open_database(url))

    def _sandbox(self, speed: float) -> SandboxHandle:
        from zoomadmin.warmup import embedded_sandbox

        # The desktop's embedded sandbox: the same demo account and state file.
        return embedded_sandbox(self.paths, speed)

    async def _credentials(self, profile: AccountProfile) -> ZoomCredentials:
        # A missing secret or keyring is an AppError the command reports (exit 1).
        return await self.accounts.credentials(profile.name)

    async def check_profile(self) -> None:
        """Refuse an unknown ``--account`` name in words that list the saved ones."""
        name = self.choice.profile
        if name is None:
            return
        names = [p.name for p in await self.accounts.profiles()]
        if name not in names:
            saved = ", ".join(names) if names else "none yet (add one in the app's Settings)"
            raise AccountChoiceError(
                f"There is no saved account called {name!r}. Saved accounts: {saved}."
            )


@dataclass(frozen=True)
class OpenOptions:
    """How a command-line process opens its account beyond the account itself."""

    database_url: str | None = None
    """A shared database (``--database-url``): not the account's SQLite file."""
    lease_for: LeaseFor | None = None
    """The jobs lease (the agent's); one-shot commands run no jobs."""
    downloads_dir: Path | None = None
    """Where recordings are downloaded (the agent's ``--recordings-dir``)."""


@contextlib.asynccontextmanager
async def opened_account(
    paths: AppPaths, choice: AccountChoice, say: Progress, options: OpenOptions | None = None
) -> AsyncIterator[AccountRuntime]:
    """The chosen account's runtime (its jobs not started); closed with its client after.

    On a shared database its changes reach the other processes (and theirs reach it).
    """
    world = _AccountWorld(paths, choice, options)
    await world.check_profile()
    async with contextlib.AsyncExitStack() as stack:
        if choice.is_embedded_sandbox:
            await stack.enter_async_context(_sandbox_to_ourselves(paths))
        opener = world.opener()
        stack.push_async_callback(opener.connection.close)
        runtime = await _open(opener, choice, say)
        stack.push_async_callback(runtime.close)
        runtime.share_changes()
        yield runtime


@contextlib.asynccontextmanager
async def _sandbox_to_ourselves(paths: AppPaths) -> AsyncIterator[None]:
    """Hold the embedded sandbox's jobs lease while the command runs.

    The desktop holds it while it is open on the sandbox: two processes running the same
    sandbox state file would overwrite each other's changes.
    """
    from zoomadmin.jobs.lease import FileLease

    lease = FileLease(paths.jobs_lock(None))
    if not await lease.acquire():
        holder = await lease.holder()
        raise SandboxInUse(
            f"The sandbox is in use by {holder.describe() if holder else 'another zoomadmin'}."
            " Close it first, or run `zoomadmin sandbox serve` and point the ZOOMADMIN_ "
            "variables at it (docs/cli.md)."
        )
    try:
        yield
    finally:
        await lease.release()


async def _open(opener: AccountOpener, choice: AccountChoice, say: Progress) -> AccountRuntime:
    environment = choice.environment
    if environment is not None:
        say(f"Connecting to {environment.label}…")
        return await opener.open_credentials(
            environment.credentials, label=environment.label, admin_url=environment.admin_url
        )
    if choice.profile is not None:
        say(f"Connecting to the Zoom account “{choice.profile}”…")
        return await opener.open(choice.profile, remember=False)
    say("Starting the sandbox (demo account)…")
    return await opener.open(None, remember=False)
