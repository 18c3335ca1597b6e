"""Users API: list, create, get, update (licences), delete, status, plus summary and email check."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from zoomadmin.sandbox import errors
from zoomadmin.sandbox.api import ApiRequest, ApiRoute
from zoomadmin.sandbox.errors import ZoomError, json_response, no_content
from zoomadmin.sandbox.ratelimit import LIGHT, MEDIUM
from zoomadmin.sandbox.state import SandboxState, User
from zoomadmin.sandbox.wire import iso, page, zone_name

if TYPE_CHECKING:
    from zoomadmin.sandbox.world import Sandbox

#: No white space or control characters (NUL included) anywhere in an address.
_EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s.\x00-\x1f\x7f]+$")
#: Longest profile field the sandbox keeps (Zoom's names allow 64 characters).
_MAX_PROFILE_FIELD = 128
_CREATE_ACTIONS = ("create", "autoCreate", "custCreate", "ssoCreate")
_PATCH_FIELDS = ("first_name", "last_name", "display_name", "timezone", "language", "dept")
_READ = ("user:read:admin", "user:read:list_users:admin")
_READ_ONE = ("user:read:admin", "user:read:user:admin")
_WRITE = ("user:write:admin", "user:write:user:admin")
_UPDATE = ("user:write:admin", "user:update:user:admin")
_DELETE = ("user:write:admin", "user:delete:user:admin")


def user_json(user: User, state: SandboxState) -> dict[str, Any]:
    """A user as ``GET /users`` lists it."""
    return {
        "id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "display_name": user.display_name or f"{user.first_name} {user.last_name}".strip(),
        "email": user.email,
        "type": user.type,
        "pmi": user.pmi,
        "timezone": user.timezone,
        "verified": user.verified,
        "dept": user.dept,
        "created_at": iso(user.created_at),
        "user_created_at": iso(user.created_at),
        "last_login_time": iso(user.last_login_time),
        "last_client_version": "6.1.0.40000(mac)" if user.last_login_time else "",
        "language": user.language,
        "status": user.status,
        "role_id": user.role_id,
        "group_ids": [],
        "im_group_ids": [],
    }


def user_detail_json(user: User, state: SandboxState, base_url: str) -> dict[str, Any]:
    """A user as ``GET /users/{userId}`` returns it."""
    out = user_json(user, state)
    out.update(
        {
            "account_id": state.account.account_id,
            "account_number": 10_000_000 + sum(map(ord, state.account.account_id)),
            "role_name": "Owner" if user.id == state.owner_id else "Member",
            "use_pmi": False,
            "personal_meeting_url": f"{base_url}/j/{user.pmi}",
            "pic_url": "",
            "cms_user_id": "",
            "host_key": "",
            "login_types": [100],
            "phone_number": "",
            "cluster": "us05",
            "jid": f"{user.id.lower()}@xmpp.zoom.us",
        }
    )
    return out


def require_user(req: ApiRequest, key: str | None = None) -> User:
    """The user named by the path (id, email or ``me``) or 404/1001."""
    user_key = key if key is not None else req.params["userId"]
    user = req.sandbox.state.find_user(user_key)
    if user is None:
        raise errors.user_not_found(user_key)
    return user


def require_own_account(req: ApiRequest) -> None:
    """400/1010 unless the path's ``accountId`` (``me`` when absent) is this account."""
    if req.params.get("accountId", "me") not in ("me", req.sandbox.config.account_id):
        raise ZoomError(400, 1010, "User not belong to this account")


def paid_users(state: SandboxState) -> int:
    """How many users hold a paid seat (type 2), whatever their status."""
    return sum(1 for u in state.users.values() if u.type == 2)


def check_seat(state: SandboxState) -> None:
    """400/200 when every paid seat is taken."""
    seats = state.account.paid_seats
    if paid_users(state) >= seats:
        raise ZoomError(400, 200, f"You can add max {seats} paid users.")


LICENSE_MOVES_WINDOW = timedelta(hours=1)
LICENSE_LIMIT_MESSAGE = (
    "You have exceeded the limit of license assignments for your account. "
    "Please try again after {minutes} minutes."
)


def take_license_move(state: SandboxState, now: datetime) -> None:
    """Count one license assignment against the account's rolling-hour budget.

    When the budget is spent, Zoom's refusal (the words users quote; Zoom documents neither a
    code nor the numbers, so 400 with code 200, as its other license refusals, is the
    sandbox's choice), with the minutes until the oldest move in the window leaves it.
    """
    budget = state.account.license_moves_per_hour
    if budget <= 0:
        return
    recent = [at for at in state.license_moves if now - at < LICENSE_MOVES_WINDOW]
    if len(recent) >= budget:
        wait = LICENSE_MOVES_WINDOW - (now - recent[0])
        minutes = max(1, -(-int(wait.total_seconds()) // 60))
        state.license_moves = recent
        raise ZoomError(400, 200, LICENSE_LIMIT_MESSAGE.format(minutes=minutes))
    state.license_moves = [*recent, now]


def set_type(user: User, new_type: int, now: datetime) -> None:
    """Change a user's type, keeping ``licensed_spans`` (when it held a paid seat) up to date."""
    if user.type == new_type:
        return
    if new_type == 2:
        user.licensed_spans.append((now, None))
    elif user.type == 2 and user.licensed_spans and user.licensed_spans[-1][1] is None:
        user.licensed_spans[-1] = (user.licensed_spans[-1][0], now)
    user.type = new_type


def publish_user_updated(
    sandbox: Sandbox, user_id: str, changed: dict[str, Any], old: dict[str, Any]
) -> None:
    """Fire ``user.updated`` with Zoom's operator fields (the owner) and ``old_object``."""
    state = sandbox.state
    owner = state.users.get(state.owner_id)
    sandbox.bus.publish(
        "user.updated",
        {"id": user_id, **changed},
        extra_payload={
            "operator": owner.email if owner else "",
            "operator_id": state.owner_id,
            "time_stamp": int(sandbox.clock.now().timestamp() * 1000),
            "old_object": {"id": user_id, **old},
        },
    )


def list_users(req: ApiRequest) -> Response:
    """GET /users."""
    status = req.query.get("status") or "active"
    if status not in ("active", "inactive", "pending"):
        raise errors.invalid_parameter("Invalid parameter: status.")
    role = req.query.get("role_id")
    state = req.sandbox.state
    found = [
        u for u in state.users.values() if u.status == status and (not role or u.role_id == role)
    ]
    items, meta = page(found, req.query)
    return json_response({**meta, "users": [user_json(u, state) for u in items]})


def _validate_new_user(info: Any, action: str) -> tuple[str, int]:
    if action not in _CREATE_ACTIONS:
        raise errors.validation("action")
    if not isinstance(info, dict):
        raise errors.validation("user_info")
    email = info.get("email")
    if not isinstance(email, str) or len(email) > 128 or not _EMAIL.match(email):
        raise errors.validation("user_info.email")
    user_type = info.get("type")
    allowed = (1, 2, 4, 99) if action == "ssoCreate" else (1, 2, 4)
    # ``True == 1`` and ``1.0 == 1`` in Python: only a JSON integer is a user type.
    if type(user_type) is not int or user_type not in allowed:
        raise errors.validation("user_info.type")
    for name in ("first_name", "last_name"):
        value = info.get(name, "")
        if not isinstance(value, str) or len(value) > 64:
            raise errors.validation(f"user_info.{name}")
    return email, user_type


def create_user(req: ApiRequest) -> Response:
    """POST /users."""
    action = req.body.get("action", "create")
    info = req.body.get("user_info")
    email, user_type = _validate_new_user(info, action)
    if not isinstance(info, dict):  # _validate_new_user refuses anything else
        raise TypeError("user_info passed validation without being an object")
    state = req.sandbox.state
    account = state.account
    if account.plan == "free" or (action == "custCreate" and not account.isv_partner):
        raise errors.no_privilege()
    if email.lower() in state.users_by_email:
        raise ZoomError(409, 1005, f"User already in the account: {email}")
    if user_type == 2:
        check_seat(state)
    if action == "create":
        req.sandbox.limiter.take_user_create(req.headers)
    now = req.now()
    rng = req.sandbox.rng
    user = User(
        id=state.new_user_id(rng),
        email=email,
        first_name=str(info.get("first_name", "")),
        last_name=str(info.get("last_name", "")),
        display_name=str(info.get("display_name", "")),
        type=1,
        status="pending" if action == "create" else "active",
        created_at=now,
        pmi=rng.randrange(1_000_000_000, 9_999_999_999),
        timezone=account.timezone,
        verified=0 if action == "create" else 1,
    )
    if action == "create":
        user.activates_at = now + timedelta(minutes=account.pending_activation_minutes)
    set_type(user, user_type, now)
    state.add_user(user)
    body = {k: getattr(user, k) for k in ("id", "first_name", "last_name", "email", "type")}
    return json_response(body, 201)


def get_user(req: ApiRequest) -> Response:
    """GET /users/{userId}."""
    user = require_user(req)
    return json_response(user_detail_json(user, req.sandbox.state, req.sandbox.base_url))


def _new_type(req: ApiRequest, user: User) -> int | None:
    value = req.body.get("type")
    if value is None or (type(value) is int and value == user.type):
        return None
    if type(value) is not int or value not in (1, 2, 4):
        raise errors.validation("type")
    if value == 2:
        check_seat(req.sandbox.state)
    if 2 in (value, user.type):
        take_license_move(req.sandbox.state, req.now())
    result: int = value
    return result


def _profile_changes(body: dict[str, Any], user: User) -> dict[str, str]:
    """The profile fields a PATCH changes, all checked before any is applied."""
    changed: dict[str, str] = {}
    for name in _PATCH_FIELDS:
        value = body.get(name)
        if not isinstance(value, str):
            continue  # Zoom quirk (as before): a non-string profile field is ignored
        if len(value) > _MAX_PROFILE_FIELD:
            raise errors.validation(name, f"Invalid field: {name}. Too long.")
        if name == "timezone":
            zone_name(value)
        if value != getattr(user, name):
            changed[name] = value
    return changed


def update_user(req: ApiRequest) -> Response:
    """PATCH /users/{userId}: profile fields and ``type`` (assign or free a licence).

    Every field is checked before the user changes, so a refused PATCH changes nothing.
    """
    user = require_user(req)
    changed: dict[str, Any] = dict(_profile_changes(req.body, user))
    new_type = _new_type(req, user)
    old: dict[str, Any] = {name: getattr(user, name) for name in changed}
    for name, value in changed.items():
        setattr(user, name, value)
    if new_type is not None:
        old["type"] = user.type
        changed["type"] = new_type
        set_type(user, new_type, req.now())
    if changed:
        publish_user_updated(req.sandbox, user.id, changed, old)
    return no_content()


def delete_user(req: ApiRequest) -> Response:
    """DELETE /users/{userId} (``action`` disassociate, the default, or delete)."""
    user = require_user(req)
    action = req.query.get("action") or "disassociate"
    if action not in ("disassociate", "delete"):
        raise errors.invalid_parameter("Invalid parameter: action.")
    state = req.sandbox.state
    if user.id == state.owner_id:
        raise ZoomError(400, 200, "Cannot delete a user out of your account")
    set_type(user, 1, req.now())
    state.remove_user(user.id)
    return no_content()


def update_status(req: ApiRequest) -> Response:
    """PUT /users/{userId}/status (activate / deactivate)."""
    user = require_user(req)
    action = req.body.get("action")
    if action not in ("activate", "deactivate"):
        raise errors.validation("action")
    if user.id == req.sandbox.state.owner_id:
        raise ZoomError(400, 200, "Zoom Room and Admin users can not be activated or deactivated.")
    if user.status == "pending":
        raise ZoomError(400, 1120, "Invite not exist")
    user.status = "active" if action == "activate" else "inactive"
    return no_content()


def summary(req: ApiRequest) -> Response:
    """GET /users/summary."""
    users = req.sandbox.state.users.values()
    counts = {"licensed": 0, "basic": 0, "pending": 0, "join_only": 0}
    for user in users:
        if user.status == "pending":
            counts["pending"] += 1
        if user.type == 2:
            counts["licensed"] += 1
        elif user.type == 1:
            counts["basic"] += 1
        else:
            counts["join_only"] += 1
    return json_response(
        {
            "licensed_users_count": counts["licensed"],
            "basic_users_count": counts["basic"],
            "on_prem_users_count": 0,
            "room_users_count": 0,
            "pending_users_count": counts["pending"],
            "join_only_users_count": counts["join_only"],
            "total_users_count": len(users),
        }
    )


def email_exists(req: ApiRequest) -> Response:
    """GET /users/email?email=."""
    email = req.query.get("email", "")
    if not email:
        raise errors.invalid_parameter("Invalid parameter: email.")
    return json_response({"existed_email": email.lower() in req.sandbox.state.users_by_email})


ROUTES: list[ApiRoute] = [
    ApiRoute("/users", "GET", list_users, MEDIUM, _READ),
    ApiRoute("/users", "POST", create_user, LIGHT, _WRITE),
    ApiRoute(
        "/users/summary", "GET", summary, LIGHT, ("user:read:admin", "user:read:summary:admin")
    ),
    ApiRoute(
        "/users/email", "GET", email_exists, LIGHT, ("user:read:admin", "user:read:email:admin")
    ),
    ApiRoute("/users/{userId}", "GET", get_user, LIGHT, _READ_ONE),
    ApiRoute("/users/{userId}", "PATCH", update_user, LIGHT, _UPDATE),
    ApiRoute("/users/{userId}", "DELETE", delete_user, LIGHT, _DELETE),
    ApiRoute(
        "/users/{userId}/status",
        "PUT",
        update_status,
        LIGHT,
        ("user:write:admin", "user:update:status:admin"),
    ),
]
