"""The client's daily quota over the SQL ledger (the one the app uses), against the sandbox:
Zoom's daily 429 refuses the host locally, and concurrent requests for a host with one
request left send exactly one."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import SANDBOX_START
from tests.zoom.conftest import add_users, client_for
from zoomadmin.sandbox import SandboxServer
from zoomadmin.store.repositories import Store
from zoomadmin.zoom.errors import DailyQuotaExceeded
from zoomadmin.zoom.models import MeetingRequest


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open_file(tmp_path / "data" / "zoomadmin.sqlite3")
    yield opened
    opened.close()


def _request(topic: str) -> MeetingRequest:
    return MeetingRequest(
        topic=topic, start_time=SANDBOX_START + timedelta(days=1), duration=45, timezone="UTC"
    )


async def test_zoom_daily_429_refuses_a_counted_host_locally(
    sandbox: SandboxServer, store: Store
) -> None:
    (host,) = add_users(sandbox, 1)
    async with client_for(sandbox, ledger=store.quota) as zoom:
        await zoom.create_meeting(host, _request("first"))  # the host has a row: 1 used
        # Another tool spends the rest of today's 100 for this host; our ledger does not know.
        sandbox.sandbox.state.quota[(host, SANDBOX_START.date())] = 100
        with pytest.raises(DailyQuotaExceeded):
            await zoom.create_meeting(host, _request("refused by Zoom"))
        sent = zoom.transport.stats.requests
        with pytest.raises(DailyQuotaExceeded) as caught:
            await zoom.create_meeting(host, _request("refused here"))
        assert zoom.transport.stats.requests == sent  # not sent again today
        assert caught.value.host_id == host
        assert (await zoom.quota(host)).describe() == "100 of 100 used today, resets 00:00 UTC"


async def test_concurrent_creates_for_a_host_with_one_left_send_one(
    sandbox: SandboxServer, store: Store
) -> None:
    (host,) = add_users(sandbox, 1)
    async with client_for(sandbox, ledger=store.quota) as zoom:
        await zoom.get_me()  # the token, so only the creates are counted below
        await store.quota.observe(host, zoom.transport.today(), limit=100, remaining=1)
        sent = zoom.transport.stats.requests
        outcomes = await asyncio.gather(
            *(zoom.create_meeting(host, _request(f"try {n}")) for n in range(3)),
            return_exceptions=True,
        )
    refused = [o for o in outcomes if isinstance(o, DailyQuotaExceeded)]
    assert (len(refused), zoom.transport.stats.requests - sent) == (2, 1)
    assert await store.quota.used(host, SANDBOX_START.date()) == 100
