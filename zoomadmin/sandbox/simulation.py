"""The sandbox's living world: sessions start, run, end and get recorded as sandbox time passes."""

from __future__ import annotations

import heapq
import itertools
import logging
import random
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from zoomadmin.sandbox import sessions as ses
from zoomadmin.sandbox.clock import SandboxClock
from zoomadmin.sandbox.events import EventBus
from zoomadmin.sandbox.recording_view import recording_json
from zoomadmin.sandbox.state import LiveMeeting, Meeting, SandboxState, Token
from zoomadmin.sandbox.wire import iso

#: recording.completed download tokens live about a day (Zoom's documented lifetime).
DOWNLOAD_TOKEN_LIFETIME = timedelta(hours=24)
# Processing order of things due at the same instant: activations, ends, recordings, starts.
_ACTIVATE, _END, _RECORD, _START = range(4)
_log = logging.getLogger(__name__)
#: What one meeting's bad data can raise while it is simulated (a bug elsewhere still stops
#: the tick, which the server logs and retries).
_MEETING_FAILURES = (ArithmeticError, ValueError, TypeError, IndexError, KeyError)


def _schedule_key(meeting: Meeting) -> tuple[Any, ...]:
    """What decides a meeting's sessions: equal keys, equal sessions."""
    return (
        meeting.type,
        meeting.start_time,
        meeting.duration,
        meeting.timezone,
        tuple(sorted((meeting.recurrence or {}).items())),
        tuple(sorted(meeting.deleted_occurrences)),
        repr(sorted(meeting.occurrence_overrides.items())),
    )


@dataclass(order=True, slots=True)
class _Due:
    at: datetime
    kind: int
    seq: int
    data: Any = field(compare=False)


class Simulation:
    """Brings the account up to the clock: call :meth:`tick` after time moves (idempotent)."""

    def __init__(
        self, state: SandboxState, clock: SandboxClock, bus: EventBus, rng: random.Random
    ) -> None:
        """Simulate ``state`` from the clock's current time on; past sessions are left alone."""
        self.state = state
        self.clock = clock
        self.bus = bus
        self.seed = rng.getrandbits(64)
        self.rng = rng
        #: Base of download URLs in recording.completed (the server sets its own address).
        self.base_url = "http://127.0.0.1"
        self._lock = threading.RLock()
        self._cursor = clock.now()
        self._meetings_ref = state.meetings
        self._natural_end: dict[int, datetime] = {}
        self._series: dict[int, tuple[tuple[Any, ...], list[ses.Session]]] = {}
        self._skipped: list[dict[str, Any]] = []
        #: meeting id -> (its schedule when it failed, the error); a new schedule clears it.
        self._broken: dict[int, tuple[tuple[Any, ...], str]] = {}
        self._seq = itertools.count()

    def broken_meetings(self) -> dict[int, str]:
        """Meetings the simulation could not advance (id -> the error).

        A meeting leaves the list once it is deleted or its schedule changes.
        """
        with self._lock, self.state.lock:
            found: dict[int, str] = {}
            for meeting_id, (key, error) in self._broken.items():
                meeting = self.state.meetings.get(meeting_id)
                if meeting is not None and not meeting.deleted and _schedule_key(meeting) == key:
                    found[meeting_id] = error
            return found

    def _mark_broken(self, meeting_id: int, exc: Exception) -> None:
        """Log a meeting the simulation cannot advance (once per error) and go on."""
        meeting = self.state.meetings.get(meeting_id)
        key = _schedule_key(meeting) if meeting is not None else ()
        message = f"{type(exc).__name__}: {exc}"
        if self._broken.get(meeting_id) != (key, message):
            _log.error(
                "The sandbox cannot simulate meeting %s (%s); its sessions are skipped, "
                "the other meetings go on. Fix or delete the meeting.",
                meeting_id,
                message,
                exc_info=exc,
            )
        self._broken[meeting_id] = (key, message)

    def skipped(self) -> list[dict[str, Any]]:
        """Sessions that did not start, with the reason (no-show, host busy, already live)."""
        with self._lock:
            return list(self._skipped)

    # -- the tick -----------------------------------------------------------------------------

    def tick(self) -> None:
        """Process everything due between the last tick and now, in time order."""
        now = self.clock.now()
        with self._lock, self.state.lock:
            if self.state.meetings is not self._meetings_ref:  # the account was reset
                self._meetings_ref = self.state.meetings
                self._natural_end.clear()
                self._series.clear()
            if now < self._cursor:
                return  # the clock was set back: what happened stays happened
            queue = self._initial_queue(self._cursor, now)
            while queue and queue[0].at <= now:
                for follow in self._handle_isolated(heapq.heappop(queue)):
                    heapq.heappush(queue, follow)
            # Later ends are found again in state.live; later recordings wait in the state.
            self.state.pending_recordings = [(d.at, d.data) for d in queue if d.kind == _RECORD]
            self._cursor = now

    def _due(self, at: datetime, kind: int, data: Any) -> _Due:
        return _Due(at, kind, next(self._seq), data)

    def _initial_queue(self, since: datetime, now: datetime) -> list[_Due]:
        queue = [
            self._due(user.activates_at, _ACTIVATE, user.id)
            for user in self.state.users.values()
            if user.status == "pending" and user.activates_at is not None
        ]
        queue += [
            self._due(live.ends_at, _END, live.meeting_id) for live in self.state.live.values()
        ]
        queue += [self._due(at, _RECORD, uuid) for at, uuid in self.state.pending_recordings]
        self.state.pending_recordings.clear()
        heapq.heapify(queue)
        if since == now:
            return queue  # time stood still: only ends set to "now" (status end) are due
        for session in self._sessions_between(since - ses.MAX_LATE, now):
            try:
                plan = ses.plan(session, self.state.account, self.seed)
            except _MEETING_FAILURES as exc:
                self._mark_broken(session.meeting_id, exc)
                continue
            if since < plan.start <= now:
                queue.append(self._due(plan.start, _START, (session, plan)))
        heapq.heapify(queue)
        return queue

    def _handle_isolated(self, due: _Due) -> list[_Due]:
        """Handle ``due``; a failure caused by one meeting marks it and spares the others."""
        if due.kind == _ACTIVATE:
            return self._handle(due)  # about a user, not a meeting
        try:
            return self._handle(due)
        except _MEETING_FAILURES as exc:
            self._mark_broken(self._meeting_of(due), exc)
            return []

    def _meeting_of(self, due: _Due) -> int:
        if due.kind == _START:
            session: ses.Session = due.data[0]
            return session.meeting_id
        if due.kind == _END:
            meeting_id: int = due.data
            return meeting_id
        past = self.state.past.get(due.data) if due.kind == _RECORD else None
        return past.meeting_id if past is not None else -1

    def _handle(self, due: _Due) -> list[_Due]:
        if due.kind == _ACTIVATE:
            user = self.state.users.get(due.data)
            if user is not None and user.status == "pending":
                user.status, user.activates_at = "active", None
            return []
        if due.kind == _END:
            return self._on_end(due.data, due.at)
        if due.kind == _RECORD:
            self._complete_recording(due.data, due.at)
            return []
        session, plan = due.data
        return self._start(session, plan)

    # -- which sessions fall in a window --------------------------------------------------------

    def _sessions_between(self, since: datetime, until: datetime) -> list[ses.Session]:
        found: list[ses.Session] = []
        for meeting in self.state.meetings.values():
            if meeting.deleted or meeting.start_time is None:
                continue
            try:
                found.extend(self._meeting_sessions(meeting, since, until))
            except _MEETING_FAILURES as exc:
                self._mark_broken(meeting.id, exc)
        return found

    def _meeting_sessions(
        self, meeting: Meeting, since: datetime, until: datetime
    ) -> list[ses.Session]:
        if meeting.start_time is None:  # instant meetings have no schedule to simulate
            return []
        if meeting.type == 2:
            return ses.sessions(meeting) if since < meeting.start_time <= until else []
        if meeting.type == 8 and meeting.start_time <= until + timedelta(days=1):
            return [s for s in self._series_of(meeting) if since < s.start <= until]
        return []

    def _series_of(self, meeting: Meeting) -> list[ses.Session]:
        """The meeting's sessions, cached until the meeting's schedule changes."""
        key = _schedule_key(meeting)
        cached = self._series.get(meeting.id)
        if cached is None or cached[0] != key:
            listed = sorted(ses.sessions(meeting), key=lambda s: s.start)
            cached = (key, listed)
            self._series[meeting.id] = cached
        return cached[1]

    # -- start ----------------------------------------------------------------------------------

    def _skip(self, session: ses.Session, at: datetime, reason: str) -> list[_Due]:
        self._skipped.append(
            {
                "meeting_id": session.meeting_id,
                "occurrence_id": session.occurrence_id,
                "at": at,
                "reason": reason,
            }
        )
        return []

    def _start(self, session: ses.Session, plan: ses.Plan) -> list[_Due]:
        meeting = self.state.meetings.get(session.meeting_id)
        if meeting is None or meeting.deleted:
            return []
        host = self.state.users.get(meeting.host_id)
        if plan.no_show:
            return self._skip(session, plan.start, "the host did not join")
        if meeting.id in self.state.live:
            return self._skip(session, plan.start, "the meeting is still in progress")
        running = sum(1 for live in self.state.live.values() if live.host_id == meeting.host_id)
        limit = ses.concurrent_limit(self.state.account, host, plan.start)
        if running >= limit:
            return self._skip(
                session, plan.start, f"the host already runs {running} meeting(s) (limit {limit})"
            )
        first = not self.state.past_by_meeting.get(meeting.id)
        uuid = meeting.uuid if first else self.state.new_uuid(self.rng)
        cut = not ses.licensed_during(host, plan.start, plan.start + ses.BASIC_CUT)
        ends_at = min(plan.natural_end, plan.start + ses.BASIC_CUT) if cut else plan.natural_end
        live = ses.go_live(
            self.state, meeting, host, session=session, start_plan=plan, uuid=uuid, end=ends_at
        )
        self._natural_end[meeting.id] = plan.natural_end
        self._publish("meeting.started", self._meeting_object(meeting, live), plan.start)
        return [self._due(ends_at, _END, meeting.id)]

    def _publish(
        self, event: str, obj: dict[str, Any], at: datetime, download_token: str | None = None
    ) -> None:
        """Publish with event_ts = when it happened (a clock jump publishes many at once)."""
        top: dict[str, Any] = {"event_ts": int(at.timestamp() * 1000)}
        if download_token is not None:
            top["download_token"] = download_token
        self.bus.publish(event, obj, top_level=top)

    def _meeting_object(self, meeting: Meeting, live: LiveMeeting) -> dict[str, Any]:
        return {
            "id": meeting.id,
            "uuid": live.uuid,
            "host_id": meeting.host_id,
            "topic": meeting.topic,
            "type": meeting.type,
            "start_time": iso(live.started_at),
            "timezone": meeting.timezone,
            "duration": meeting.duration,
        }

    # -- end ------------------------------------------------------------------------------------

    def _on_end(self, meeting_id: int, at: datetime) -> list[_Due]:
        live = self.state.live.get(meeting_id)
        if live is None or live.ends_at != at:
            return []  # ended already, or rescheduled
        if live.cut_at_40 and at == live.started_at + ses.BASIC_CUT:
            host = self.state.users.get(live.host_id)
            if ses.licensed_during(host, live.started_at, live.started_at + ses.BASIC_CUT):
                # Zoom quirk: a host upgraded during the first 40 minutes is not cut.
                live.cut_at_40 = False
                live.ends_at = self._natural_end.get(meeting_id, live.scheduled_end)
                return [self._due(live.ends_at, _END, meeting_id)]
        return self._finish(live, at)

    def _finish(self, live: LiveMeeting, at: datetime) -> list[_Due]:
        self.state.live.pop(live.meeting_id, None)
        self._natural_end.pop(live.meeting_id, None)
        meeting = self.state.meetings.get(live.meeting_id)
        if meeting is None:
            return []
        meeting.status = "waiting"
        host = self.state.users.get(live.host_id)
        people = ses.participants(host, len(live.participants) - 1, live.started_at, at, live.uuid)
        past = ses.past_meeting(meeting, live.uuid, live.started_at, at, people)
        self.state.add_past(past)
        obj = self._meeting_object(meeting, live)
        obj["end_time"] = iso(at)
        self._publish("meeting.ended", obj, at)
        # Zoom quirk: Basic hosts cannot record to the cloud; a seat held during the session counts.
        if not (
            ses.cloud_recorded(meeting, host) and ses.licensed_during(host, live.started_at, at)
        ):
            return []
        plan_delay = ses.plan(
            ses.Session(meeting.id, live.occurrence_id, live.started_at, meeting.duration),
            self.state.account,
            self.seed,
        ).recording_delay
        return [self._due(at + plan_delay, _RECORD, live.uuid)]

    # -- recordings -----------------------------------------------------------------------------

    def _complete_recording(self, uuid: str, at: datetime) -> None:
        past = self.state.past.get(uuid)
        meeting = self.state.meetings.get(past.meeting_id) if past else None
        if past is None or meeting is None or uuid in self.state.recordings:
            return
        rec = ses.recording(past, meeting, at)
        self.state.add_recording(rec)
        token = Token(
            value=secrets.token_urlsafe(32),
            expires_at=at + DOWNLOAD_TOKEN_LIFETIME,
            scopes=frozenset(),
            kind="download",
            meeting_uuid=uuid,
        )
        self.state.add_token(token)
        self._publish(
            "recording.completed", recording_json(self.state, self.base_url, rec), at, token.value
        )
