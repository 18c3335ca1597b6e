"""Users, their settings, and the account's locks, seats and user counts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from zoomadmin.core.enums import CreateAction, UserStatus, UserType
from zoomadmin.zoom.client_base import ClientBase, page_params, parse_page
from zoomadmin.zoom.models import (
    LockSettings,
    Page,
    PlanUsage,
    UserSettings,
    UsersSummary,
    ZoomUser,
)
from zoomadmin.zoom.paging import PAGE_SIZE, iterate_pages

USER = "/users/{userId}"


class UsersApi(ClientBase):
    """Endpoints of the Users, Accounts and Billing APIs that zoomadmin uses."""

    async def list_users_page(
        self,
        status: UserStatus = UserStatus.ACTIVE,
        *,
        next_page_token: str = "",
        page_size: int = PAGE_SIZE,
    ) -> Page[ZoomUser]:
        """One page of users, with Zoom's ``total_records`` (for progress bars)."""
        params = page_params(next_page_token, {"status": str(status), "page_size": page_size})
        data = await self._json("GET", "/users", params=params)
        return parse_page(data, "users", ZoomUser.model_validate)

    def iter_users(self, status: UserStatus = UserStatus.ACTIVE) -> AsyncIterator[ZoomUser]:
        """Every user with ``status``, following every page to the end."""

        async def fetch(token: str) -> Page[ZoomUser]:
            return await self.list_users_page(status, next_page_token=token)

        return iterate_pages(fetch)

    async def get_user(self, user_id_or_email: str) -> ZoomUser:
        """One user by id, email or ``me``."""
        data = await self._json("GET", USER, path={"userId": user_id_or_email})
        return ZoomUser.model_validate(data)

    async def get_me(self) -> ZoomUser:
        """The user the app acts as (used to check a new account profile)."""
        return await self.get_user("me")

    async def email_exists(self, email: str) -> bool:
        """Whether ``email`` is already a Zoom user (in this or another account)."""
        data = await self._json("GET", "/users/email", params={"email": email})
        return bool(data.get("existed_email"))

    async def create_user(
        self,
        email: str,
        *,
        first_name: str = "",
        last_name: str = "",
        user_type: UserType = UserType.BASIC,
        action: CreateAction = CreateAction.CREATE,
    ) -> ZoomUser:
        """Create a user; raises AlreadyExists, SeatLimitReached, OutcomeUnknown, ..."""
        info: dict[str, Any] = {"email": email, "type": int(user_type)}
        if first_name:
            info["first_name"] = first_name
        if last_name:
            info["last_name"] = last_name
        body = {"action": str(action), "user_info": info}
        data = await self._json("POST", "/users", json=body)
        data.setdefault("email", email)
        data.setdefault("type", int(user_type))
        # Zoom quirk: action=create leaves the user pending until the invitation is accepted.
        data.setdefault("status", "pending" if action is CreateAction.CREATE else "active")
        return ZoomUser.model_validate(data)

    async def update_user(self, user_id: str, **fields: Any) -> None:
        """Change a user's profile fields (only those given)."""
        await self._json("PATCH", USER, path={"userId": user_id}, json=fields)

    async def set_user_type(self, user_id: str, user_type: UserType) -> None:
        """Give (LICENSED) or take back (BASIC) a paid seat."""
        await self.update_user(user_id, type=int(user_type))

    async def delete_user(self, user_id: str, action: str = "disassociate") -> None:
        """Remove a user from the account (``disassociate``, the default) or ``delete`` it."""
        await self._json("DELETE", USER, path={"userId": user_id}, params={"action": action})

    async def set_user_status(self, user_id: str, active: bool) -> None:
        """Activate or deactivate a user."""
        body = {"action": "activate" if active else "deactivate"}
        await self._json("PUT", USER + "/status", path={"userId": user_id}, json=body)

    async def get_user_settings(self, user_id: str) -> UserSettings:
        """A user's settings; raises UserPending for users that have not accepted yet."""
        data = await self._json("GET", USER + "/settings", path={"userId": user_id})
        return UserSettings.from_json(data)

    async def update_user_settings(self, user_id: str, patch: dict[str, Any]) -> None:
        """Change some settings: ``patch`` is a partial settings tree."""
        await self._json("PATCH", USER + "/settings", path={"userId": user_id}, json=patch)

    async def get_lock_settings(self) -> LockSettings:
        """The account's locked settings."""
        data = await self._json("GET", "/accounts/me/lock_settings")
        return LockSettings(raw=data)

    async def get_plan_usage(self) -> PlanUsage:
        """Licensed seats bought and used (``plan_base`` of the plan usage)."""
        data = await self._json("GET", "/accounts/me/plans/usage")
        return _plan_usage(data)

    async def get_users_summary(self) -> UsersSummary:
        """Counts of users by kind."""
        return UsersSummary.model_validate(await self._json("GET", "/users/summary"))


def _plan_usage(data: dict[str, Any]) -> PlanUsage:
    base = data.get("plan_base")
    # Zoom quirk: master/reseller accounts get a list of plans, normal accounts one object.
    if isinstance(base, list):
        base = base[0] if base else {}
    if not isinstance(base, dict):
        base = {}
    purchased = int(base.get("hosts", 0) or 0)
    used = int(base.get("usage", base.get("active_hosts", 0)) or 0)
    return PlanUsage(
        seats_purchased=purchased, seats_used=used, pending=int(base.get("pending", 0) or 0)
    )
