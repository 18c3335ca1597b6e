"""OAuth token endpoint and Bearer checks on /v2, over a real loopback socket."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sandbox_http import admin, token

from zoomadmin.sandbox import SandboxServer


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(speed=0) as running:
        yield running


def _grant(server: SandboxServer, **kwargs: object) -> httpx.Response:
    return httpx.post(server.info.oauth_url, **kwargs)  # type: ignore[arg-type]


def test_token_from_query_string(server: SandboxServer) -> None:
    info = server.info
    answer = _grant(
        server,
        params={"grant_type": "account_credentials", "account_id": info.account_id},
        auth=(info.client_id, info.client_secret),
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3599
    assert "meeting:write:admin" in body["scope"].split(" ")
    assert body["api_url"] == info.api_url.removesuffix("/v2")
    assert answer.headers["x-zm-trackingid"]


def test_token_from_form_body(server: SandboxServer) -> None:
    info = server.info
    answer = _grant(
        server,
        data={"grant_type": "account_credentials", "account_id": info.account_id},
        auth=(info.client_id, info.client_secret),
    )
    assert answer.status_code == 200
    assert answer.json()["access_token"]


def test_token_with_query_and_empty_json_body_chunked(server: SandboxServer) -> None:
    info = server.info

    def chunks() -> Iterator[bytes]:
        yield b"{"
        yield b"}"

    answer = _grant(
        server,
        params={"grant_type": "account_credentials", "account_id": info.account_id},
        auth=(info.client_id, info.client_secret),
        content=chunks(),
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 200


def test_bad_client_secret(server: SandboxServer) -> None:
    info = server.info
    answer = _grant(
        server,
        params={"grant_type": "account_credentials", "account_id": info.account_id},
        auth=(info.client_id, "wrong"),
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "reason": "Invalid client_id or client_secret",
        "error": "invalid_client",
    }


def test_bad_grant(server: SandboxServer) -> None:
    info = server.info
    answer = _grant(
        server,
        params={"grant_type": "password", "account_id": info.account_id},
        auth=(info.client_id, info.client_secret),
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == "unsupported_grant_type"


def test_missing_and_unknown_token(server: SandboxServer) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}):
        answer = httpx.get(server.info.api_url + "/users/me", headers=headers)
        assert answer.status_code == 401
        assert answer.json() == {"code": 124, "message": "Invalid access token."}
        assert answer.headers["x-zm-trackingid"]
        assert answer.headers["x-ratelimit-category"] == "Light"


def test_token_in_query_refused(server: SandboxServer) -> None:
    answer = httpx.get(server.info.api_url + "/users/me", params={"access_token": token(server)})
    assert answer.status_code == 401
    assert answer.json()["code"] == 124
    assert "not supported as query parameter string" in answer.json()["message"]


def test_expired_token() -> None:
    with SandboxServer(speed=0, token_lifetime=60) as server:
        value = token(server)
        headers = {"Authorization": f"Bearer {value}"}
        assert httpx.get(server.info.api_url + "/users/me", headers=headers).status_code == 200
        server.sandbox.clock.advance(timedelta(seconds=61))
        answer = httpx.get(server.info.api_url + "/users/me", headers=headers)
        assert answer.status_code == 401
        assert answer.json() == {"code": 124, "message": "Access token is expired."}


def test_reduced_scopes_give_4711() -> None:
    with SandboxServer(speed=0) as server:
        with admin(server) as adm:
            adm.patch("/config", json={"scopes": ["user:read:admin"]}).raise_for_status()
        headers = {"Authorization": f"Bearer {token(server)}"}
        assert httpx.get(server.info.api_url + "/users", headers=headers).status_code == 200
        answer = httpx.post(server.info.api_url + "/users", headers=headers, json={})
        assert answer.status_code == 400
        assert answer.json()["code"] == 4711
        assert answer.json()["message"] == (
            "Invalid access token, does not contain scopes:[user:write:user:admin]."
        )


def test_unknown_path_is_zoom_shaped(server: SandboxServer) -> None:
    answer = httpx.get(server.info.api_url + "/no/such/thing")
    assert answer.status_code == 404
    assert answer.json()["code"] == 404
