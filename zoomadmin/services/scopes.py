"""The Server-to-Server OAuth scopes each feature of zoomadmin needs."""

from __future__ import annotations

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
