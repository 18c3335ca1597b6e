"""One TLS context for every HTTP client of the app.

httpx builds a fresh SSL context for each client it makes (loading certifi's, or
``SSL_CERT_FILE``'s, certificate authorities: 35-45 ms each time); an SSL context is meant
to be shared, so the app's clients all verify with the one made by the first of them.
"""

from __future__ import annotations

import ssl
import threading

import httpx

_lock = threading.Lock()
_context: ssl.SSLContext | None = None


def shared_ssl_context() -> ssl.SSLContext:
    """httpx's default verifying context (the same trust store as ``verify=True``), made
    once per process."""
    global _context  # noqa: PLW0603 - one context per process is the point
    with _lock:
        if _context is None:
            _context = httpx.create_ssl_context()
        return _context
