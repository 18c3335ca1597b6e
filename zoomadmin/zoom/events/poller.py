"""Reconciles by polling: live meetings that appear or vanish become started/ended events."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Protocol

from zoomadmin.zoom.errors import NotFound, ZoomError
from zoomadmin.zoom.events.model import Event, EventKind
from zoomadmin.zoom.events.recording_watch import RecordingClient, RecordingWatch
from zoomadmin.zoom.events.source import EventSink, SourceState, StatusNotifier
from zoomadmin.zoom.models import LiveMeeting, PastMeeting

log = logging.getLogger(__name__)


class PollClient(RecordingClient, Protocol):
    """What the poller needs of :class:`~zoomadmin.zoom.client.ZoomClient`."""

    def iter_live_meetings(self) -> AsyncIterator[LiveMeeting]:
        """Every meeting running now."""
        ...

    async def get_past_meeting(self, uuid: str) -> PastMeeting:
        """One ended meeting instance."""
        ...


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _live_object(meeting: LiveMeeting) -> dict[str, Any]:
    obj: dict[str, Any] = {"id": meeting.id, "uuid": meeting.uuid, "host_id": meeting.host_id}
    if meeting.email:  # the dashboard names the host by email (it has no host id)
        obj["host_email"] = meeting.email
    obj["topic"] = meeting.topic
    if meeting.start_time is not None:
        obj["start_time"] = _iso(meeting.start_time)
    return obj


class Poller(StatusNotifier):
    """Synthesizes meeting.started / meeting.ended from the live-meetings list.

    Each poll compares ``iter_live_meetings`` with the meetings it knows to be live (from
    earlier polls and from events other sources delivered, via :meth:`observe`). A meeting
    that vanished is ended only when Zoom has it as a past meeting, or after ``misses_to_end``
    polls in a row without it: one empty page is not an end. :meth:`catch_up` polls at once
    (after a reconnect, say) and can name meeting UUIDs to check even if never seen.
    With ``recordings`` each poll also lists the account's recent recordings and reports
    the ones nobody reported as recording.completed (see :class:`RecordingWatch`).
    """

    def __init__(
        self,
        client: PollClient,
        interval: float = 60.0,
        *,
        account_id: str = "",
        misses_to_end: int = 2,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        recordings: bool = True,
    ) -> None:
        """Poll ``client`` every ``interval`` seconds; ``now`` dates unconfirmed ends."""
        super().__init__("poller")
        self._client = client
        self.interval = interval
        self._account_id = account_id
        self._misses_to_end = misses_to_end
        self._now = now
        self._live: dict[str, dict[str, Any]] = {}
        self._misses: dict[str, int] = {}
        self._wake = asyncio.Event()
        self._recordings = RecordingWatch(client, account_id, now) if recordings else None
        self.polls = 0

    @property
    def live_uuids(self) -> frozenset[str]:
        """UUIDs of the meeting instances the poller believes are live."""
        return frozenset(self._live)

    @property
    def live_meeting_ids(self) -> frozenset[int]:
        """Meeting ids of the instances the poller believes are live."""
        ids = (str(meeting.get("id", "")) for meeting in self._live.values())
        return frozenset(int(i) for i in ids if i.isdigit())

    def observe(self, event: Event) -> None:
        """Learn from an event another source delivered."""
        if self._recordings is not None:
            self._recordings.observe(event)
        uuid = event.meeting_uuid
        if not uuid:
            return
        if event.kind is EventKind.MEETING_STARTED:
            self._live.setdefault(uuid, dict(event.object))
        elif event.kind is EventKind.MEETING_ENDED:
            self._live.pop(uuid, None)
            self._misses.pop(uuid, None)

    def catch_up(self, uuids: Iterable[str] = ()) -> None:
        """Poll now; also check that each of ``uuids`` is still live."""
        for uuid in uuids:
            self._live.setdefault(uuid, {"uuid": uuid})
        self._wake.set()

    async def run(self, sink: EventSink) -> None:
        """Poll every ``interval`` seconds (or at once on :meth:`catch_up`) until cancelled."""
        self._set_status(SourceState.POLLING)
        try:
            while True:
                self._wake.clear()
                for event in await self.poll_once():
                    await sink(event)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.interval)
        finally:
            self._set_status(SourceState.STOPPED)

    async def poll_once(self) -> list[Event]:
        """One reconciliation: the events that explain how the live list changed."""
        try:
            live = {m.uuid: m async for m in self._client.iter_live_meetings()}
        except ZoomError as exc:
            log.warning("Polling live meetings failed: %s", exc.user_message)
            self._set_status(SourceState.POLLING, detail=f"last poll failed: {exc.user_message}")
            return []
        self.polls += 1
        events = await self._meeting_events(live)
        detail = ""
        if self._recordings is not None:
            events += await self._recordings.check()
            detail = self._recordings.detail
        self._set_status(SourceState.POLLING, detail=detail)
        return events

    async def _meeting_events(self, live: dict[str, LiveMeeting]) -> list[Event]:
        """meeting.started for new live meetings, meeting.ended for confirmed ends."""
        events = []
        for uuid, meeting in live.items():
            self._misses.pop(uuid, None)
            if uuid not in self._live:
                self._live[uuid] = _live_object(meeting)
                events.append(self._event(EventKind.MEETING_STARTED, self._live[uuid]))
        for uuid in [u for u in self._live if u not in live]:
            ended = await self._check_ended(uuid)
            if ended is not None:
                events.append(ended)
        return events

    async def _check_ended(self, uuid: str) -> Event | None:
        misses = self._misses[uuid] = self._misses.get(uuid, 0) + 1
        try:
            past: PastMeeting | None = await self._client.get_past_meeting(uuid)
        except NotFound:
            past = None
        except ZoomError as exc:
            log.info("Could not confirm the end of meeting %s yet: %s", uuid, exc.user_message)
            return None
        if (past is None or past.end_time is None) and misses < self._misses_to_end:
            return None
        self._misses.pop(uuid, None)
        obj = self._live.pop(uuid, None)
        if obj is None:
            return None  # another source delivered the end while Zoom was being asked
        if past is not None:
            obj.update({"id": past.id, "host_id": past.host_id or obj.get("host_id", "")})
            obj.setdefault("topic", past.topic)
            if past.start_time is not None:
                obj.setdefault("start_time", _iso(past.start_time))
        end = past.end_time if past is not None and past.end_time is not None else self._now()
        obj["end_time"] = _iso(end)
        return self._event(EventKind.MEETING_ENDED, obj)

    def _event(self, kind: EventKind, obj: dict[str, Any]) -> Event:
        when = obj.get("end_time" if kind is EventKind.MEETING_ENDED else "start_time")
        ts = datetime.fromisoformat(when.replace("Z", "+00:00")) if when else self._now()
        return Event(kind, ts, self._account_id, dict(obj), "poller")
