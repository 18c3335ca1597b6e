"""The Server-to-Server OAuth scopes each feature needs, as Settings → Accounts lists them."""

from __future__ import annotations

import html

from zoomadmin.zoom.scopes import REQUIRED_SCOPES

FEATURE_ENDPOINTS: dict[str, list[tuple[str, str]]] = {
    "Tenants and hosts": [
        ("GET", "/users"),
        ("POST", "/users"),
        ("GET", "/users/email"),
        ("GET", "/users/{userId}"),
        ("PATCH", "/users/{userId}"),
    ],
    "Sessions on a calendar": [
        ("POST", "/users/{userId}/meetings"),
        ("GET", "/users/{userId}/meetings"),
        ("GET", "/meetings/{meetingId}"),
        ("PATCH", "/meetings/{meetingId}"),
        ("DELETE", "/meetings/{meetingId}"),
    ],
    "License pool": [
        ("PATCH", "/users/{userId}"),
        ("GET", "/users/summary"),
        ("GET", "/accounts/me/plans/usage"),
        ("GET", "/metrics/meetings"),
    ],
    "Recordings": [
        ("GET", "/accounts/me/recordings"),
        ("GET", "/meetings/{meetingId}/recordings"),
        ("DELETE", "/meetings/{meetingId}/recordings"),
    ],
    "Host settings": [
        ("GET", "/users/{userId}/settings"),
        ("PATCH", "/users/{userId}/settings"),
        ("GET", "/accounts/me/lock_settings"),
    ],
}
"""Which endpoints each feature calls; their scopes come from the client's table."""


def feature_scopes() -> dict[str, list[str]]:
    """The granular Server-to-Server OAuth scopes each feature needs, without repeats."""
    result: dict[str, list[str]] = {}
    for feature, endpoints in FEATURE_ENDPOINTS.items():
        scopes = [REQUIRED_SCOPES[e][0] for e in endpoints if e in REQUIRED_SCOPES]
        result[feature] = list(dict.fromkeys(scopes))
    return result


def scopes_html(mono_family: str = "monospace") -> str:
    """The scope list as the dialog shows it: each scope one unbroken line, to copy whole."""
    style = f"font-family: '{html.escape(mono_family)}'; white-space: pre; margin-top: 2px"
    items = "".join(
        f"<p style='margin-bottom: 0'><b>{html.escape(feature)}</b></p>"
        f'<pre style="{style}">{html.escape(chr(10).join(scopes))}</pre>'
        for feature, scopes in feature_scopes().items()
    )
    return (
        "<p>Create a <b>Server-to-Server OAuth</b> app in the Zoom App Marketplace and add "
        "these scopes (older apps may use the classic <tt>user:read:admin</tt>-style scopes "
        "instead):</p>" + items
    )
