"""Server-to-Server OAuth: credentials that never show their secret, and a shared token."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from zoomadmin.core.redaction import register_secret
from zoomadmin.zoom.errors import ZoomUnavailable, oauth_error
from zoomadmin.zoom.scopes import parse_scopes

log = logging.getLogger(__name__)

ZOOM_API_URL = "https://api.zoom.us/v2"
ZOOM_OAUTH_URL = "https://zoom.us/oauth/token"
#: Renew when less than this many seconds are left (Zoom's own SDK uses 60).
RENEW_AHEAD_SECONDS = 60.0


@dataclass(frozen=True)
class ZoomCredentials:
    """One Server-to-Server OAuth app: where to call and how to sign in."""

    account_id: str
    client_id: str
    client_secret: str = field(repr=False)
    api_url: str = ZOOM_API_URL
    oauth_url: str = ZOOM_OAUTH_URL

    def __post_init__(self) -> None:
        # Whatever logs a request or an error from now on shows "[redacted]" in its place.
        register_secret(self.client_secret)


@dataclass(frozen=True)
class AccessToken:
    """A bearer token, its expiry (monotonic seconds) and the scopes it carries."""

    value: str = field(repr=False)
    expires_at: float
    scopes: frozenset[str]
    renew_at: float = 0.0


class TokenProvider:
    """Holds one access token in memory and renews it ahead of expiry, once for everyone.

    Many callers may ask at the same moment; only one token request goes out (an
    ``asyncio.Lock`` serialises renewal, and each waiter re-checks after it). ``invalidate``
    drops a token that Zoom refused, so the next caller renews it.
    """

    def __init__(
        self,
        credentials: ZoomCredentials,
        http: httpx.AsyncClient,
        *,
        clock: Callable[[], float] = time.monotonic,
        renew_ahead: float = RENEW_AHEAD_SECONDS,
    ) -> None:
        self._credentials = credentials
        self._http = http
        self._clock = clock
        self._renew_ahead = renew_ahead
        self._token: AccessToken | None = None
        self._lock = asyncio.Lock()
        self.renewals = 0

    def __repr__(self) -> str:
        return f"TokenProvider(account_id={self._credentials.account_id!r})"

    @property
    def scopes(self) -> frozenset[str]:
        """Scopes of the current token (empty before the first sign-in)."""
        return self._token.scopes if self._token else frozenset()

    def _fresh(self, token: AccessToken | None) -> bool:
        return token is not None and self._clock() < token.renew_at

    async def token(self) -> AccessToken:
        """A token valid for at least ``renew_ahead`` more seconds."""
        token = self._token
        if token is not None and self._fresh(token):
            return token
        async with self._lock:
            token = self._token
            if token is None or not self._fresh(token):
                token = await self._request_token()
                self._token = token
            return token

    async def bearer(self) -> str:
        """The raw token value, for an ``Authorization: Bearer`` header only."""
        return (await self.token()).value

    def renew_in(self) -> float | None:
        """Seconds until the current token is due for renewal (None before the first)."""
        return None if self._token is None else self._token.renew_at - self._clock()

    def invalidate(self, value: str | None = None) -> None:
        """Forget the token (only if it is still ``value``, when given)."""
        if value is None or (self._token is not None and self._token.value == value):
            self._token = None

    async def _request_token(self) -> AccessToken:
        creds = self._credentials
        started = self._clock()
        try:
            response = await self._http.post(
                creds.oauth_url,
                auth=(creds.client_id, creds.client_secret),
                data={"grant_type": "account_credentials", "account_id": creds.account_id},
            )
        except httpx.HTTPError as exc:
            raise ZoomUnavailable(
                f"Could not reach Zoom's sign-in service ({type(exc).__name__})."
            ) from None
        if response.status_code != 200:
            raise oauth_error(response)
        try:
            body = response.json()
            value = str(body["access_token"])
            register_secret(value)
            lifetime = float(body.get("expires_in", 3599))
        except (ValueError, KeyError, TypeError):
            raise ZoomUnavailable("Zoom's sign-in service gave an unreadable answer.") from None
        self.renewals += 1
        log.info("Signed in to Zoom account %s (token valid %.0f s)", creds.account_id, lifetime)
        # A short-lived token (tests, the sandbox) renews at three quarters of its life.
        ahead = min(self._renew_ahead, lifetime / 4)
        expires_at = started + lifetime
        scopes = parse_scopes(body.get("scope"))
        return AccessToken(value, expires_at, scopes, renew_at=expires_at - ahead)
