"""Which Zoom account the app is on (the embedded sandbox or a real one) and its clock."""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import httpx

from zoomadmin.core.clock import AppClock
from zoomadmin.core.errors import AppError
from zoomadmin.core.profiles import AccountProfile
from zoomadmin.store.preferences import PreferencesFile
from zoomadmin.zoom.auth import ZoomCredentials
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.errors import ZoomError, ZoomUnavailable
from zoomadmin.zoom.models import ZoomUser
from zoomadmin.zoom.tls import shared_ssl_context

log = logging.getLogger(__name__)

SANDBOX_LABEL = "Sandbox: demo account"
SANDBOX_SPEEDS = (1.0, 10.0, 60.0)
"""The speeds the status bar offers: real time, a demo hour in six minutes, in one minute."""


@dataclass(frozen=True)
class ClockReading:
    """The sandbox clock as its admin API reports it."""

    now: datetime
    speed: float


class SandboxAdmin:
    """The sandbox's admin API (``/_sandbox``): its clock, for the status bar and AppClock."""

    def __init__(self, admin_url: str, http: httpx.AsyncClient) -> None:
        self._url = admin_url.rstrip("/")
        self._http = http

    async def clock(self) -> ClockReading:
        """The sandbox's current time and speed."""
        return await self._call("GET", None)

    async def set_speed(self, speed: float) -> ClockReading:
        """Run the sandbox clock ``speed`` times as fast as real time."""
        return await self._call("POST", {"speed": speed})

    async def _call(self, method: str, body: dict[str, float] | None) -> ClockReading:
        try:
            response = await self._http.request(method, f"{self._url}/clock", json=body)
            response.raise_for_status()
            data = response.json()
            return ClockReading(datetime.fromisoformat(data["now"]), float(data["speed"]))
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            raise ZoomUnavailable(
                f"The sandbox's clock did not answer ({type(exc).__name__})."
            ) from None


class SandboxEndpoints(Protocol):
    """Where a running sandbox listens and how to sign in to it (``SandboxInfo``)."""

    @property
    def api_url(self) -> str: ...
    @property
    def oauth_url(self) -> str: ...
    @property
    def ws_url(self) -> str: ...
    @property
    def admin_url(self) -> str: ...
    @property
    def account_id(self) -> str: ...
    @property
    def client_id(self) -> str: ...
    @property
    def client_secret(self) -> str: ...
    @property
    def subscription_id(self) -> str: ...


def sandbox_credentials(info: SandboxEndpoints) -> ZoomCredentials:
    """The Server-to-Server OAuth credentials of a running sandbox's account."""
    return ZoomCredentials(
        account_id=info.account_id,
        client_id=info.client_id,
        client_secret=info.client_secret,
        api_url=info.api_url,
        oauth_url=info.oauth_url,
    )


async def owner_of(client: ZoomClient) -> ZoomUser:
    """The account owner (``GET /users/me``), which proves the client works; closes it if not."""
    try:
        return await client.get_me()
    except BaseException:
        await client.aclose()
        raise


class SandboxHandle(Protocol):
    """An in-process sandbox server: ``start()`` blocks until it listens."""

    def start(self) -> SandboxEndpoints: ...
    def stop(self) -> None: ...


SandboxFactory = Callable[[float], SandboxHandle]
"""Builds the embedded sandbox at a clock speed (app.py supplies ``SandboxServer``)."""
CredentialsLoader = Callable[[AccountProfile], Awaitable[ZoomCredentials]]
"""Reads a real profile's secret from the keyring and returns its credentials."""
ClientFactory = Callable[[ZoomCredentials, AccountProfile | None], Awaitable[ZoomClient]]
"""Builds the client of the account being opened (None: the sandbox), with its ledger."""


class ConnectionState(enum.Enum):
    """Where the connection to the active account stands, as the status bar shows it."""

    DISCONNECTED = "Not connected"
    CONNECTING = "Connecting…"
    CONNECTED = "Connected"
    FAILED = "Connection failed"


@dataclass(frozen=True)
class ActiveAccount:
    """The account the app works on now, with the client every service uses for it."""

    label: str
    client: ZoomClient
    profile: AccountProfile | None = None
    sandbox: SandboxEndpoints | None = None
    owner: ZoomUser | None = None

    @property
    def is_sandbox(self) -> bool:
        """Whether this is the embedded sandbox rather than a real Zoom account."""
        return self.sandbox is not None


class ConnectionService:
    """Opens the account named in the preferences, switches accounts and closes them.

    With no real profile active it starts the embedded sandbox (``sandbox_factory``) on a
    worker thread, so the window stays responsive while the demo world is seeded.
    Listeners get every :class:`ConnectionState` change.
    """

    def __init__(
        self,
        *,
        preferences: PreferencesFile,
        load_credentials: CredentialsLoader,
        sandbox_factory: SandboxFactory,
        clock: AppClock,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self._preferences = preferences
        self._load_credentials = load_credentials
        self._sandbox_factory = sandbox_factory
        self.clock = clock
        self._http = http or httpx.AsyncClient(timeout=10.0, verify=shared_ssl_context())
        self._sandbox: SandboxHandle | None = None
        self._admin: SandboxAdmin | None = None
        self._listeners: list[Callable[[ConnectionState], None]] = []
        self.state = ConnectionState.DISCONNECTED
        self.active: ActiveAccount | None = None
        self.last_error: str = ""

    def subscribe(self, listener: Callable[[ConnectionState], None]) -> None:
        """Call ``listener(state)`` on every state change."""
        self._listeners.append(listener)

    def _set_state(self, state: ConnectionState) -> None:
        self.state = state
        for listener in list(self._listeners):
            listener(state)

    async def connect(self) -> ActiveAccount:
        """Open the account the preferences name (the sandbox when none)."""
        return await self.switch(self._preferences.load().active_profile)

    async def switch(
        self,
        profile_name: str | None,
        *,
        remember: bool = True,
        client_for: ClientFactory | None = None,
    ) -> ActiveAccount:
        """Close the current account and open ``profile_name`` (None: the sandbox).

        ``remember`` makes it the account the next start opens on; ``client_for`` builds
        its client (the account runtime opens the account's database first, so the client
        counts meeting requests there from its first request).
        """

        def remembered() -> None:
            if remember:
                self._remember(profile_name)

        return await self._connect(
            lambda factory: self._open(profile_name, factory), client_for, remembered
        )

    async def open_credentials(
        self,
        credentials: ZoomCredentials,
        *,
        label: str,
        admin_url: str | None = None,
        client_for: ClientFactory | None = None,
    ) -> ActiveAccount:
        """Close the current account and open one from given credentials, not a saved profile.

        For servers and CI, where the credentials come from the environment and no keyring
        exists. The account gets a profile named ``label`` that is never saved (so its
        client and database are chosen as for a saved one). ``admin_url`` is a running
        sandbox's admin API (``/_sandbox``): its clock, stepped or fast, is then "now".
        """
        profile = AccountProfile(
            name=label,
            account_id=credentials.account_id,
            client_id=credentials.client_id,
            api_url=credentials.api_url,
            oauth_url=credentials.oauth_url,
        )

        async def opening(factory: ClientFactory) -> ActiveAccount:
            if admin_url:
                self._admin = SandboxAdmin(admin_url, self._http)
                await self.sync_clock()
            else:
                self.clock.use_real_time()
            client = await factory(credentials, profile)
            owner = await owner_of(client)
            return ActiveAccount(label, client, profile=profile, owner=owner)

        return await self._connect(opening, client_for, None)

    async def _connect(
        self,
        opening: Callable[[ClientFactory], Awaitable[ActiveAccount]],
        client_for: ClientFactory | None,
        then: Callable[[], None] | None,
    ) -> ActiveAccount:
        """Close the current account, run ``opening`` and track the state either way."""
        await self._close_active()
        self._set_state(ConnectionState.CONNECTING)
        try:
            account = await opening(client_for or self._plain_client)
        except Exception as exc:
            self.last_error = (
                exc.user_message
                if isinstance(exc, AppError)
                else "zoomadmin could not open the account (see the log)."
            )
            await self._close_active()
            self._set_state(ConnectionState.FAILED)
            raise
        self.active = account
        if then is not None:
            then()
        self._set_state(ConnectionState.CONNECTED)
        return account

    async def _plain_client(
        self, credentials: ZoomCredentials, _profile: AccountProfile | None
    ) -> ZoomClient:
        return ZoomClient(credentials, now=self.clock.now)

    async def _open(self, profile_name: str | None, client_for: ClientFactory) -> ActiveAccount:
        prefs = self._preferences.load()
        profile = None if profile_name is None else prefs.find_profile(profile_name)
        if profile_name is not None and profile is None:
            raise ZoomError(f"There is no account called {profile_name!r} any more.")
        if profile is None:
            return await self._open_sandbox(prefs.sandbox_speed, client_for)
        self.clock.use_real_time()
        client = await client_for(await self._load_credentials(profile), profile)
        owner = await owner_of(client)
        return ActiveAccount(f"Zoom: {profile.name}", client, profile=profile, owner=owner)

    async def _open_sandbox(self, speed: float, client_for: ClientFactory) -> ActiveAccount:
        server = self._sandbox_factory(speed)
        info = await asyncio.to_thread(server.start)
        self._sandbox = server
        self._admin = SandboxAdmin(info.admin_url, self._http)
        await self.sync_clock()
        client = await client_for(sandbox_credentials(info), None)
        owner = await owner_of(client)
        return ActiveAccount(SANDBOX_LABEL, client, sandbox=info, owner=owner)

    def _remember(self, profile_name: str | None) -> None:
        prefs = self._preferences.load()
        if prefs.active_profile != profile_name:
            prefs.active_profile = profile_name
            self._preferences.save(prefs)

    async def sync_clock(self) -> ClockReading | None:
        """Re-read the sandbox clock into :attr:`clock`; None on a real account."""
        if self._admin is None:
            return None
        reading = await self._admin.clock()
        self.clock.follow(reading.now, reading.speed)
        return reading

    async def set_sandbox_speed(self, speed: float) -> ClockReading:
        """Run the sandbox (and so the app's clock) at ``speed``; remembered for next time."""
        if self._admin is None:
            raise ZoomError("The clock speed can only be changed on the sandbox account.")
        reading = await self._admin.set_speed(speed)
        self.clock.follow(reading.now, reading.speed)
        prefs = self._preferences.load()
        prefs.sandbox_speed = speed
        self._preferences.save(prefs)
        return reading

    async def _close_active(self) -> None:
        account, self.active = self.active, None
        if account is not None:
            await account.client.aclose()
        server, self._sandbox, self._admin = self._sandbox, None, None
        if server is not None:
            await asyncio.to_thread(server.stop)
        self.clock.use_real_time()

    async def close(self) -> None:
        """Close the account, stop the sandbox and release connections (at quit)."""
        await self._close_active()
        await self._http.aclose()
        self._set_state(ConnectionState.DISCONNECTED)
