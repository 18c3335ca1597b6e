"""``POST /oauth/token``: Server-to-Server OAuth (``grant_type=account_credentials``)."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response

from zoomadmin.sandbox.errors import json_response

if TYPE_CHECKING:
    from zoomadmin.sandbox.world import Sandbox


def _oauth_error(reason: str, error: str) -> Response:
    # Zoom quirk: the token endpoint answers 400 with an OAuth-style body, not {code, message}.
    return json_response({"reason": reason, "error": error}, 400)


def _same_client(given: tuple[str, str] | None, client_id: str, secret: str) -> bool:
    """Whether ``given`` is the account's client, compared in constant time."""
    if given is None:
        return False
    same_id = hmac.compare_digest(given[0].encode(), client_id.encode())
    return hmac.compare_digest(given[1].encode(), secret.encode()) and same_id


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None


async def _parameters(request: Request) -> dict[str, str]:
    """Query parameters, overlaid by a form (or JSON) body when one is sent."""
    values = dict(request.query_params)
    raw = (await request.body()).strip()
    if not raw:
        return values
    if raw.startswith(b"{"):
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):  # not JSON, or nested too deep to parse
            data = {}
        if isinstance(data, dict):
            # Only plain values can be parameters; a nested one is ignored, as a bad field is.
            scalars = (str, int, float, bool)
            values.update({k: str(v) for k, v in data.items() if isinstance(v, scalars)})
        return values
    text = raw.decode("utf-8", errors="replace")
    values.update(dict(parse_qsl(text, keep_blank_values=True)))
    return values


def token_endpoint(sandbox: Sandbox) -> Callable[[Request], Awaitable[Response]]:
    """The Starlette endpoint issuing access tokens for the sandbox account."""

    async def endpoint(request: Request) -> Response:
        params = await _parameters(request)
        account = sandbox.config
        credentials = _basic_credentials(request)
        if not _same_client(credentials, account.client_id, account.client_secret):
            return _oauth_error("Invalid client_id or client_secret", "invalid_client")
        if params.get("grant_type") != "account_credentials":
            return _oauth_error("unsupported grant type", "unsupported_grant_type")
        if params.get("account_id") != account.account_id:
            return _oauth_error("Invalid account_id", "invalid_request")
        token = sandbox.issue_token()
        return json_response(
            {
                "access_token": token.value,
                "token_type": "bearer",
                "expires_in": account.token_lifetime_seconds,
                "scope": " ".join(sorted(token.scopes)),
                "api_url": sandbox.base_url,
            }
        )

    return endpoint
