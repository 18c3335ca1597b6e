"""Account profiles: check credentials against Zoom, keep secrets in the keyring, switch, remove."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from zoomadmin.core.errors import AppError
from zoomadmin.core.profiles import AccountProfile
from zoomadmin.services.credentials import (
    SecretKind,
    SecretStore,
    acheck,
    adelete,
    aget,
    aset,
)
from zoomadmin.store.preferences import Preferences, PreferencesFile
from zoomadmin.zoom.auth import ZoomCredentials
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.models import ZoomUser

log = logging.getLogger(__name__)

ClientFactory = Callable[[ZoomCredentials], ZoomClient]


class AccountError(AppError):
    """A profile cannot be added, found or used; ``user_message`` says what to do."""


class AccountService:
    """The Zoom accounts zoomadmin knows: non-secret fields in preferences, secrets in a store.

    A profile is added only after its credentials worked (a token and ``GET /users/me``).
    """

    def __init__(
        self,
        preferences: PreferencesFile,
        secrets: SecretStore,
        *,
        client_factory: ClientFactory = ZoomClient,
    ) -> None:
        self._prefs = preferences
        self._secrets = secrets
        self._client_factory = client_factory

    def __repr__(self) -> str:
        return f"AccountService(preferences={self._prefs.path.name!r})"

    async def _load(self) -> Preferences:
        return await asyncio.to_thread(self._prefs.load)

    async def _save(self, prefs: Preferences) -> None:
        await asyncio.to_thread(self._prefs.save, prefs)

    async def profiles(self) -> list[AccountProfile]:
        """Every saved profile."""
        return list((await self._load()).profiles)

    async def active(self) -> AccountProfile | None:
        """The profile in use, or None for the sandbox."""
        return (await self._load()).active()

    async def verify(self, profile: AccountProfile, client_secret: str) -> ZoomUser:
        """Sign in with these credentials and return the user the app acts as."""
        credentials = _credentials(profile, client_secret)
        async with self._client_factory(credentials) as zoom:
            return await zoom.get_me()

    async def add(
        self,
        profile: AccountProfile,
        client_secret: str,
        webhook_secret: str | None = None,
    ) -> ZoomUser:
        """Check the credentials with Zoom, then store the secrets and save the profile.

        Raises the client's ZoomError (e.g. AuthenticationFailed) when Zoom refuses them,
        SecretStoreUnavailable when there is no secure keyring, AccountError for a
        duplicate name.
        """
        prefs = await self._load()
        if prefs.find_profile(profile.name) is not None:
            raise AccountError(f"An account profile called {profile.name!r} already exists.")
        await acheck(self._secrets)
        me = await self.verify(profile, client_secret)
        await aset(self._secrets, profile.name, SecretKind.CLIENT_SECRET, client_secret)
        if webhook_secret:
            await aset(self._secrets, profile.name, SecretKind.WEBHOOK_SECRET, webhook_secret)
        prefs.profiles = [*prefs.profiles, profile]
        await self._save(prefs)
        log.info("Added account profile %r (Zoom account %s)", profile.name, profile.account_id)
        return me

    async def test(self, name: str) -> ZoomUser:
        """Sign in with a saved profile (its secret from the keyring): the user it acts as."""
        credentials = await self.credentials(name)
        async with self._client_factory(credentials) as zoom:
            return await zoom.get_me()

    async def update(
        self,
        old_name: str,
        profile: AccountProfile,
        client_secret: str | None = None,
        webhook_secret: str | None = None,
    ) -> ZoomUser:
        """Change a saved profile (and rotate its secret when ``client_secret`` is given),
        checked with Zoom first; a renamed profile takes its keyring entries along."""
        prefs = await self._load()
        if prefs.find_profile(old_name) is None:
            raise AccountError(f"There is no account profile called {old_name!r}.")
        if profile.name != old_name and prefs.find_profile(profile.name) is not None:
            raise AccountError(f"An account profile called {profile.name!r} already exists.")
        secret = client_secret or (await self.credentials(old_name)).client_secret
        me = await self.verify(profile, secret)
        webhook = webhook_secret or await self.webhook_secret(old_name)
        if profile.name != old_name:
            for kind in SecretKind:
                await adelete(self._secrets, old_name, kind)
        await aset(self._secrets, profile.name, SecretKind.CLIENT_SECRET, secret)
        if webhook:
            await aset(self._secrets, profile.name, SecretKind.WEBHOOK_SECRET, webhook)
        prefs.profiles = [profile if p.name == old_name else p for p in prefs.profiles]
        if prefs.active_profile == old_name:
            prefs.active_profile = profile.name
        await self._save(prefs)
        log.info("Updated account profile %r", profile.name)
        return me

    async def switch(self, name: str | None) -> AccountProfile | None:
        """Make ``name`` the profile the app opens on (None: the sandbox)."""
        prefs = await self._load()
        profile = None if name is None else prefs.find_profile(name)
        if name is not None and profile is None:
            raise AccountError(f"There is no account profile called {name!r}.")
        prefs.active_profile = name
        await self._save(prefs)
        return profile

    async def remove(self, name: str) -> None:
        """Forget a profile and delete its secrets from the keyring."""
        prefs = await self._load()
        if prefs.find_profile(name) is None:
            raise AccountError(f"There is no account profile called {name!r}.")
        for kind in SecretKind:
            await adelete(self._secrets, name, kind)
        if prefs.active_profile == name:
            prefs.active_profile = None
        prefs.profiles = [p for p in prefs.profiles if p.name != name]
        await self._save(prefs)
        log.info("Removed account profile %r and its keyring entries", name)

    async def credentials(self, name: str) -> ZoomCredentials:
        """The credentials of a saved profile, its secret read from the keyring."""
        profile = (await self._load()).find_profile(name)
        if profile is None:
            raise AccountError(f"There is no account profile called {name!r}.")
        secret = await aget(self._secrets, name, SecretKind.CLIENT_SECRET)
        if not secret:
            raise AccountError(
                f"The client secret of account profile {name!r} is missing from the keyring. "
                "Enter it again in Settings."
            )
        return _credentials(profile, secret)

    async def webhook_secret(self, name: str) -> str | None:
        """The webhook secret token of a profile, if one was stored."""
        return await aget(self._secrets, name, SecretKind.WEBHOOK_SECRET)


def _credentials(profile: AccountProfile, client_secret: str) -> ZoomCredentials:
    return ZoomCredentials(
        account_id=profile.account_id,
        client_id=profile.client_id,
        client_secret=client_secret,
        api_url=profile.api_url,
        oauth_url=profile.oauth_url,
    )
