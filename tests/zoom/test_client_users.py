"""Users, settings and the account's seats through the real client against the sandbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.zoom.conftest import add_users
from zoomadmin.core.enums import CreateAction, UserStatus, UserType
from zoomadmin.sandbox import SandboxServer
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.errors import (
    AlreadyExists,
    NotFound,
    SeatLimitReached,
    UserPending,
    ValidationFailed,
)


async def test_create_get_update_and_remove_a_user(zoom: ZoomClient) -> None:
    created = await zoom.create_user(
        "teacher+acme-3@school.org",
        first_name="Ada",
        last_name="Lovelace",
        action=CreateAction.AUTO_CREATE,
    )
    assert created.email == "teacher+acme-3@school.org"
    assert await zoom.email_exists("teacher+acme-3@school.org")
    await zoom.update_user(created.id, first_name="Augusta")
    fetched = await zoom.get_user(created.id)
    assert fetched.first_name == "Augusta"
    assert fetched.type == UserType.BASIC
    by_email = await zoom.get_user("teacher+acme-3@school.org")
    assert by_email.id == created.id
    await zoom.delete_user(created.id)
    with pytest.raises(NotFound) as caught:
        await zoom.get_user(created.id)
    assert caught.value.code == 1001
    assert not await zoom.email_exists("teacher+acme-3@school.org")


async def test_duplicate_email_says_link_instead(zoom: ZoomClient) -> None:
    await zoom.create_user("teacher+acme-3@school.org", action=CreateAction.AUTO_CREATE)
    with pytest.raises(AlreadyExists) as caught:
        await zoom.create_user("teacher+acme-3@school.org", action=CreateAction.AUTO_CREATE)
    assert caught.value.user_message == (
        "teacher+acme-3@school.org is already a user in this Zoom account. You can link it instead."
    )
    assert caught.value.http_status == 409
    assert caught.value.code == 1005


async def test_invalid_email_lists_the_field(zoom: ZoomClient) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await zoom.create_user("not-an-email")
    assert [e.field for e in caught.value.field_errors] == ["user_info.email"]


async def test_seats_run_out(
    sandbox: SandboxServer, zoom: ZoomClient, admin: Callable[..., dict[str, Any]]
) -> None:
    in_use = (await zoom.get_plan_usage()).seats_used
    admin("PATCH", "/config", json={"paid_seats": in_use + 1})
    first, second = add_users(sandbox, 2)
    await zoom.set_user_type(first, UserType.LICENSED)
    usage = await zoom.get_plan_usage()
    assert (usage.seats_purchased, usage.seats_used, usage.seats_free) == (
        in_use + 1,
        in_use + 1,
        0,
    )
    with pytest.raises(SeatLimitReached) as caught:
        await zoom.set_user_type(second, UserType.LICENSED)
    assert "seats" in caught.value.user_message
    await zoom.set_user_type(first, UserType.BASIC)
    await zoom.set_user_type(second, UserType.LICENSED)
    assert (await zoom.get_user(second)).is_licensed


async def test_pending_user_settings_say_so(zoom: ZoomClient) -> None:
    pending = await zoom.create_user("new+1@school.org", action=CreateAction.CREATE)
    assert pending.status == UserStatus.PENDING
    with pytest.raises(UserPending) as caught:
        await zoom.get_user_settings(pending.id)
    assert "accepted the Zoom invitation" in caught.value.user_message
    assert [u.email async for u in zoom.iter_users(UserStatus.PENDING)] == ["new+1@school.org"]


async def test_settings_round_trip_and_locks(sandbox: SandboxServer, zoom: ZoomClient) -> None:
    (host,) = add_users(sandbox, 1)
    await zoom.update_user_settings(host, {"recording": {"auto_recording": "local"}})
    settings = await zoom.get_user_settings(host)
    assert settings.recording["auto_recording"] == "local"
    assert "waiting_room" in settings.in_meeting
    locks = await zoom.get_lock_settings()
    assert locks.is_locked("recording", "auto_recording") is False


async def test_status_and_summary(sandbox: SandboxServer, zoom: ZoomClient) -> None:
    (host,) = add_users(sandbox, 1)
    before = await zoom.get_users_summary()
    await zoom.set_user_status(host, active=False)
    inactive = [u.id async for u in zoom.iter_users(UserStatus.INACTIVE)]
    assert inactive == [host]
    await zoom.set_user_status(host, active=True)
    assert (await zoom.get_user(host)).status == UserStatus.ACTIVE
    assert before.total_users_count >= 1


async def test_every_page_is_listed(sandbox: SandboxServer, zoom: ZoomClient) -> None:
    ids = set(add_users(sandbox, 700))
    first = await zoom.list_users_page()
    assert len(first.items) == 300
    assert first.total_records is not None and first.total_records >= 700
    assert first.next_page_token
    listed = [u.id async for u in zoom.iter_users()]
    assert len(listed) == len(set(listed))
    assert ids <= set(listed)
    assert len(listed) == first.total_records
