"""Secrets kept out of every log line and message: registered values and known shapes."""

from __future__ import annotations

import re
import threading
import urllib.parse

REDACTED = "[redacted]"
# Shorter strings would redact ordinary words; no real credential is this short.
MIN_SECRET_LENGTH = 6

_SENSITIVE_KEYS = (
    r"access_token|refresh_token|id_token|client_secret|secret_token|password"
    # Signed storage links (a recording download's redirect): S3, CloudFront, the sandbox.
    r"|signature|x-amz-signature|x-amz-credential|x-amz-security-token|key-pair-id|policy"
)
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # Authorization header in any spelling: "Authorization: Basic x", {'authorization': 'x'}.
    (re.compile(r"""(authorization['"]?\s*[:=]\s*['"]?)[^'"\r\n,}]+""", re.I), r"\1" + REDACTED),
    # A bearer token wherever it appears.
    (re.compile(r"(bearer\s+)[A-Za-z0-9._~+/=-]+", re.I), r"\1" + REDACTED),
    # Query strings and form bodies: access_token=..., client_secret=...
    (re.compile(rf"\b({_SENSITIVE_KEYS})=[^&\s'\"]+", re.I), r"\1=" + REDACTED),
    # JSON and Python reprs: "access_token": "...", 'client_secret': '...'
    (
        re.compile(rf"""(['"]?\b(?:{_SENSITIVE_KEYS})['"]?\s*:\s*['"])[^'"]*""", re.I),
        r"\1" + REDACTED,
    ),
]

_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def register_secret(value: str) -> None:
    """Redact ``value`` (and its URL-encoded form) from every log record from now on."""
    if len(value) < MIN_SECRET_LENGTH:
        return
    with _secrets_lock:
        _secrets.add(value)
        _secrets.add(urllib.parse.quote(value, safe=""))


def unregister_secret(value: str) -> None:
    """Stop redacting ``value`` (its credentials were removed)."""
    with _secrets_lock:
        _secrets.discard(value)
        _secrets.discard(urllib.parse.quote(value, safe=""))


def redact(text: str) -> str:
    """``text`` with registered secrets and known credential shapes replaced by a marker."""
    with _secrets_lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        text = text.replace(secret, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
