"""Session changes: one-off and instant sessions, moves, new times, cancellations and a
host's coming sessions handed to another host; each priced first, then queued once.

Every change is first a :class:`ChangePlan`: the Zoom writes it takes, what they cost each
host against what it has left today (Zoom counts creates, updates and deletes against a
host's 100 a UTC day), and whether they go now or wait for 00:00 UTC. :meth:`submit` then
puts the writes in the schedule queue, which sends each exactly once.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from zoomadmin.core.actor import current_actor
from zoomadmin.core.changes import ChangeBus, ChangeKind
from zoomadmin.core.clock import next_utc_midnight
from zoomadmin.core.enums import HOST_DAILY_LIMIT
from zoomadmin.core.errors import AppError
from zoomadmin.core.records import HostRecord
from zoomadmin.core.schedule import IntentKind, IntentRecord, IntentState, NewIntent
from zoomadmin.services.schedule_queue import ScheduleQueue
from zoomadmin.store.errors import NotFoundError
from zoomadmin.store.meetings import MeetingRecord, OccurrenceData
from zoomadmin.store.repositories import Store, Transaction
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.errors import NotFound
from zoomadmin.zoom.models import Meeting, MeetingType

MAX_DURATION = 24 * 60
"""The longest session accepted here, in minutes (Zoom's own cap is higher)."""
INSTANT_MINUTES = 60
"""The length an instant meeting is planned with (Zoom does not end it then)."""
_OPEN = (IntentState.QUEUED, IntentState.SENDING, IntentState.WAITING)


class SessionChangeError(AppError):
    """A session change that cannot be planned or sent as asked."""


class ChangeAction:
    """The names of the changes (in plans, the audit log and ``--json``)."""

    ADD = "add"
    START_NOW = "start_now"
    MOVE = "move"
    CHANGE_SERIES = "change_series"
    CANCEL_OCCURRENCE = "cancel_occurrence"
    CANCEL_SERIES = "cancel_series"
    HAND_OVER = "hand_over"
    CANCEL_ALL = "cancel_all"


@dataclass(frozen=True)
class HostCharge:
    """What one host's part of a change costs against its daily quota."""

    host_id: int
    email: str
    requests: int
    left_today: int
    """The host's requests left today, less what its queue already holds."""
    last_at: datetime
    """When its last request can go: now, or a coming 00:00 UTC."""

    @property
    def goes_now(self) -> bool:
        """Whether all of it fits in what the host has left today."""
        return self.requests <= self.left_today

    @property
    def waiting(self) -> int:
        """Requests that wait for a coming UTC day."""
        return max(0, self.requests - self.left_today)

    def to_json(self) -> dict[str, Any]:
        """One host's charge as ``--json`` prints it."""
        return {
            "host_id": self.host_id,
            "email": self.email,
            "requests": self.requests,
            "left_today": self.left_today,
            "goes_now": self.goes_now,
            "waiting_requests": self.waiting,
            "last_at": self.last_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


@dataclass(frozen=True)
class ChangePlan:
    """A change before anything is sent: its writes and what they cost."""

    action: str
    description: str
    intents: tuple[NewIntent, ...]
    charges: tuple[HostCharge, ...]
    now: datetime
    sessions: int = 1
    """The sessions it creates, changes or cancels."""
    meeting_ids: tuple[int, ...] = ()
    """Meetings in Zoom it changes or cancels."""
    drop_intents: tuple[int, ...] = ()
    """Queued intents (not yet sent) it cancels, at no cost."""
    retarget: tuple[int, int] | None = None
    """(from host, to host): the queued intents of one go to the other, at no cost."""
    queued_moved: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def requests(self) -> int:
        """Zoom requests in all."""
        return sum(c.requests for c in self.charges)

    @property
    def goes_now(self) -> bool:
        """Whether every host has the quota for its part today."""
        return all(c.goes_now for c in self.charges)

    @property
    def last_at(self) -> datetime:
        """When the last request can go."""
        return max((c.last_at for c in self.charges), default=self.now)

    @property
    def summary(self) -> str:
        """``2 requests, all today`` or ``120 requests, 20 wait for Tue 03 Mar 00:00 UTC``."""
        words = f"{self.requests} request{'s' if self.requests != 1 else ''}"
        if self.goes_now:
            return f"{words}, all today" if self.requests else "no request"
        waiting = sum(c.waiting for c in self.charges)
        when = self.last_at.astimezone(UTC)
        return f"{words}, {waiting} wait for {when:%a %d %b} 00:00 UTC"

    def to_json(self) -> dict[str, Any]:
        """The plan as every ``zoomadmin session ... --json`` prints it (``--dry-run``)."""
        return {
            "action": self.action,
            "description": self.description,
            "sessions": self.sessions,
            "requests": self.requests,
            "goes_now": self.goes_now,
            "summary": self.summary,
            "hosts": [c.to_json() for c in self.charges],
            "meeting_ids": list(self.meeting_ids),
            "queued_cancelled": len(self.drop_intents),
            "queued_moved": self.queued_moved,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Links:
    """A meeting's links: the participants' join link and the host's start link."""

    meeting_id: int
    join_url: str
    start_url: str
    """Starts the meeting as its host; Zoom's expires two hours after it was fetched."""

    def to_json(self) -> dict[str, Any]:
        """The links as ``--json`` prints them."""
        return {
            "meeting_id": self.meeting_id,
            "join_url": self.join_url,
            "start_url": self.start_url,
        }


@dataclass(frozen=True)
class Submitted:
    """A change put in the queue (and, for "start now", sent)."""

    batch: str
    intent_ids: tuple[int, ...]
    plan: ChangePlan
    links: Links | None = None
    sent: tuple[IntentRecord, ...] = ()
    """Each intent as it stood after the queue's pass over its hosts (empty: not run)."""

    @property
    def states(self) -> tuple[IntentState, ...]:
        """Each intent's state after that pass."""
        return tuple(i.state for i in self.sent)

    @property
    def done(self) -> bool:
        """Whether every write has gone to Zoom."""
        return bool(self.sent) and all(s is IntentState.CREATED for s in self.states)

    @property
    def created_meetings(self) -> list[int]:
        """The meetings its creates made in Zoom (so far)."""
        return [
            i.meeting_id
            for i in self.sent
            if i.kind is IntentKind.CREATE and i.meeting_id is not None
        ]

    def to_json(self) -> dict[str, Any]:
        """What ``zoomadmin session ... --json`` prints once submitted."""
        document = {**self.plan.to_json(), "batch": self.batch, "intents": len(self.intent_ids)}
        if self.sent:
            document["created_meeting_ids"] = self.created_meetings
            document["sent"] = sum(s is IntentState.CREATED for s in self.states)
            document["waiting"] = sum(s is IntentState.WAITING for s in self.states)
            document["failed"] = sum(s is IntentState.FAILED for s in self.states)
        if self.links is not None:
            document["links"] = self.links.to_json()
        return document


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SessionChangeError(f"“{name}” is not a time zone (e.g. Europe/Berlin).") from exc


def _check_duration(minutes: int) -> int:
    if not 1 <= minutes <= MAX_DURATION:
        raise SessionChangeError(
            f"A session lasts 1 to {MAX_DURATION} minutes; {minutes} is not that."
        )
    return minutes


def _check_title(title: str) -> str:
    title = title.strip()
    if not title or len(title) > 200:
        raise SessionChangeError("A session needs a title of 1 to 200 characters.")
    return title


def _intent(
    kind: IntentKind,
    host: HostRecord,
    *,
    topic: str,
    meeting_type: int,
    start: datetime,
    timezone: str,
    duration: int,
    starts: Sequence[datetime] = (),
    seq: int = 0,
    parent_index: int | None = None,
    meeting_id: int | None = None,
    occurrence_id: str | None = None,
    recurrence: dict[str, object] | None = None,
) -> NewIntent:
    local = start.astimezone(_zone(timezone)).replace(tzinfo=None)
    return NewIntent(
        kind=kind,
        host_id=host.id,
        zoom_user_id=host.zoom_user_id,
        tenant_id=host.tenant_id,
        topic=topic,
        meeting_type=meeting_type,
        start_local=local.isoformat(),
        timezone=timezone,
        duration_minutes=duration,
        weekly_days=None,
        end_times=None,
        first_start=start.astimezone(UTC),
        seq=seq,
        session_starts=tuple(starts) or (start.astimezone(UTC),),
        parent_index=parent_index,
        meeting_id=meeting_id,
        occurrence_id=occurrence_id,
        recurrence=recurrence,
    )


def _coming(meeting: Meeting, now: datetime) -> list[tuple[str, datetime, int]]:
    """(occurrence id, start, length) of a meeting's sessions not cancelled, from ``now``."""
    default = meeting.duration or 60
    if not meeting.occurrences:
        if meeting.start_time is None or meeting.start_time < now:
            return []
        return [("", meeting.start_time, default)]
    return [
        (o.occurrence_id, o.start_time, o.duration or default)
        for o in meeting.occurrences
        if o.start_time is not None and o.start_time >= now and o.status != "deleted"
    ]


class SessionChanges:
    """Plans and submits the calendar's session changes (Qt-free; the Calendar tab, the
    Tenants & Hosts tab and ``zoomadmin session`` all use this one instance)."""

    def __init__(
        self,
        store: Store,
        zoom: ZoomClient,
        queue: ScheduleQueue,
        *,
        now: Callable[[], datetime],
        bus: ChangeBus,
    ) -> None:
        self._store = store
        self._zoom = zoom
        self._queue = queue
        self._now = now
        self._bus = bus

    # --- looking things up ---------------------------------------------------------------

    async def host(self, host: int | str) -> HostRecord:
        """A stored host by id or email (refused when there is none)."""
        if isinstance(host, str):
            found = await asyncio.to_thread(self._store.hosts.find_by_email, host.strip())
            if found is None:
                raise SessionChangeError(f"There is no host {host} (sync, or check the address).")
            return found
        try:
            return await asyncio.to_thread(self._store.hosts.get, host)
        except NotFoundError as exc:
            raise SessionChangeError(f"There is no host with id {host} any more.") from exc

    async def _meeting(self, meeting_id: int) -> tuple[MeetingRecord, Meeting, HostRecord]:
        """The stored meeting, Zoom's (a GET: it spends no host quota) and its host."""
        try:
            stored = await asyncio.to_thread(self._store.meetings.get, meeting_id)
        except NotFoundError as exc:
            raise SessionChangeError(
                f"Meeting {meeting_id} is not in zoomadmin's calendar (sync, or check the id)."
            ) from exc
        try:
            meeting = await self._zoom.get_meeting(meeting_id, show_previous_occurrences=True)
        except NotFound as exc:
            raise SessionChangeError(
                f"Meeting {meeting_id} is no longer in Zoom; sync to bring the calendar up to date."
            ) from exc
        return stored, meeting, await self.host(stored.host_id)

    async def left_today(self, host: HostRecord) -> int:
        """The host's requests left today (by the ledger), less what its queue holds."""
        remaining = (await self._zoom.quota(host.zoom_user_id)).remaining
        queued = await asyncio.to_thread(self._store.schedule.listed, _OPEN, host_id=host.id)
        return max(0, remaining - len(queued))

    async def _charge(self, host: HostRecord, requests: int, now: datetime) -> HostCharge:
        left = await self.left_today(host)
        last, over = now, requests - left
        if over > 0:  # each coming UTC day gives the host its 100 again
            days = -(-over // HOST_DAILY_LIMIT)
            last = next_utc_midnight(now) + timedelta(days=days - 1)
        return HostCharge(host.id, host.email, requests, left, last)

    async def _plan(
        self,
        action: str,
        description: str,
        intents: Sequence[NewIntent],
        hosts: Sequence[HostRecord],
        **extra: Any,
    ) -> ChangePlan:
        now = self._now()
        per_host = {h.id: 0 for h in hosts}
        for intent in intents:
            per_host[intent.host_id] = per_host.get(intent.host_id, 0) + 1
        by_id = {h.id: h for h in hosts}
        charges = [await self._charge(by_id[i], n, now) for i, n in per_host.items() if n]
        notes = (*extra.pop("notes", ()), *await self._clashes(intents, by_id))
        return ChangePlan(
            action, description, tuple(intents), tuple(charges), now, notes=notes, **extra
        )

    async def _clashes(
        self, intents: Sequence[NewIntent], hosts: dict[int, HostRecord]
    ) -> list[str]:
        """Words for each new or moved session that overlaps another of its host's stored
        sessions (a note: a person may mean it, e.g. a drop-in beside a lecture)."""
        kinds = (IntentKind.CREATE, IntentKind.UPDATE_OCCURRENCE, IntentKind.UPDATE_SERIES)
        spans = [
            (i, start, start + timedelta(minutes=i.duration_minutes))
            for i in intents
            if i.kind in kinds
            for start in i.session_starts
        ]
        if not spans:
            return []
        first, last = min(s for _, s, _ in spans), max(e for _, _, e in spans)
        notes: list[str] = []
        for host_id in {i.host_id for i, _, _ in spans}:
            stored = await asyncio.to_thread(
                self._store.meetings.sessions_between,
                first - timedelta(days=1),
                last,
                host_id=host_id,
            )
            for intent, start, end in spans:
                if intent.host_id != host_id:
                    continue
                for other in stored:
                    if other.meeting_id == intent.meeting_id:
                        continue
                    if other.start_time < end and start < other.end_time:
                        email = hosts[host_id].email if host_id in hosts else "the host"
                        notes.append(
                            f"{start.astimezone(UTC):%a %d %b %H:%M} UTC overlaps "
                            f"“{other.topic}” of {email} "
                            f"({other.start_time.astimezone(UTC):%H:%M} UTC)."
                        )
        return sorted(set(notes))

    def _future(self, start: datetime) -> datetime:
        if start <= self._now():
            raise SessionChangeError(
                f"{start.astimezone(UTC):%Y-%m-%d %H:%M} UTC has passed; choose a later start."
            )
        return start.astimezone(UTC)

    # --- new sessions ---------------------------------------------------------------------

    async def plan_add(
        self,
        host: int | str,
        title: str,
        start: datetime,
        duration_minutes: int,
        timezone: str | None = None,
    ) -> ChangePlan:
        """One scheduled session (a type 2 meeting): one request of the host.

        A naive ``start`` is wall-clock time in ``timezone`` (default: the host's tenant's).
        """
        record = await self.host(host)
        zone = timezone or await self._tenant_zone(record)
        _zone(zone)
        if start.tzinfo is None:
            start = start.replace(tzinfo=_zone(zone))
        start = self._future(start)
        intent = _intent(
            IntentKind.CREATE,
            record,
            topic=_check_title(title),
            meeting_type=MeetingType.SCHEDULED,
            start=start,
            timezone=zone,
            duration=_check_duration(duration_minutes),
        )
        local = start.astimezone(_zone(zone))
        description = f"“{intent.topic}” for {record.email} on {local:%a %d %b %Y %H:%M} {zone}"
        return await self._plan(ChangeAction.ADD, description, [intent], [record])

    async def plan_start_now(self, host: int | str, title: str) -> ChangePlan:
        """An instant meeting (type 1) for the host: one request."""
        record = await self.host(host)
        zone = await self._tenant_zone(record)
        intent = _intent(
            IntentKind.CREATE,
            record,
            topic=_check_title(title),
            meeting_type=MeetingType.INSTANT,
            start=self._now(),
            timezone=zone,
            duration=INSTANT_MINUTES,
        )
        description = f"“{intent.topic}” for {record.email}, starting now"
        plan = await self._plan(ChangeAction.START_NOW, description, [intent], [record])
        if not plan.goes_now:
            raise SessionChangeError(
                f"{record.email} has no Zoom requests left today (100 a day, back at "
                f"{next_utc_midnight(plan.now):%H:%M} UTC): start the meeting with another "
                "host, or from Zoom itself."
            )
        return plan

    async def _tenant_zone(self, host: HostRecord) -> str:
        if host.tenant_id is None:
            return "UTC"
        tenant = await asyncio.to_thread(self._store.tenants.get, host.tenant_id)
        return tenant.timezone or "UTC"

    # --- changes of sessions in Zoom ------------------------------------------------------

    def _session(
        self, meeting: Meeting, occurrence_id: str | None
    ) -> tuple[str, datetime, int] | None:
        coming = _coming(meeting, self._now())
        if not occurrence_id:
            if meeting.occurrences:
                return None
            return coming[0] if coming else None
        return next((c for c in coming if c[0] == occurrence_id), None)

    async def plan_move(
        self,
        meeting_id: int,
        start: datetime,
        *,
        occurrence_id: str | None = None,
        duration_minutes: int | None = None,
    ) -> ChangePlan:
        """Move one session (one occurrence, or a one-off meeting): one request.

        A naive ``start`` is wall-clock time in the meeting's zone.
        """
        stored, meeting, host = await self._meeting(meeting_id)
        session = self._session(meeting, occurrence_id)
        if session is None:
            raise SessionChangeError(self._which(meeting_id, meeting, occurrence_id))
        zone = meeting.timezone or stored.timezone or "UTC"
        if start.tzinfo is None:
            start = start.replace(tzinfo=_zone(zone))
        start = self._future(start)
        duration = _check_duration(duration_minutes or session[2])
        intent = _intent(
            IntentKind.UPDATE_OCCURRENCE,
            host,
            topic=meeting.topic or stored.topic,
            meeting_type=meeting.type,
            start=start,
            timezone=zone,
            duration=duration,
            meeting_id=meeting_id,
            occurrence_id=session[0] or None,
        )
        old = session[1].astimezone(_zone(zone))
        new = start.astimezone(_zone(zone))
        description = (
            f"“{intent.topic}” of {old:%a %d %b %H:%M} moves to {new:%a %d %b %Y %H:%M} {zone}"
        )
        return await self._plan(
            ChangeAction.MOVE, description, [intent], [host], meeting_ids=(meeting_id,)
        )

    async def plan_change_series(
        self,
        meeting_id: int,
        occurrence_id: str,
        *,
        start_time: str | None = None,
        duration_minutes: int | None = None,
    ) -> ChangePlan:
        """A series' time of day (``HH:MM`` in its zone) and/or length, from one session on.

        From the series' next session on, with none of the rest cancelled: one request (the
        series itself). From a later session on: one request per session changed (Zoom has
        no "from here on" for a series; each occurrence is changed, and the link stays).
        """
        stored, meeting, host = await self._meeting(meeting_id)
        if not meeting.occurrences or meeting.recurrence is None:
            raise SessionChangeError(
                f"Meeting {meeting_id} is not a series; move its session instead."
            )
        if start_time is None and duration_minutes is None:
            raise SessionChangeError("Say the new time of day, the new length, or both.")
        coming = _coming(meeting, self._now())
        index = next((n for n, c in enumerate(coming) if c[0] == occurrence_id), None)
        if index is None:
            raise SessionChangeError(self._which(meeting_id, meeting, occurrence_id))
        zone = meeting.timezone or stored.timezone or "UTC"
        hour_minute = _hour_minute(start_time) if start_time else None
        rest = coming[index:]

        def moved(start: datetime) -> datetime:
            if hour_minute is None:
                return start
            local = start.astimezone(_zone(zone))
            wanted = local.replace(hour=hour_minute[0], minute=hour_minute[1], second=0)
            return wanted.replace(tzinfo=_zone(zone)).astimezone(UTC)

        topic = meeting.topic or stored.topic
        cancelled_later = any(
            o.status == "deleted" and o.start_time is not None and o.start_time >= rest[0][1]
            for o in meeting.occurrences
        )
        intents: list[NewIntent]
        if index == 0 and not cancelled_later:
            recurrence = meeting.recurrence.model_dump(mode="json", exclude_none=True)
            recurrence.pop("end_date_time", None)
            recurrence["end_times"] = len(rest)
            first = self._future(moved(rest[0][1]))
            intents = [
                _intent(
                    IntentKind.UPDATE_SERIES,
                    host,
                    topic=topic,
                    meeting_type=meeting.type,
                    start=first,
                    timezone=zone,
                    duration=_check_duration(duration_minutes or meeting.duration or 60),
                    starts=[moved(s) for _, s, _ in rest],
                    meeting_id=meeting_id,
                    recurrence=recurrence,
                )
            ]
        else:
            intents = [
                _intent(
                    IntentKind.UPDATE_OCCURRENCE,
                    host,
                    topic=topic,
                    meeting_type=meeting.type,
                    start=self._future(moved(start)),
                    timezone=zone,
                    duration=_check_duration(duration_minutes or length),
                    seq=n,
                    meeting_id=meeting_id,
                    occurrence_id=occ,
                )
                for n, (occ, start, length) in enumerate(rest)
            ]
        what = []
        if hour_minute is not None:
            what.append(f"at {hour_minute[0]:02d}:{hour_minute[1]:02d} {zone}")
        if duration_minutes is not None:
            what.append(f"for {duration_minutes} minutes")
        first_local = rest[0][1].astimezone(_zone(zone))
        description = (
            f"“{topic}”: {len(rest)} session(s) from {first_local:%a %d %b %Y} on " + " ".join(what)
        )
        return await self._plan(
            ChangeAction.CHANGE_SERIES,
            description,
            intents,
            [host],
            sessions=len(rest),
            meeting_ids=(meeting_id,),
        )

    async def plan_cancel(
        self, meeting_id: int, *, occurrence_id: str | None = None, series: bool = False
    ) -> ChangePlan:
        """Cancel one session (an occurrence; a one-off meeting is deleted) or a whole
        meeting (``series``): one request either way."""
        stored, meeting, host = await self._meeting(meeting_id)
        topic = meeting.topic or stored.topic
        zone = meeting.timezone or stored.timezone or "UTC"
        coming = _coming(meeting, self._now())
        if series or not meeting.occurrences:
            if not series and not coming:
                raise SessionChangeError(self._which(meeting_id, meeting, occurrence_id))
            first = coming[0][1] if coming else (meeting.start_time or self._now())
            intent = _intent(
                IntentKind.DELETE_MEETING,
                host,
                topic=topic,
                meeting_type=meeting.type,
                start=first,
                timezone=zone,
                duration=meeting.duration or 60,
                starts=[s for _, s, _ in coming],
                meeting_id=meeting_id,
            )
            action = (
                ChangeAction.CANCEL_SERIES
                if meeting.occurrences
                else ChangeAction.CANCEL_OCCURRENCE
            )
            description = (
                f"“{topic}”: {len(coming)} coming session(s) cancelled (the meeting is deleted)"
            )
            return await self._plan(
                action,
                description,
                [intent],
                [host],
                sessions=len(coming),
                meeting_ids=(meeting_id,),
            )
        session = self._session(meeting, occurrence_id)
        if session is None:
            raise SessionChangeError(self._which(meeting_id, meeting, occurrence_id))
        intent = _intent(
            IntentKind.CANCEL_OCCURRENCE,
            host,
            topic=topic,
            meeting_type=meeting.type,
            start=session[1],
            timezone=zone,
            duration=session[2],
            meeting_id=meeting_id,
            occurrence_id=session[0],
        )
        local = session[1].astimezone(_zone(zone))
        description = f"“{topic}” of {local:%a %d %b %Y %H:%M} {zone} cancelled"
        return await self._plan(
            ChangeAction.CANCEL_OCCURRENCE, description, [intent], [host], meeting_ids=(meeting_id,)
        )

    @staticmethod
    def _which(meeting_id: int, meeting: Meeting, occurrence_id: str | None) -> str:
        if meeting.occurrences and not occurrence_id:
            return (
                f"Meeting {meeting_id} is a series: name the session (its occurrence id), "
                "or the whole series."
            )
        if occurrence_id:
            return (
                f"Meeting {meeting_id} has no coming session {occurrence_id} (it has passed, "
                "was cancelled, or the id is wrong)."
            )
        return f"Meeting {meeting_id}'s session has passed; nothing is left to change."

    # --- a host's coming sessions -------------------------------------------------------

    async def coming(self, host: int | str) -> list[MeetingRecord]:
        """The host's meetings with a session still to come (from the store)."""
        record = await self.host(host)
        return await asyncio.to_thread(self._store.meetings.coming_for_host, record.id, self._now())

    async def hand_over_targets(self, host: int | str) -> list[HostRecord]:
        """The hosts a host's sessions may go to: the other active hosts of its tenant."""
        record = await self.host(host)
        if record.tenant_id is None:
            return []
        hosts = await asyncio.to_thread(self._store.hosts.all, record.tenant_id)
        return [
            h for h in hosts if h.id != record.id and h.status == "active" and not h.missing_in_zoom
        ]

    async def plan_hand_over(self, host: int | str, to_host: int | str) -> ChangePlan:
        """Move all of a host's coming sessions to another host of the same tenant.

        Zoom cannot give a scheduled meeting another host (PATCH takes no new host), so
        each meeting is created again for ``to_host`` (its coming sessions only; a session
        cancelled in between is deleted from the copy) and then deleted from ``host``:
        one request of the new host per meeting (plus one per such cancelled session) and
        one of the old host. The copies have new join links. Sessions still in the queue
        move at no cost.
        """
        source, target = await self.host(host), await self.host(to_host)
        if source.id == target.id:
            raise SessionChangeError("Choose another host to hand the sessions to.")
        if source.tenant_id is None or source.tenant_id != target.tenant_id:
            raise SessionChangeError(
                f"{target.email} is not a host of {source.email}'s tenant; sessions go to "
                "a host of the same tenant."
            )
        intents: list[NewIntent] = []
        sessions, meeting_ids = 0, []
        for stored in await self.coming(source.id):
            copies = self._copy(stored, source, target, len(intents))
            if copies:
                intents.extend(copies)
                meeting_ids.append(stored.id)
                sessions += sum(
                    len(c.session_starts) for c in copies if c.kind is IntentKind.CREATE
                )
        queued = await asyncio.to_thread(self._store.schedule.listed, _OPEN, host_id=source.id)
        unsent = (IntentState.QUEUED, IntentState.WAITING)
        creates = {i.id for i in queued if i.kind is IntentKind.CREATE and i.state in unsent}
        moving = [i for i in queued if i.id in creates or i.parent_id in creates]
        sessions += sum(len(i.session_starts) for i in moving if i.kind is IntentKind.CREATE)
        description = (
            f"{sessions} coming session(s) of {source.email} go to {target.email} "
            f"({len(meeting_ids)} meeting(s) created again, with new join links)"
        )
        return await self._plan(
            ChangeAction.HAND_OVER,
            description,
            intents,
            [source, target],
            sessions=sessions,
            meeting_ids=tuple(meeting_ids),
            retarget=(source.id, target.id),
            queued_moved=len(moving),
            notes=(
                "Zoom cannot change a meeting's host: each meeting is created for the new "
                "host, then deleted from the old one; participants need the new join links.",
            ),
        )

    def _copy(
        self, stored: MeetingRecord, source: HostRecord, target: HostRecord, base: int
    ) -> list[NewIntent]:
        """The create for ``target`` of a meeting's coming sessions, its deletes of the
        sessions cancelled in between, and the delete of the original (after the create)."""
        now = self._now()
        occurrences = [o for o in stored.occurrences if o.start_time >= now]
        available = [o for o in occurrences if o.status != "deleted"]
        if not available:
            return []
        zone = stored.timezone or "UTC"
        first = available[0]
        span = [o for o in occurrences if o.start_time >= first.start_time]
        series = stored.meeting_type == MeetingType.RECURRING_FIXED_TIME and len(span) > 1
        recurrence = _series_rule(span, zone) if series else None
        if series and recurrence is None:  # no weekly rule fits: each session on its own
            return self._singles(stored, available, target, source, base)
        create = _intent(
            IntentKind.CREATE,
            target,
            topic=stored.topic,
            meeting_type=MeetingType.RECURRING_FIXED_TIME if series else MeetingType.SCHEDULED,
            start=first.start_time,
            timezone=zone,
            duration=first.duration_minutes,
            starts=[o.start_time for o in available],
            recurrence=recurrence,
        )
        out = [create]
        out += [
            _intent(
                IntentKind.DELETE_OCCURRENCE,
                target,
                topic=stored.topic,
                meeting_type=MeetingType.RECURRING_FIXED_TIME,
                start=first.start_time,
                timezone=zone,
                duration=o.duration_minutes,
                starts=[o.start_time],
                seq=n,
                parent_index=base,
            )
            for n, o in enumerate((o for o in span if o.status == "deleted"), start=1)
        ]
        out.append(self._delete_original(stored, source, first, base))
        return out

    def _singles(
        self,
        stored: MeetingRecord,
        available: Sequence[OccurrenceData],
        target: HostRecord,
        source: HostRecord,
        base: int,
    ) -> list[NewIntent]:
        zone = stored.timezone or "UTC"
        out = [
            _intent(
                IntentKind.CREATE,
                target,
                topic=stored.topic,
                meeting_type=MeetingType.SCHEDULED,
                start=o.start_time,
                timezone=zone,
                duration=o.duration_minutes,
            )
            for o in available
        ]
        # The original goes once its last copy is made (the copies go in start order).
        out.append(self._delete_original(stored, source, available[0], base + len(out) - 1))
        return out

    @staticmethod
    def _delete_original(
        stored: MeetingRecord, source: HostRecord, first: OccurrenceData, parent: int
    ) -> NewIntent:
        return _intent(
            IntentKind.DELETE_MEETING,
            source,
            topic=stored.topic,
            meeting_type=stored.meeting_type,
            start=first.start_time,
            timezone=stored.timezone or "UTC",
            duration=first.duration_minutes,
            seq=1,
            parent_index=parent,
            meeting_id=stored.id,
        )

    async def plan_cancel_all(self, host: int | str) -> ChangePlan:
        """Cancel all of a host's coming sessions: one delete per meeting (its request);
        the host's intents still in the queue are dropped at no cost."""
        source = await self.host(host)
        intents, sessions, queued = await self._cancel_parts(source)
        description = f"{sessions} coming session(s) of {source.email} cancelled"
        return await self._plan(
            ChangeAction.CANCEL_ALL,
            description,
            intents,
            [source],
            sessions=sessions,
            meeting_ids=tuple(i.meeting_id or 0 for i in intents),
            drop_intents=queued,
        )

    async def plan_cancel_tenant(self, tenant_id: int) -> ChangePlan:
        """Cancel the coming sessions of every host of a tenant (before the tenant is
        deleted): one delete per meeting, each of its own host's quota."""
        tenant = await asyncio.to_thread(self._store.tenants.get, tenant_id)
        hosts = await asyncio.to_thread(self._store.hosts.all, tenant_id)
        intents: list[NewIntent] = []
        queued: list[int] = []
        sessions = 0
        for host in hosts:
            mine, count, dropped = await self._cancel_parts(host)
            intents += mine
            sessions += count
            queued += dropped
        description = f"{sessions} coming session(s) of “{tenant.name}”'s hosts cancelled"
        return await self._plan(
            ChangeAction.CANCEL_ALL,
            description,
            intents,
            hosts,
            sessions=sessions,
            meeting_ids=tuple(i.meeting_id or 0 for i in intents),
            drop_intents=tuple(queued),
        )

    async def _cancel_parts(
        self, source: HostRecord
    ) -> tuple[list[NewIntent], int, tuple[int, ...]]:
        """A host's deletes of its coming meetings, their sessions, its open intents."""
        intents, sessions, now = [], 0, self._now()
        for stored in await self.coming(source.id):
            coming = [
                o for o in stored.occurrences if o.start_time >= now and o.status != "deleted"
            ]
            sessions += len(coming)
            intents.append(
                _intent(
                    IntentKind.DELETE_MEETING,
                    source,
                    topic=stored.topic,
                    meeting_type=stored.meeting_type,
                    start=coming[0].start_time,
                    timezone=stored.timezone or "UTC",
                    duration=coming[0].duration_minutes,
                    starts=[o.start_time for o in coming],
                    meeting_id=stored.id,
                )
            )
        queued = await asyncio.to_thread(self._store.schedule.listed, _OPEN, host_id=source.id)
        sessions += sum(len(i.session_starts) for i in queued if i.kind is IntentKind.CREATE)
        return intents, sessions, tuple(i.id for i in queued)

    # --- sending --------------------------------------------------------------------------

    async def submit(self, plan: ChangePlan, *, send_now: bool = False) -> Submitted:
        """Put the plan's writes in the queue (in one transaction, with its audit entry).

        ``send_now``: the queue then sends them at once for the hosts concerned (a
        person waits: a hand-over before a removal, a session to start now); what the
        quota does not allow waits for 00:00 UTC either way.
        """
        batch = uuid.uuid4().hex
        record = {
            "description": plan.description,
            "sessions": plan.sessions,
            "requests": plan.requests,
            "meeting_ids": list(plan.meeting_ids),
        }

        def work(tx: Transaction) -> list[int]:
            if plan.retarget is not None:
                to = tx.hosts.get(plan.retarget[1])
                tx.schedule.retarget(plan.retarget[0], to.id, to.zoom_user_id)
            if plan.drop_intents:
                tx.schedule.cancel(list(plan.drop_intents))
            if plan.intents:
                tx.schedule.add(batch, list(plan.intents))
            tx.audit.record(
                actor=current_actor(),
                action=f"session.{plan.action}",
                object_type="session",
                object_id=batch,
                old_value=None,
                new_value=record,
            )
            return tx.schedule.batch_ids(batch)

        ids = tuple(await asyncio.to_thread(self._store.atomically, work))
        self._bus.publish(ChangeKind.QUEUE)
        self._bus.publish(ChangeKind.SESSIONS)
        self._queue.wake()
        if plan.action == ChangeAction.START_NOW and ids:
            return await self._started(batch, ids, plan)
        if not send_now:
            return Submitted(batch, ids, plan)
        hosts = {i.zoom_user_id for i in plan.intents}
        await self._queue.run_hosts(hosts)
        await self._queue.run_hosts(hosts)  # what waited for another host's create
        sent = tuple([await asyncio.to_thread(self._store.schedule.get, i) for i in ids])
        return Submitted(batch, ids, plan, sent=sent)

    async def _started(self, batch: str, ids: tuple[int, ...], plan: ChangePlan) -> Submitted:
        intent, meeting = await self._queue.send_now(ids[0])
        if meeting is not None:
            links = Links(meeting.id, meeting.join_url, meeting.start_url)
            return Submitted(batch, ids, plan, links=links, sent=(intent,))
        if intent.state is IntentState.CREATED and intent.meeting_id is not None:
            links = await self.links(intent.meeting_id)  # another pass sent it meanwhile
            return Submitted(batch, ids, plan, links=links, sent=(intent,))
        if intent.state is IntentState.FAILED:
            raise SessionChangeError(f"The meeting could not be started: {intent.reason}")
        # Not sent now (the host's quota, Zoom out of reach): a meeting to start now is no
        # use tomorrow, so it does not stay in the queue.
        await self._queue.cancel([intent.id])
        raise SessionChangeError(
            f"The meeting could not be started now ({intent.status_text}); try again, or "
            "start it from Zoom."
        )

    async def links(self, meeting_id: int) -> Links:
        """A meeting's join link and a fresh start link (one GET; no host quota)."""
        try:
            meeting = await self._zoom.get_meeting(meeting_id)
        except NotFound as exc:
            raise SessionChangeError(f"Meeting {meeting_id} is no longer in Zoom.") from exc
        return Links(meeting.id, meeting.join_url, meeting.start_url)

    async def pending(self, batch: str) -> list[IntentRecord]:
        """A submission's intents as they stand now."""
        ids = await asyncio.to_thread(self._store.schedule.batch_ids, batch)
        return [await asyncio.to_thread(self._store.schedule.get, i) for i in ids]


def _hour_minute(text: str) -> tuple[int, int]:
    try:
        hour, minute = (int(p) for p in text.strip().split(":"))
    except ValueError as exc:
        raise SessionChangeError(f"“{text}” is not a time of day (HH:MM).") from exc
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise SessionChangeError(f"“{text}” is not a time of day (HH:MM).")
    return hour, minute


def _series_rule(span: Sequence[OccurrenceData], zone: str) -> dict[str, object] | None:
    """A weekly ``recurrence`` giving exactly ``span``'s dates at one local time, or None."""
    tz = ZoneInfo(zone)
    local = [o.start_time.astimezone(tz) for o in span]
    if len({(t.hour, t.minute) for t in local}) != 1 or len(span) > 50:
        return None
    days = sorted({(t.isoweekday() % 7) + 1 for t in local})
    # Weekly on those days, every week, as many as there are: it must give the same dates.
    first, want = local[0].date(), [t.date() for t in local]
    got: list[date] = []
    day = first
    while len(got) < len(want):
        if (day.isoweekday() % 7) + 1 in days:
            got.append(day)
        day += timedelta(days=1)
    if got != want:
        return None
    return {
        "type": 2,
        "repeat_interval": 1,
        "weekly_days": ",".join(map(str, days)),
        "end_times": len(span),
    }
