"""Which OAuth scopes each endpoint needs, so a call without one fails before it is sent."""

from __future__ import annotations

# (method, path template) -> scopes any one of which grants the call. The first is the
# granular scope Zoom's current apps use and the one we name when none is granted; the
# classic ``*:admin`` scopes of older apps are accepted too.
REQUIRED_SCOPES: dict[tuple[str, str], tuple[str, ...]] = {
    ("GET", "/users"): ("user:read:list_users:admin", "user:read:admin"),
    ("POST", "/users"): ("user:write:user:admin", "user:write:admin"),
    ("GET", "/users/email"): ("user:read:email:admin", "user:read:admin"),
    ("GET", "/users/summary"): ("user:read:summary:admin", "user:read:admin"),
    ("GET", "/users/{userId}"): ("user:read:user:admin", "user:read:admin"),
    ("PATCH", "/users/{userId}"): ("user:update:user:admin", "user:write:admin"),
    ("DELETE", "/users/{userId}"): ("user:delete:user:admin", "user:write:admin"),
    ("PUT", "/users/{userId}/status"): ("user:update:status:admin", "user:write:admin"),
    ("GET", "/users/{userId}/settings"): ("user:read:settings:admin", "user:read:admin"),
    ("PATCH", "/users/{userId}/settings"): ("user:update:settings:admin", "user:write:admin"),
    ("GET", "/accounts/me/lock_settings"): (
        "account:read:lock_settings:admin",
        "account:read:admin",
    ),
    ("GET", "/groups"): ("group:read:list_groups:admin", "group:read:admin"),
    ("POST", "/groups"): ("group:write:group:admin", "group:write:admin"),
    ("GET", "/groups/{groupId}"): ("group:read:group:admin", "group:read:admin"),
    ("DELETE", "/groups/{groupId}"): ("group:delete:group:admin", "group:write:admin"),
    ("GET", "/groups/{groupId}/members"): (
        "group:read:list_members:admin",
        "group:read:admin",
    ),
    ("POST", "/groups/{groupId}/members"): ("group:write:member:admin", "group:write:admin"),
    ("DELETE", "/groups/{groupId}/members/{memberId}"): (
        "group:delete:member:admin",
        "group:write:admin",
    ),
    ("GET", "/groups/{groupId}/settings"): ("group:read:settings:admin", "group:read:admin"),
    ("PATCH", "/groups/{groupId}/settings"): (
        "group:update:settings:admin",
        "group:write:admin",
    ),
    ("GET", "/groups/{groupId}/lock_settings"): (
        "group:read:lock_settings:admin",
        "group:read:admin",
    ),
    ("PATCH", "/groups/{groupId}/lock_settings"): (
        "group:update:lock_settings:admin",
        "group:write:admin",
    ),
    ("GET", "/accounts/me/plans/usage"): ("billing:read:plan_usage:admin", "account:read:admin"),
    ("POST", "/users/{userId}/meetings"): ("meeting:write:meeting:admin", "meeting:write:admin"),
    ("GET", "/users/{userId}/meetings"): (
        "meeting:read:list_meetings:admin",
        "meeting:read:admin",
    ),
    ("GET", "/meetings/{meetingId}"): ("meeting:read:meeting:admin", "meeting:read:admin"),
    ("PATCH", "/meetings/{meetingId}"): ("meeting:update:meeting:admin", "meeting:write:admin"),
    ("DELETE", "/meetings/{meetingId}"): ("meeting:delete:meeting:admin", "meeting:write:admin"),
    ("PUT", "/meetings/{meetingId}/status"): (
        "meeting:update:status:admin",
        "meeting:write:admin",
    ),
    ("GET", "/past_meetings/{meetingUUID}"): (
        "meeting:read:past_meeting:admin",
        "meeting:read:admin",
    ),
    ("GET", "/past_meetings/{meetingUUID}/participants"): (
        "meeting:read:list_past_participants:admin",
        "meeting:read:admin",
    ),
    ("GET", "/metrics/meetings"): (
        "dashboard:read:list_meetings:admin",
        "dashboard_meetings:read:admin",
    ),
    ("GET", "/users/{userId}/recordings"): (
        "cloud_recording:read:list_user_recordings:admin",
        "recording:read:admin",
        "cloud_recording:read:admin",
    ),
    ("GET", "/accounts/me/recordings"): (
        "cloud_recording:read:list_account_recordings:admin",
        "recording:read:admin",
        "cloud_recording:read:admin",
    ),
    ("GET", "/meetings/{meetingId}/recordings"): (
        "cloud_recording:read:list_recording_files:admin",
        "recording:read:admin",
        "cloud_recording:read:admin",
    ),
    ("DELETE", "/meetings/{meetingId}/recordings"): (
        "cloud_recording:delete:meeting_recording:admin",
        "recording:write:admin",
        "cloud_recording:write:admin",
    ),
    ("DELETE", "/meetings/{meetingId}/recordings/{recordingId}"): (
        "cloud_recording:delete:recording_file:admin",
        "recording:write:admin",
        "cloud_recording:write:admin",
    ),
    ("PUT", "/meetings/{meetingId}/recordings/status"): (
        "cloud_recording:update:recover_meeting_recordings:admin",
        "cloud_recording:update:recording_file_status:admin",
        "recording:write:admin",
        "cloud_recording:write:admin",
    ),
}


def parse_scopes(scope: str | None) -> frozenset[str]:
    """The set of scopes in a token answer's space-separated ``scope`` string."""
    return frozenset((scope or "").split())


def missing_scope(granted: frozenset[str], method: str, template: str) -> str | None:
    """The scope to name when ``granted`` allows none for this endpoint, else None.

    An empty grant (a token endpoint that reports no scopes) is not held against the
    call: Zoom itself then decides, and its 4711 answer maps to the same error.
    """
    needed = REQUIRED_SCOPES.get((method.upper(), template))
    if not needed or not granted:
        return None
    if granted.intersection(needed):
        return None
    return needed[0]
