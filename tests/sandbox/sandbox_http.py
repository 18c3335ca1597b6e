"""Helpers for sandbox tests: an authenticated httpx client against a running SandboxServer."""

from __future__ import annotations

import httpx

from zoomadmin.sandbox import SandboxServer


def token(server: SandboxServer) -> str:
    """A fresh access token from the sandbox's OAuth endpoint."""
    info = server.info
    answer = httpx.post(
        info.oauth_url,
        params={"grant_type": "account_credentials", "account_id": info.account_id},
        auth=(info.client_id, info.client_secret),
    )
    answer.raise_for_status()
    value: str = answer.json()["access_token"]
    return value


def client(server: SandboxServer) -> httpx.Client:
    """An httpx client on ``api_url`` carrying a Bearer token."""
    return httpx.Client(
        base_url=server.info.api_url,
        headers={"Authorization": f"Bearer {token(server)}"},
        timeout=10,
    )


def admin(server: SandboxServer) -> httpx.Client:
    """An httpx client on the admin API."""
    return httpx.Client(base_url=server.info.admin_url, timeout=10)
