"""User settings, account settings and locked settings, with Zoom's lock semantics."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from zoomadmin.sandbox import errors, groups
from zoomadmin.sandbox.api import ApiRequest, ApiRoute
from zoomadmin.sandbox.errors import ZoomError, json_response, no_content
from zoomadmin.sandbox.ratelimit import MEDIUM
from zoomadmin.sandbox.routes_users import (
    publish_user_updated,
    require_own_account,
    require_user,
)
from zoomadmin.sandbox.state import SandboxState, User

_ACCOUNT_READ = ("account:read:admin", "account:read:settings:admin")
_LOCK_READ = ("account:read:admin", "account:read:lock_settings:admin")
_LOCK_WRITE = ("account:write:admin", "account:update:lock_settings:admin")


def _pending_refusal(user: User) -> None:
    if user.status == "pending":
        raise ZoomError(
            400, 1000, "You can not access settings of users that are still in pending state."
        )


def effective_settings(state: SandboxState, user: User) -> dict[str, dict[str, Any]]:
    """The user's settings with every locked group and account value applied."""
    return groups.effective_settings(state, user)


def merge_settings(
    state: SandboxState, user: User, patch: dict[str, Any], *, honour_locks: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Apply a settings PATCH in place; returns (changed, old) group trees.

    Zoom quirk (assumption, see FACTS §7): a setting locked by the account or the user's
    group is accepted with 204 but keeps the locked value.
    """
    changed: dict[str, Any] = {}
    old: dict[str, Any] = {}
    for group, values in patch.items():
        current = user.settings.get(group)
        if current is None or not isinstance(values, dict):
            continue  # unknown groups are ignored, as third-party clients expect
        for key, value in values.items():
            locked = honour_locks and groups.lock_holder(state, user, group, key) is not None
            if locked or current.get(key) == value:
                continue
            old.setdefault(group, {})[key] = current.get(key)
            changed.setdefault(group, {})[key] = value
            current[key] = value
    groups.note_user_change(state, user.id, changed)
    return changed, old


def get_user_settings(req: ApiRequest) -> Response:
    """GET /users/{userId}/settings."""
    user = require_user(req)
    _pending_refusal(user)
    return json_response(effective_settings(req.sandbox.state, user))


def patch_user_settings(req: ApiRequest) -> Response:
    """PATCH /users/{userId}/settings (204)."""
    user = require_user(req)
    _pending_refusal(user)
    changed, old = merge_settings(req.sandbox.state, user, req.body, honour_locks=True)
    if changed:
        publish_user_updated(req.sandbox, user.id, {"settings": changed}, {"settings": old})
    return no_content()


def get_account_settings(req: ApiRequest) -> Response:
    """GET /accounts/me/settings."""
    require_own_account(req)
    return json_response(req.sandbox.state.account_settings)


def get_lock_settings(req: ApiRequest) -> Response:
    """GET /accounts/me/lock_settings."""
    require_own_account(req)
    return json_response(req.sandbox.state.lock_settings)


def patch_lock_settings(req: ApiRequest) -> Response:
    """PATCH /accounts/me/lock_settings: booleans per leaf; unknown keys are ignored."""
    require_own_account(req)
    state = req.sandbox.state
    for group, values in req.body.items():
        locks = state.lock_settings.get(group)
        if locks is None or not isinstance(values, dict):
            continue
        for key, value in values.items():
            if key in locks:
                if not isinstance(value, bool):
                    raise errors.validation(f"{group}.{key}")
                locks[key] = value
    return no_content()


def plan_usage(req: ApiRequest) -> Response:
    """GET /accounts/me/plans/usage: ``plan_base`` {type, hosts, usage, pending}."""
    require_own_account(req)
    state = req.sandbox.state
    used = sum(1 for u in state.users.values() if u.type == 2)
    plan_type = {"free": "free", "pro": "monthly", "business": "annually"}[state.account.plan]
    return json_response(
        {
            "plan_base": {
                "type": plan_type,
                "hosts": state.account.paid_seats,
                "usage": used,
                "pending": 0,
            },
            "plan_recording": {"type": plan_type, "free_storage": "5 GB"},
        }
    )


SETTINGS_ROUTES: list[ApiRoute] = [
    ApiRoute(
        "/users/{userId}/settings",
        "GET",
        get_user_settings,
        MEDIUM,
        ("user:read:admin", "user:read:settings:admin"),
    ),
    ApiRoute(
        "/users/{userId}/settings",
        "PATCH",
        patch_user_settings,
        MEDIUM,
        ("user:write:admin", "user:update:settings:admin"),
    ),
    ApiRoute("/accounts/{accountId}/settings", "GET", get_account_settings, MEDIUM, _ACCOUNT_READ),
    ApiRoute("/accounts/{accountId}/lock_settings", "GET", get_lock_settings, MEDIUM, _LOCK_READ),
    ApiRoute(
        "/accounts/{accountId}/lock_settings", "PATCH", patch_lock_settings, MEDIUM, _LOCK_WRITE
    ),
    ApiRoute(
        "/accounts/{accountId}/plans/usage",
        "GET",
        plan_usage,
        MEDIUM,
        ("billing:read:plan_usage:admin", "account:read:admin"),
    ),
]
