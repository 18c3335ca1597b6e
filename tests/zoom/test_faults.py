"""With injected 5xx answers and dropped connections, jobs still finish and creates never repeat."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from tests.zoom.conftest import add_users, client_for
from zoomadmin.core.enums import CreateAction
from zoomadmin.sandbox import SandboxServer
from zoomadmin.zoom.errors import OutcomeUnknown, RateLimited, ZoomUnavailable

TEN_PERCENT = "5xx=0.05,drop=0.05,seed=5"


async def test_long_listing_finishes_under_faults(
    sandbox: SandboxServer, admin: Callable[..., dict[str, Any]]
) -> None:
    ids = set(add_users(sandbox, 1900))
    admin("PUT", "/faults", json={"spec": TEN_PERCENT})
    async with client_for(sandbox) as zoom:
        for _ in range(3):
            listed = [u.id async for u in zoom.iter_users()]
            assert ids <= set(listed)
            assert len(listed) == len(set(listed))
        assert zoom.transport.stats.retries >= 1


async def test_batch_of_updates_finishes_under_faults(
    sandbox: SandboxServer, admin: Callable[..., dict[str, Any]]
) -> None:
    ids = add_users(sandbox, 80)
    admin("PUT", "/faults", json={"spec": TEN_PERCENT})
    async with client_for(sandbox) as zoom:
        await asyncio.gather(*(zoom.update_user(i, dept=f"dept-{n}") for n, i in enumerate(ids)))
        assert zoom.transport.stats.retries >= 1
    users = sandbox.sandbox.state.users
    assert [users[i].dept for i in ids] == [f"dept-{n}" for n in range(len(ids))]


async def test_create_with_lost_answer_is_outcome_unknown(
    sandbox: SandboxServer, admin: Callable[..., dict[str, Any]]
) -> None:
    async with client_for(sandbox) as zoom:
        await zoom.get_me()
        admin("PUT", "/faults", json={"spec": "drop=1"})
        sent = zoom.transport.stats.requests
        with pytest.raises(OutcomeUnknown) as caught:
            await zoom.create_user("teacher+7@school.org", action=CreateAction.AUTO_CREATE)
        # Sent once, never again on its own.
        assert zoom.transport.stats.requests == sent + 1
        assert "not known whether" in caught.value.user_message
        admin("DELETE", "/faults")
        # The caller reconciles by asking, then acts on the answer.
        if not await zoom.email_exists("teacher+7@school.org"):
            await zoom.create_user("teacher+7@school.org", action=CreateAction.AUTO_CREATE)
        assert await zoom.email_exists("teacher+7@school.org")


@pytest.mark.parametrize("fault", ["5xx=1", "drop=1"], ids=["server-errors", "lost-answers"])
async def test_reads_give_up_after_bounded_retries(
    sandbox: SandboxServer, admin: Callable[..., dict[str, Any]], fault: str
) -> None:
    async with client_for(sandbox) as zoom:
        await zoom.get_me()
        admin("PUT", "/faults", json={"spec": fault})
        sent = zoom.transport.stats.requests
        with pytest.raises(ZoomUnavailable) as caught:
            await zoom.get_me()
        assert zoom.transport.stats.requests - sent == zoom.transport.retry.max_attempts
    # A 5xx is Zoom's side, a lost answer the network's; neither names an exception class.
    said = caught.value.user_message
    assert ("server error" if fault == "5xx=1" else "cannot be reached") in said
    assert "Error" not in said


async def test_a_per_second_429_storm_gives_up_after_bounded_retries(
    sandbox: SandboxServer, admin: Callable[..., dict[str, Any]]
) -> None:
    async with client_for(sandbox) as zoom:
        await zoom.get_me()
        admin("PUT", "/faults", json={"spec": "burst429=1"})
        sent = zoom.transport.stats.requests
        with pytest.raises(RateLimited) as caught:
            await zoom.get_me()
        assert zoom.transport.stats.requests - sent == zoom.transport.retry.max_rate_retries + 1
        assert zoom.transport.stats.waited > 0  # it waited between tries
    assert "too many requests" in caught.value.user_message
