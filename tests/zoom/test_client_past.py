"""Past meetings, their participants (every page) and the live-meetings list."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import SANDBOX_START
from tests.zoom.conftest import SLASHY, add_meetings, add_users
from tests.zoom.events.events_support import advance, schedule
from zoomadmin.sandbox import SandboxServer
from zoomadmin.sandbox.state import PastMeeting
from zoomadmin.zoom.client import ZoomClient


async def test_past_meeting_and_every_participant(sandbox: SandboxServer, zoom: ZoomClient) -> None:
    (host,) = add_users(sandbox, 1)
    (meeting_id,) = add_meetings(sandbox, host, 1)
    start = SANDBOX_START - timedelta(hours=3)
    people = [
        {
            "id": f"p{n}",
            "user_id": str(n),
            "name": f"Student {n}",
            "user_email": f"s{n}@school.org",
            "join_time": start.isoformat(),
            "leave_time": (start + timedelta(minutes=40)).isoformat(),
            "duration": 2400,
        }
        for n in range(320)
    ]
    sandbox.sandbox.state.add_past(
        PastMeeting(
            SLASHY,
            meeting_id,
            host,
            "Biology",
            2,
            start,
            start + timedelta(minutes=40),
            40,
            participants=people,
        )
    )
    past = await zoom.get_past_meeting(SLASHY)
    assert (past.uuid, past.id, past.host_id) == (SLASHY, meeting_id, host)
    assert past.participants_count == 320
    names = [p.name async for p in zoom.iter_past_participants(SLASHY)]
    assert sorted(names) == sorted(p["name"] for p in people)


async def test_live_meetings_are_listed_and_can_be_ended(
    sandbox: SandboxServer, zoom: ZoomClient
) -> None:
    meeting_id = await schedule(sandbox, zoom, 5)
    advance(sandbox, 5)  # the sandbox's simulation starts it on time
    live = [m async for m in zoom.iter_live_meetings()]
    assert [m.id for m in live] == [meeting_id]
    await zoom.end_meeting(meeting_id)
    assert [m async for m in zoom.iter_live_meetings()] == []
    past = await zoom.get_past_meeting(live[0].uuid)
    assert past.id == meeting_id
    assert past.end_time is not None
