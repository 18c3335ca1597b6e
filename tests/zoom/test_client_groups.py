"""Groups, members and group settings and locks through the real client against the sandbox."""

from __future__ import annotations

import pytest

from zoomadmin.core.enums import CreateAction
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.errors import AlreadyExists, NotFound


async def test_groups_members_settings_and_locks(zoom: ZoomClient) -> None:
    group = await zoom.create_group("Acme hosts")
    assert group.name == "Acme hosts" and group.total_members == 0
    with pytest.raises(AlreadyExists):
        await zoom.create_group("Acme hosts")
    users = [
        await zoom.create_user(f"h{i}@school.org", action=CreateAction.AUTO_CREATE)
        for i in range(32)
    ]
    await zoom.add_group_members(group.id, [u.id for u in users])  # two requests: 30 + 2
    members = [m.email async for m in zoom.iter_group_members(group.id)]
    assert len(members) == 32 and members[0] == "h0@school.org"
    assert (await zoom.get_group(group.id)).total_members == 32
    await zoom.update_group_settings(group.id, {"recording": {"auto_recording": "cloud"}})
    await zoom.update_group_lock_settings(group.id, {"recording": {"auto_recording": True}})
    assert (await zoom.get_group_settings(group.id)).recording["auto_recording"] == "cloud"
    assert (await zoom.get_group_lock_settings(group.id)).is_locked("recording", "auto_recording")
    await zoom.update_user_settings(users[0].id, {"recording": {"auto_recording": "none"}})
    assert (await zoom.get_user_settings(users[0].id)).recording["auto_recording"] == "cloud"
    await zoom.remove_group_member(group.id, users[0].id)
    assert [g.name for g in await zoom.list_groups()] == ["Acme hosts"]
    account = await zoom.get_account_settings()
    assert "recording" in account.raw
    await zoom.delete_group(group.id)
    with pytest.raises(NotFound):
        await zoom.get_group(group.id)
