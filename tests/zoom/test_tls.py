"""Every client of the app verifies TLS with one shared context, built once."""

from __future__ import annotations

import ssl

import httpx

from zoomadmin.zoom.auth import ZoomCredentials
from zoomadmin.zoom.tls import shared_ssl_context
from zoomadmin.zoom.transport import Transport


def _context_of(client: httpx.AsyncClient) -> ssl.SSLContext:
    context: ssl.SSLContext = client._transport._pool._ssl_context  # type: ignore[attr-defined]
    return context


async def test_clients_share_one_verifying_context() -> None:
    context = shared_ssl_context()
    assert shared_ssl_context() is context
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
    credentials = ZoomCredentials(account_id="a", client_id="c", client_secret="s")
    first, second = Transport(credentials), Transport(credentials)
    try:
        assert _context_of(first.http) is context
        assert _context_of(second.http) is context
    finally:
        await first.aclose()
        await second.aclose()
