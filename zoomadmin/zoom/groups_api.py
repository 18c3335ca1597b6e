"""Groups, their members, and the settings and locks of a group or of the account."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from zoomadmin.zoom.client_base import ClientBase, page_params, parse_page
from zoomadmin.zoom.models import LockSettings, Page, UserSettings, ZoomGroup, ZoomGroupMember
from zoomadmin.zoom.paging import iterate_pages

GROUP = "/groups/{groupId}"
#: Zoom adds at most 30 members per request (openapi.v2.json, groupMembersCreate).
MEMBERS_PER_ADD = 30


class GroupsApi(ClientBase):
    """Endpoints of the Groups API, and the account-wide settings the layers start from."""

    async def list_groups(self) -> list[ZoomGroup]:
        """Every group of the account (Zoom answers them in one list)."""
        data = await self._json("GET", "/groups")
        raw = data.get("groups") or []
        return [ZoomGroup.model_validate(g) for g in raw if isinstance(g, dict)]

    async def create_group(self, name: str) -> ZoomGroup:
        """Create a group; raises AlreadyExists (409) when the name is taken."""
        data = await self._json("POST", "/groups", json={"name": name})
        data.setdefault("name", name)
        return ZoomGroup.model_validate(data)

    async def get_group(self, group_id: str) -> ZoomGroup:
        """One group; raises NotFound (4130) when it does not exist."""
        data = await self._json("GET", GROUP, path={"groupId": group_id})
        return ZoomGroup.model_validate(data)

    async def delete_group(self, group_id: str) -> None:
        """Delete a group (its members stay in the account)."""
        await self._json("DELETE", GROUP, path={"groupId": group_id})

    async def list_group_members_page(
        self, group_id: str, *, next_page_token: str = ""
    ) -> Page[ZoomGroupMember]:
        """One page of a group's members."""
        data = await self._json(
            "GET",
            GROUP + "/members",
            path={"groupId": group_id},
            params=page_params(next_page_token),
        )
        return parse_page(data, "members", ZoomGroupMember.model_validate)

    def iter_group_members(self, group_id: str) -> AsyncIterator[ZoomGroupMember]:
        """Every member of a group, following every page."""

        async def fetch(token: str) -> Page[ZoomGroupMember]:
            return await self.list_group_members_page(group_id, next_page_token=token)

        return iterate_pages(fetch)

    async def add_group_members(self, group_id: str, user_ids: Sequence[str]) -> None:
        """Add users (by id) to a group, 30 per request as Zoom allows."""
        for start in range(0, len(user_ids), MEMBERS_PER_ADD):
            chunk = user_ids[start : start + MEMBERS_PER_ADD]
            body = {"members": [{"id": uid} for uid in chunk]}
            await self._json("POST", GROUP + "/members", path={"groupId": group_id}, json=body)

    async def remove_group_member(self, group_id: str, user_id: str) -> None:
        """Take one user out of a group."""
        path: dict[str, str | int] = {"groupId": group_id, "memberId": user_id}
        await self._json("DELETE", GROUP + "/members/{memberId}", path=path)

    async def get_group_settings(self, group_id: str) -> UserSettings:
        """A group's settings (the same tree as a user's)."""
        data = await self._json("GET", GROUP + "/settings", path={"groupId": group_id})
        return UserSettings.from_json(data)

    async def update_group_settings(self, group_id: str, patch: dict[str, Any]) -> None:
        """Change some of a group's settings (a partial tree)."""
        await self._json("PATCH", GROUP + "/settings", path={"groupId": group_id}, json=patch)

    async def get_group_lock_settings(self, group_id: str) -> LockSettings:
        """A group's locks: which of its settings its members cannot change."""
        data = await self._json("GET", GROUP + "/lock_settings", path={"groupId": group_id})
        return LockSettings(raw=data)

    async def update_group_lock_settings(self, group_id: str, patch: dict[str, Any]) -> None:
        """Lock or unlock some of a group's settings (a partial tree of booleans)."""
        path: dict[str, str | int] = {"groupId": group_id}
        await self._json("PATCH", GROUP + "/lock_settings", path=path, json=patch)

    async def get_account_settings(self) -> UserSettings:
        """The account's own settings (the layer under every group and user)."""
        data = await self._json("GET", "/accounts/me/settings")
        return UserSettings.from_json(data)
