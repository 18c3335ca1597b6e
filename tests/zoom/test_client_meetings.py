"""Meetings through the client against the sandbox, and each host's daily quota of 100."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import SANDBOX_START
from tests.zoom.conftest import add_meetings, add_users, client_for
from zoomadmin.sandbox import SandboxServer
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.errors import DailyQuotaExceeded, NotFound, OutcomeUnknown
from zoomadmin.zoom.models import MeetingRequest, MeetingType, Recurrence

NEXT_MIDNIGHT = datetime(2026, 3, 3, tzinfo=UTC)


def _request(topic: str = "Algebra 1") -> MeetingRequest:
    return MeetingRequest(
        topic=topic, start_time=SANDBOX_START + timedelta(days=1), duration=45, timezone="UTC"
    )


async def test_meeting_lifecycle_and_quota_count(sandbox: SandboxServer, zoom: ZoomClient) -> None:
    (host,) = add_users(sandbox, 1)
    meeting = await zoom.create_meeting(host, _request())
    assert meeting.host_id == host
    assert meeting.join_url
    assert meeting.start_url
    assert meeting.start_url not in repr(meeting)
    await zoom.update_meeting(meeting.id, {"topic": "Algebra 1 (room B)"})
    fetched = await zoom.get_meeting(meeting.id)
    assert fetched.topic == "Algebra 1 (room B)"
    assert fetched.start_time == SANDBOX_START + timedelta(days=1)
    # One create plus one update, charged to the host.
    assert (await zoom.quota(host)).describe() == "2 of 100 used today, resets 00:00 UTC"
    assert (await zoom.quota(host)).resets_at == NEXT_MIDNIGHT
    await zoom.delete_meeting(meeting.id)
    with pytest.raises(NotFound) as caught:
        await zoom.get_meeting(meeting.id)
    assert caught.value.code == 3001


async def test_recurring_meeting_occurrences(sandbox: SandboxServer, zoom: ZoomClient) -> None:
    (host,) = add_users(sandbox, 1)
    request = MeetingRequest(
        topic="Weekly seminar",
        type=MeetingType.RECURRING_FIXED_TIME,
        start_time=datetime(2026, 3, 3, 10, 0),  # noqa: DTZ001 - wall time in the meeting zone
        timezone="Europe/Paris",
        duration=60,
        recurrence=Recurrence(type=2, weekly_days="3", end_times=4),
    )
    meeting = await zoom.create_meeting(host, request)
    assert len(meeting.occurrences) == 4
    first = meeting.occurrences[0]
    await zoom.update_meeting(meeting.id, {"duration": 90}, occurrence_id=first.occurrence_id)
    await zoom.delete_meeting(meeting.id, occurrence_id=meeting.occurrences[1].occurrence_id)
    again = await zoom.get_meeting(meeting.id)
    statuses = {o.occurrence_id: o.status for o in again.occurrences}
    assert statuses.get(meeting.occurrences[1].occurrence_id, "deleted") == "deleted"
    assert statuses[first.occurrence_id] == "available"
    assert (await zoom.quota(host)).used == 2


async def test_every_meeting_of_a_host_is_listed(sandbox: SandboxServer, zoom: ZoomClient) -> None:
    (host,) = add_users(sandbox, 1)
    ids = add_meetings(sandbox, host, 650)
    listed = [m.id async for m in zoom.iter_meetings(host)]
    assert sorted(listed) == sorted(ids)


async def test_daily_quota_raises_with_host_and_reset(
    sandbox: SandboxServer, zoom: ZoomClient
) -> None:
    (host,) = add_users(sandbox, 1)
    # Another tool already spent 99 of today's 100 for this host; our ledger does not know.
    sandbox.sandbox.state.quota[(host, SANDBOX_START.date())] = 99
    await zoom.create_meeting(host, _request("last one today"))
    with pytest.raises(DailyQuotaExceeded) as caught:
        await zoom.create_meeting(host, _request("one too many"))
    assert caught.value.host_id == host
    assert caught.value.resets_at == NEXT_MIDNIGHT
    assert "2026-03-03 00:00 UTC" in caught.value.user_message
    assert (await zoom.quota(host)).describe() == "100 of 100 used today, resets 00:00 UTC"
    # Never retried blindly, and not even sent again today.
    sent = zoom.transport.stats.requests
    with pytest.raises(DailyQuotaExceeded):
        await zoom.create_meeting(host, _request("still today"))
    assert zoom.transport.stats.requests == sent
    # After 00:00 UTC the host has a fresh quota.
    sandbox.sandbox.clock.advance(NEXT_MIDNIGHT - SANDBOX_START + timedelta(minutes=1))
    await zoom.create_meeting(host, _request("tomorrow"))
    assert (await zoom.quota(host)).used == 1


async def test_meeting_create_with_lost_answer_is_outcome_unknown(
    sandbox: SandboxServer, admin: Callable[..., dict[str, Any]]
) -> None:
    (host,) = add_users(sandbox, 1)
    async with client_for(sandbox) as zoom:
        await zoom.get_me()
        admin("PUT", "/faults", json={"spec": "drop=1"})
        with pytest.raises(OutcomeUnknown):
            await zoom.create_meeting(host, _request())
        admin("DELETE", "/faults")
        # Reconcile: list the host's meetings to learn whether it was made.
        made = [m async for m in zoom.iter_meetings(host) if m.topic == "Algebra 1"]
        assert len(made) <= 1


async def test_updates_finish_under_faults(
    sandbox: SandboxServer, admin: Callable[..., dict[str, Any]]
) -> None:
    hosts = add_users(sandbox, 3)
    meetings = {h: add_meetings(sandbox, h, 20) for h in hosts}
    admin("PUT", "/faults", json={"spec": "5xx=0.05,drop=0.05,seed=3"})
    async with client_for(sandbox) as zoom:
        for host, ids in meetings.items():
            for n, meeting_id in enumerate(ids):
                await zoom.update_meeting(meeting_id, {"agenda": f"week {n}"}, host_id=host)
        assert zoom.transport.stats.retries >= 1
        # Each attempt is counted, since Zoom may have counted one whose answer was lost.
        assert all([(await zoom.quota(h)).used >= 20 for h in hosts])
    state = sandbox.sandbox.state
    assert all(
        state.meetings[m].agenda == f"week {n}"
        for ids in meetings.values()
        for n, m in enumerate(ids)
    )


async def test_zoom_host_counter_headers_feed_the_ledger(zoom: ZoomClient) -> None:
    # Zoom quirk: some answers carry the host's own 100-a-day counter; others the account's.
    day = zoom.transport.today()
    per_host = {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "63"}
    await zoom.transport.observe_headers(httpx.Response(204, headers=per_host), "host-1", day)
    assert (await zoom.quota("host-1")).describe() == "37 of 100 used today, resets 00:00 UTC"
    account = {"X-RateLimit-Limit": "6000", "X-RateLimit-Remaining": "10"}
    await zoom.transport.observe_headers(httpx.Response(204, headers=account), "host-1", day)
    assert (await zoom.quota("host-1")).used == 37
    stale = {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "90"}
    await zoom.transport.observe_headers(httpx.Response(204, headers=stale), "host-1", day)
    assert (await zoom.quota("host-1")).used == 37  # an older answer never lowers the count
