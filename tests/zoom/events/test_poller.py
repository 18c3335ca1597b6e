"""The poller against the sandbox: started and ended from the live list, ends confirmed by
the past meeting, and no end from a single miss that Zoom cannot confirm."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.zoom.events.events_support import advance, schedule
from zoomadmin.sandbox import SandboxServer
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.events.model import EventKind
from zoomadmin.zoom.events.poller import Poller
from zoomadmin.zoom.events.source import SourceState


async def test_live_list_changes_become_started_and_confirmed_ended(
    sandbox: SandboxServer, zoom: ZoomClient
) -> None:
    poller = Poller(zoom, account_id=sandbox.info.account_id)
    assert await poller.poll_once() == []
    meeting_id = await schedule(sandbox, zoom, 5)
    advance(sandbox, 5)
    (started,) = await poller.poll_once()
    assert (started.kind, started.source, started.meeting_id) == (
        EventKind.MEETING_STARTED,
        "poller",
        meeting_id,
    )
    assert started.account_id == sandbox.info.account_id
    assert started.event_ts == started.start_time
    assert await poller.poll_once() == []  # still live: nothing new
    advance(sandbox, 40)
    (ended,) = await poller.poll_once()  # one miss is enough: the past meeting confirms it
    past = await zoom.get_past_meeting(started.meeting_uuid)
    assert ended.kind is EventKind.MEETING_ENDED
    assert ended.dedupe_key == f"meeting.ended:{started.meeting_uuid}"
    assert ended.end_time == past.end_time == ended.event_ts
    assert poller.live_uuids == frozenset() and poller.polls == 4
    assert poller.status.state is SourceState.POLLING


async def test_an_unconfirmed_disappearance_needs_two_misses(
    sandbox: SandboxServer, zoom: ZoomClient
) -> None:
    now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    poller = Poller(zoom, now=lambda: now)
    # A meeting the app believed live, which Zoom neither lists nor knows as past.
    poller.catch_up(["NotLiveNorPast0123456=="])
    assert await poller.poll_once() == []
    assert poller.live_uuids == {"NotLiveNorPast0123456=="}
    (ended,) = await poller.poll_once()
    assert ended.kind is EventKind.MEETING_ENDED
    assert ended.meeting_uuid == "NotLiveNorPast0123456=="
    assert ended.end_time == now
