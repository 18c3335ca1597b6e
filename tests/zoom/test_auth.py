"""Server-to-Server OAuth against the sandbox: one token for many callers, renewal, scopes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.zoom.conftest import add_users, client_for, credentials_of
from zoomadmin.sandbox import SandboxServer
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.errors import AuthenticationFailed, MissingScope


def _access_tokens(server: SandboxServer) -> int:
    return sum(1 for t in server.sandbox.state.tokens.values() if t.kind == "access")


async def test_many_callers_share_one_token_request(sandbox: SandboxServer) -> None:
    before = _access_tokens(sandbox)
    async with client_for(sandbox) as zoom:
        users = await asyncio.gather(*(zoom.get_me() for _ in range(40)))
    assert {u.id for u in users} == {users[0].id}
    assert zoom.tokens.renewals == 1
    assert _access_tokens(sandbox) == before + 1


async def test_token_expiring_mid_job_is_renewed_transparently(
    sandbox: SandboxServer, admin: Callable[..., dict[str, Any]]
) -> None:
    admin("PATCH", "/config", json={"token_lifetime_seconds": 600})
    ids = set(add_users(sandbox, 650))
    seen: list[str] = []
    async with client_for(sandbox) as zoom:
        async for user in zoom.iter_users():
            seen.append(user.id)
            if len(seen) in (1, 400):
                # Zoom's clock moves past the token's hour while the job runs.
                sandbox.sandbox.clock.advance(timedelta(seconds=700))
        assert zoom.tokens.renewals == 3
        assert zoom.transport.stats.unauthorized == 2
    assert ids <= set(seen)
    assert len(seen) == len(set(seen))


async def test_token_is_renewed_ahead_of_expiry(sandbox: SandboxServer) -> None:
    offset = [0.0]
    async with client_for(sandbox) as zoom:
        zoom.tokens._clock = lambda: time.monotonic() + offset[0]
        await zoom.get_me()
        offset[0] = 3599 - 30  # 30 s left: less than the 60 s margin
        sandbox.sandbox.clock.advance(timedelta(seconds=3599 - 30))
        await zoom.get_me()
        assert zoom.tokens.renewals == 2
        assert zoom.transport.stats.unauthorized == 0


async def test_wrong_secret_is_authentication_failed(sandbox: SandboxServer) -> None:
    wrong = "definitely-not-the-secret-1234"
    async with ZoomClient(credentials_of(sandbox, secret=wrong)) as zoom:
        with pytest.raises(AuthenticationFailed) as caught:
            await zoom.get_me()
    assert "client secret" in caught.value.user_message
    assert wrong not in str(caught.value)
    assert wrong not in repr(caught.value)
    assert sandbox.info.client_secret not in repr(credentials_of(sandbox))


async def test_missing_scope_fails_before_sending(
    sandbox: SandboxServer, admin: Callable[..., dict[str, Any]]
) -> None:
    admin("PATCH", "/config", json={"scopes": ["user:read:user:admin"]})
    async with client_for(sandbox) as zoom:
        await zoom.get_me()
        sent = zoom.transport.stats.requests
        with pytest.raises(MissingScope) as caught:
            await zoom.list_users_page()
        assert zoom.transport.stats.requests == sent
    assert caught.value.scope == "user:read:list_users:admin"
    assert "user:read:list_users:admin" in caught.value.user_message


async def test_zoom_4711_becomes_missing_scope(
    sandbox: SandboxServer, admin: Callable[..., dict[str, Any]]
) -> None:
    admin("PATCH", "/config", json={"scopes": ["user:read:user:admin"]})
    async with client_for(sandbox) as zoom:
        # An endpoint without a typed method: only Zoom knows its scopes.
        with pytest.raises(MissingScope) as caught:
            await zoom.request("GET", "/accounts/me/settings")
    assert caught.value.code == 4711
    assert caught.value.scope.startswith("account:")


async def test_a_token_refused_again_after_renewal_is_retried_only_once(
    sandbox: SandboxServer,
) -> None:
    tokens = sandbox.sandbox.state.tokens

    async def revoke(request: httpx.Request) -> None:
        # Zoom revokes every token the moment it is used (an app deactivated, say).
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        tokens.pop(bearer, None)

    http = httpx.AsyncClient(event_hooks={"request": [revoke]})
    async with client_for(sandbox, http=http) as zoom:
        with pytest.raises(AuthenticationFailed) as caught:
            await zoom.get_me()
        assert zoom.transport.stats.requests == 2  # the call and one retry
        assert zoom.transport.stats.unauthorized == 1
        assert zoom.tokens.renewals == 2
    await http.aclose()
    assert (caught.value.http_status, caught.value.code) == (401, 124)
