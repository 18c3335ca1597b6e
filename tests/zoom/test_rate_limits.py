"""Per-second budgets keep 429s rare; the 429s that come anyway are waited out and retried."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from tests.zoom.conftest import add_users, client_for
from zoomadmin.sandbox import SandboxServer
from zoomadmin.zoom.limits import Plan, RateCategory


async def test_budget_keeps_a_burst_under_zoom_limits(
    sandbox: SandboxServer, admin: Callable[..., dict[str, Any]]
) -> None:
    admin("PATCH", "/config", json={"plan": "pro"})
    ids = add_users(sandbox, 45)
    async with client_for(sandbox, plan=Plan.PRO, max_concurrency=16) as zoom:
        users = await asyncio.gather(*(zoom.get_user(i) for i in ids))
        assert [u.id for u in users] == ids
        assert zoom.transport.stats.rate_limited == 0
        assert zoom.transport.stats.requests == 45


async def test_per_second_429_burst_completes(
    sandbox: SandboxServer, admin: Callable[..., dict[str, Any]]
) -> None:
    # The account is on the free plan (Light: 4/s) but the client was told "business".
    admin("PATCH", "/config", json={"plan": "free"})
    ids = add_users(sandbox, 8)
    async with client_for(sandbox, plan=Plan.BUSINESS, max_concurrency=8) as zoom:
        users = await asyncio.gather(*(zoom.get_user(i) for i in ids))
        assert [u.id for u in users] == ids
        assert zoom.transport.stats.rate_limited >= 1
        # Zoom's X-RateLimit-Limit on the answers taught the client the real budget.
        assert zoom.transport.limiter(RateCategory.LIGHT).budget.requests == 4


async def test_injected_429s_are_retried(
    sandbox: SandboxServer, admin: Callable[..., dict[str, Any]]
) -> None:
    ids = add_users(sandbox, 650)
    admin("PUT", "/faults", json={"spec": "burst429=0.3,seed=11"})
    async with client_for(sandbox) as zoom:
        listed = [u.id async for u in zoom.iter_users()]
        fetched = await asyncio.gather(*(zoom.get_user(i) for i in ids[:30]))
        assert zoom.transport.stats.rate_limited >= 3
    assert [u.id for u in fetched] == ids[:30]
    assert set(ids) <= set(listed)
    assert len(listed) == len(set(listed))
