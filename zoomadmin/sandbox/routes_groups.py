"""Groups as Zoom serves them: the groups, their members, their settings and lock settings."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from zoomadmin.sandbox import errors
from zoomadmin.sandbox.api import ApiRequest, ApiRoute
from zoomadmin.sandbox.errors import ZoomError, json_response, no_content
from zoomadmin.sandbox.groups import (
    Group,
    add_member,
    delete_group,
    new_group,
    patch_group_settings,
    patch_tree,
    remove_member,
)
from zoomadmin.sandbox.ratelimit import LIGHT, MEDIUM
from zoomadmin.sandbox.state import User, random_id
from zoomadmin.sandbox.wire import page

_READ = ("group:read:admin", "group:read:list_groups:admin")
_WRITE = ("group:write:admin", "group:write:group:admin")
#: Zoom caps one "add members" request at 30 users (openapi.v2.json, groupMembersCreate).
MAX_MEMBERS_PER_ADD = 30


def require_group(req: ApiRequest) -> Group:
    """The group named by the path or Zoom's 404/4130 "Group not exist"."""
    group_id = req.params["groupId"]
    group = req.sandbox.state.groups.groups.get(group_id)
    if group is None:
        raise ZoomError(404, 4130, f"Group not exist: {group_id}")
    return group


def _summary(group: Group) -> dict[str, Any]:
    return {"id": group.id, "name": group.name, "total_members": len(group.members)}


def _name(req: ApiRequest) -> str:
    name = req.body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise errors.validation("name", "Group name is required.")
    name = name.strip()
    if req.sandbox.state.groups.find_by_name(name) is not None:
        # Sandbox choice (not in FACTS): Zoom's code for a taken group name is not documented.
        raise ZoomError(409, 4132, f"Group name {name} is already in use.")
    return name


def list_groups(req: ApiRequest) -> Response:
    """GET /groups: every group with its member count."""
    groups = [_summary(g) for g in req.sandbox.state.groups.groups.values()]
    return json_response({"total_records": len(groups), "groups": groups})


def create_group(req: ApiRequest) -> Response:
    """POST /groups (201) with ``name``."""
    state = req.sandbox.state
    name = _name(req)
    group_id = random_id(req.sandbox.rng)
    group = new_group(state, group_id, name)
    state.groups.groups[group_id] = group
    return json_response(_summary(group), 201)


def get_group(req: ApiRequest) -> Response:
    """GET /groups/{groupId}."""
    return json_response(_summary(require_group(req)))


def update_group(req: ApiRequest) -> Response:
    """PATCH /groups/{groupId} (204): rename."""
    group = require_group(req)
    if "name" in req.body:
        group.name = _name(req)
    return no_content()


def remove_group(req: ApiRequest) -> Response:
    """DELETE /groups/{groupId} (204); members fall back to their next group."""
    delete_group(req.sandbox.state, require_group(req))
    return no_content()


def _member(user: User, group: Group, req: ApiRequest) -> dict[str, Any]:
    main = req.sandbox.state.groups.main_group.get(user.id)
    return {
        "id": user.id,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "type": user.type,
        "primary_group": main == group.id,
    }


def list_members(req: ApiRequest) -> Response:
    """GET /groups/{groupId}/members, paged like Zoom (token or page number)."""
    group = require_group(req)
    users = req.sandbox.state.users
    members = [users[uid] for uid in group.members if uid in users]
    items, meta = page(members, req.query)
    return json_response({**meta, "members": [_member(u, group, req) for u in items]})


def _users_to_add(req: ApiRequest) -> list[User]:
    raw = req.body.get("members")
    if not isinstance(raw, list) or not raw:
        raise errors.validation("members", "Give at least one member by id or email.")
    if len(raw) > MAX_MEMBERS_PER_ADD:
        raise errors.validation("members", f"At most {MAX_MEMBERS_PER_ADD} members at a time.")
    found: list[User] = []
    for item in raw:
        key = item.get("id") or item.get("email") if isinstance(item, dict) else None
        if not isinstance(key, str) or not key:
            raise errors.validation("members", "Each member needs an id or an email.")
        user = req.sandbox.state.find_user(key)
        if user is None:
            raise errors.user_not_found(key)
        found.append(user)
    return found


def add_members(req: ApiRequest) -> Response:
    """POST /groups/{groupId}/members (201): ``ids`` comma-separated, ``added_at``."""
    group = require_group(req)
    users = _users_to_add(req)
    now = req.now()
    for user in users:
        add_member(req.sandbox.state, group, user, now)
    body = {"ids": ",".join(u.id for u in users), "added_at": now.strftime("%Y-%m-%dT%H:%M:%SZ")}
    return json_response(body, 201)


def delete_member(req: ApiRequest) -> Response:
    """DELETE /groups/{groupId}/members/{memberId} (204)."""
    group = require_group(req)
    member_id = req.params["memberId"]
    if member_id not in group.members:
        # Sandbox choice: Zoom's answer for a user who is not a member is not documented.
        raise errors.user_not_found(member_id)
    remove_member(req.sandbox.state, group, member_id)
    return no_content()


def get_settings(req: ApiRequest) -> Response:
    """GET /groups/{groupId}/settings."""
    return json_response(require_group(req).settings)


def patch_settings(req: ApiRequest) -> Response:
    """PATCH /groups/{groupId}/settings (204); members who kept the default follow."""
    patch_group_settings(req.sandbox.state, require_group(req), req.body)
    return no_content()


def get_lock_settings(req: ApiRequest) -> Response:
    """GET /groups/{groupId}/lock_settings: the settings tree with a boolean per leaf."""
    return json_response(require_group(req).lock_settings)


def patch_lock_settings(req: ApiRequest) -> Response:
    """PATCH /groups/{groupId}/lock_settings (204): booleans per leaf."""
    group = require_group(req)
    try:
        patch_tree(group.lock_settings, req.body, booleans=True)
    except ValueError as exc:
        raise errors.validation(str(exc), "A lock is true or false.") from None
    return no_content()


_GROUP = "/groups/{groupId}"

ROUTES: list[ApiRoute] = [
    ApiRoute("/groups", "GET", list_groups, MEDIUM, _READ),
    ApiRoute("/groups", "POST", create_group, LIGHT, _WRITE),
    ApiRoute(_GROUP, "GET", get_group, LIGHT, _READ),
    ApiRoute(_GROUP, "PATCH", update_group, LIGHT, _WRITE),
    ApiRoute(_GROUP, "DELETE", remove_group, LIGHT, _WRITE),
    ApiRoute(_GROUP + "/members", "GET", list_members, MEDIUM, _READ),
    ApiRoute(_GROUP + "/members", "POST", add_members, MEDIUM, _WRITE),
    ApiRoute(_GROUP + "/members/{memberId}", "DELETE", delete_member, LIGHT, _WRITE),
    ApiRoute(_GROUP + "/settings", "GET", get_settings, MEDIUM, _READ),
    ApiRoute(_GROUP + "/settings", "PATCH", patch_settings, MEDIUM, _WRITE),
    ApiRoute(_GROUP + "/lock_settings", "GET", get_lock_settings, MEDIUM, _READ),
    ApiRoute(_GROUP + "/lock_settings", "PATCH", patch_lock_settings, MEDIUM, _WRITE),
]
