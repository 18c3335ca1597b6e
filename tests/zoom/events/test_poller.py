"""The poller against the sandbox: started and ended from the live list, ends confirmed by
the past meeting, and no end from a single miss that Zoom cannot confirm."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.zoom.events.events_support import advance, schedule
from zoomadmin.sandbox import SandboxServer
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.events.model import Event, EventKind
from zoomadmin.zoom.events.poller import Poller
from zoomadmin.zoom.events.source import SourceState
from zoomadmin.zoom.models import MeetingRequest


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


async def test_a_completed_recording_is_found_by_listing_and_reported_once(
    sandbox: SandboxServer, zoom: ZoomClient
) -> None:
    clock = sandbox.sandbox.clock
    poller = Poller(zoom, account_id=sandbox.info.account_id, now=clock.now)
    assert await poller.poll_once() == []  # the first look only learns what exists
    start = clock.now() + timedelta(minutes=5)
    request = MeetingRequest(
        topic="Chemistry", start_time=start, duration=30, settings={"auto_recording": "cloud"}
    )
    meeting = await zoom.create_meeting("me", request)
    advance(sandbox, 5)
    (started,) = await poller.poll_once()
    advance(sandbox, 31)  # it ends after its 30 minutes; the recording takes minutes more
    (ended,) = await poller.poll_once()
    assert ended.kind is EventKind.MEETING_ENDED
    advance(sandbox, 15)  # Zoom has processed the recording by now
    (completed,) = await poller.poll_once()
    assert (completed.kind, completed.source) == (EventKind.RECORDING_COMPLETED, "poller")
    assert completed.meeting_id == meeting.id
    assert completed.meeting_uuid == started.meeting_uuid
    assert completed.host_id == meeting.host_id
    recording = await zoom.get_meeting_recordings(started.meeting_uuid)
    assert [f["id"] for f in completed.object["recording_files"]] == [
        f.id for f in recording.recording_files
    ]
    assert completed.dedupe_key == f"recording.completed:{started.meeting_uuid}"
    assert await poller.poll_once() == []  # reported once


async def test_a_recording_another_source_reported_is_not_reported_again(
    sandbox: SandboxServer, zoom: ZoomClient
) -> None:
    clock = sandbox.sandbox.clock
    poller = Poller(zoom, account_id=sandbox.info.account_id, now=clock.now)
    await poller.poll_once()
    request = MeetingRequest(
        topic="Physics",
        start_time=clock.now() + timedelta(minutes=5),
        duration=30,
        settings={"auto_recording": "cloud"},
    )
    await zoom.create_meeting("me", request)
    advance(sandbox, 5)
    (started,) = await poller.poll_once()
    advance(sandbox, 60)
    pushed = Event(
        EventKind.RECORDING_COMPLETED,
        clock.now(),
        sandbox.info.account_id,
        {"uuid": started.meeting_uuid, "id": started.meeting_id},
        "websocket",
    )
    poller.observe(pushed)
    events = await poller.poll_once()
    assert [e.kind for e in events] == [EventKind.MEETING_ENDED]


async def test_without_the_recordings_scope_meetings_are_still_reconciled(
    sandbox: SandboxServer, zoom: ZoomClient, admin: Callable[..., dict[str, Any]]
) -> None:
    scopes = ["meeting:read:admin", "meeting:write:admin", "dashboard_meetings:read:admin"]
    admin("PATCH", "/config", json={"scopes": scopes})
    zoom.tokens.invalidate()
    poller = Poller(zoom, account_id=sandbox.info.account_id, now=sandbox.sandbox.clock.now)
    assert await poller.poll_once() == []
    assert "cloud_recording:read:list_account_recordings:admin" in poller.status.detail
    assert poller.status.detail.startswith("New recordings show up only when Zoom announces")
    await schedule(sandbox, zoom, 5)
    advance(sandbox, 5)
    (started,) = await poller.poll_once()
    assert started.kind is EventKind.MEETING_STARTED


async def test_an_end_pushed_while_the_poller_confirms_it_does_not_stop_the_poller(
    sandbox: SandboxServer, zoom: ZoomClient, monkeypatch: Any
) -> None:
    poller = Poller(zoom, account_id=sandbox.info.account_id)
    await poller.poll_once()
    await schedule(sandbox, zoom, 5)
    advance(sandbox, 5)
    (started,) = await poller.poll_once()
    advance(sandbox, 40)
    ask_zoom = zoom.get_past_meeting

    async def pushed_meanwhile(uuid: str) -> Any:
        # The WebSocket's meeting.ended arrives while the poller waits for Zoom's answer.
        pushed = Event(
            EventKind.MEETING_ENDED, started.event_ts, "", dict(started.object), "websocket"
        )
        poller.observe(pushed)
        return await ask_zoom(uuid)

    monkeypatch.setattr(zoom, "get_past_meeting", pushed_meanwhile)
    assert await poller.poll_once() == []  # already delivered by the push source
    assert poller.live_uuids == frozenset()
    assert await poller.poll_once() == []
