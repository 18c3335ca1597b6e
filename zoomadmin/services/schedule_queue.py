"""The schedule queue: sends each host's intents in start order within its daily quota, once."""

from __future__ import annotations

import asyncio
import enum
import logging
import os
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from zoomadmin.core.changes import ChangeBus, ChangeKind, process_origin
from zoomadmin.core.clock import Clock, next_utc_midnight, sleep_until
from zoomadmin.core.errors import AppError
from zoomadmin.core.schedule import IntentKind, IntentRecord, IntentState, QueueCounts
from zoomadmin.store.errors import NotFoundError
from zoomadmin.store.meetings import MeetingData, MeetingRecord, OccurrenceData
from zoomadmin.store.repositories import Store, Transaction
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.errors import DailyQuotaExceeded, NotFound, OutcomeUnknown
from zoomadmin.zoom.models import Meeting, MeetingRequest, MeetingType, Recurrence, zoom_time

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
"""Tries of one intent whose outcome stayed unknown before it is marked failed."""
HOST_CONCURRENCY = 16
"""Hosts whose intents are sent at the same time (the client's budgets still apply)."""
INSTANT_LOST = "Zoom's answer was lost; if no meeting opened, start another."
"""Why an instant meeting whose create may have reached Zoom is never sent again."""
CLAIM_TIMEOUT = timedelta(minutes=10)
"""Real time after which another process's claim on an intent counts as abandoned (a
claim of a process on this computer that is gone is taken over at once)."""


class _Next(enum.Enum):
    GO_ON = "go on"
    STOP_HOST = "stop host"
    """The host waits (quota) or must be tried again later (Zoom unreachable)."""


@dataclass
class QueueRound:
    """What one pass over the queue did."""

    created: int = 0
    failed: int = 0
    waiting_hosts: int = 0
    retry_later: bool = False
    """Some intent met a passing error (Zoom unreachable) and should be tried again soon."""
    next_wait: datetime | None = None
    """The earliest time a waiting host's quota comes back."""

    @property
    def progressed(self) -> bool:
        """Whether anything was created or failed."""
        return bool(self.created or self.failed)


@dataclass
class QueueReport:
    """What :meth:`ScheduleQueue.run_until_idle` did in all, and what is left."""

    created: int
    failed: int
    counts: QueueCounts

    def to_json(self) -> dict[str, Any]:
        """The document ``zoomadmin queue run --until-idle --json`` prints."""
        until = self.counts.wait_until
        return {
            "created": self.created,
            "failed": self.failed,
            "sessions_queued": self.counts.queued,
            "sessions_waiting": self.counts.waiting,
            "waiting_until": until.astimezone(UTC).isoformat() if until else None,
            "sessions_failed": self.counts.failed,
            "summary": self.counts.text,
        }


def intent_json(intent: IntentRecord) -> dict[str, Any]:
    """One intent as ``zoomadmin queue list --json`` prints it."""
    return {
        "id": intent.id,
        "kind": str(intent.kind),
        "host_id": intent.host_id,
        "topic": intent.topic,
        "first_start": intent.first_start.isoformat(),
        "sessions": len(intent.session_starts),
        "state": str(intent.state),
        "status": intent.status_text,
        "wait_until": intent.wait_until.isoformat() if intent.wait_until else None,
        "reason": intent.reason,
        "attempts": intent.attempts,
        "meeting_id": intent.meeting_id,
    }


def _request(intent: IntentRecord) -> MeetingRequest:
    recurrence = None
    if intent.recurrence is not None:  # a copy of a series (one moved to another host)
        recurrence = Recurrence.model_validate(intent.recurrence)
    elif intent.meeting_type == MeetingType.RECURRING_FIXED_TIME:
        recurrence = Recurrence(
            type=2, repeat_interval=1, weekly_days=intent.weekly_days, end_times=intent.end_times
        )
    instant = intent.meeting_type == MeetingType.INSTANT
    return MeetingRequest(
        topic=intent.topic,
        type=MeetingType(intent.meeting_type),
        start_time=None if instant else datetime.fromisoformat(intent.start_local),
        duration=intent.duration_minutes,
        timezone=intent.timezone,
        agenda=intent.agenda_marker,
        recurrence=recurrence,
    )


def holder_alive(holder: str) -> bool:
    """Whether the process ``host:pid`` may still be running (another computer's: yes)."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_ours(intent: IntentRecord, meeting: Meeting) -> bool:
    """Our marker in the agenda, or (no marker seen) the same topic and first start."""
    if meeting.agenda and intent.marker in meeting.agenda:
        return True
    return (
        not meeting.agenda
        and meeting.topic == intent.topic
        and meeting.start_time is not None
        and meeting.start_time == intent.first_start
    )


class ScheduleQueue:
    """Sends the stored intents to Zoom.

    Per host, intents go in session start order while the host has quota left today (by the
    ledger); when it is spent (the ledger, or Zoom's daily 429) the host's intents wait for
    00:00 UTC while other hosts go on. Every intent is marked ``sending`` before it is sent,
    and an intent found ``sending`` (a crash, a lost answer) is looked for in the host's
    meetings in Zoom, by the marker in its agenda, before it is ever sent again.
    """

    def __init__(
        self,
        store: Store,
        zoom: ZoomClient,
        *,
        now: Callable[[], datetime],
        bus: ChangeBus,
        host_concurrency: int = HOST_CONCURRENCY,
        owner: str | None = None,
    ) -> None:
        self._owner = owner or process_origin()
        self._store = store
        self._zoom = zoom
        self._now = now
        self._bus = bus
        self._gate = asyncio.Semaphore(host_concurrency)
        self._wake = asyncio.Event()
        self._host_locks: dict[str, asyncio.Lock] = {}
        self._made: dict[int, Meeting] = {}
        """Zoom's answer to each create sent by this process (links for "start now")."""

    # --- what screens and commands ask -------------------------------------------------

    async def intents(
        self,
        states: Iterable[IntentState] | None = None,
        *,
        host_id: int | None = None,
        tenant_id: int | None = None,
    ) -> list[IntentRecord]:
        """Intents in start order (optionally in ``states``, of a host or a tenant)."""
        chosen = None if states is None else list(states)
        return await asyncio.to_thread(
            self._store.schedule.listed, chosen, host_id=host_id, tenant_id=tenant_id
        )

    async def counts(self) -> QueueCounts:
        """Sessions queued, waiting and failed (for the status bar)."""
        return await asyncio.to_thread(self._store.schedule.counts)

    async def retry(self, intent_ids: Iterable[int]) -> int:
        """Put failed intents back in the queue; how many."""
        moved = await asyncio.to_thread(self._store.schedule.retry, list(intent_ids))
        self._changed()
        return moved

    async def cancel(self, intent_ids: Iterable[int]) -> int:
        """Drop open or failed intents (and the deletes that follow them); how many."""
        moved = await asyncio.to_thread(self._store.schedule.cancel, list(intent_ids))
        self._changed()
        return moved

    def wake(self) -> None:
        """New work: a waiting :meth:`wait_for_work` returns now."""
        self._wake.set()

    async def wait_for_work(self, clock: Clock, until: datetime | None) -> None:
        """Sleep until ``until`` on ``clock`` (None: no time set) or until :meth:`wake`.

        A wake that came during the last :meth:`run_once` returns at once, so work
        submitted while a pass was reading the queue is never left waiting.
        """
        tasks: set[asyncio.Future[object]] = {asyncio.ensure_future(self._woken())}
        if until is not None:
            tasks.add(asyncio.ensure_future(sleep_until(clock, until)))
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()

    async def _woken(self) -> object:
        return await self._wake.wait()

    # --- sending -----------------------------------------------------------------------

    async def run_until_idle(self) -> QueueReport:
        """Send what the quotas allow now, until nothing more can go; what happened."""
        created = failed = 0
        while True:
            done = await self.run_once()
            created += done.created
            failed += done.failed
            if not done.progressed:
                break
        return QueueReport(created, failed, await self.counts())

    async def run_once(self) -> QueueRound:
        """One pass: every host with intents to send, each in its own order."""
        self._wake.clear()  # before reading: a wake from now on means "look again"
        done = QueueRound()
        released = await asyncio.to_thread(self._store.schedule.release_waits, self._now())
        if released:
            self._changed()
        hosts = await asyncio.to_thread(self._store.schedule.open_hosts)
        await asyncio.gather(*(self._host(h, done) for h in hosts))
        counts = await self.counts()
        done.next_wait = counts.wait_until
        return done

    def _lock_of(self, zoom_user_id: str) -> asyncio.Lock:
        """One pass at a time over a host's intents in this process (the job's, and one sent
        for a person waiting): each reads the states the other left."""
        return self._host_locks.setdefault(zoom_user_id, asyncio.Lock())

    async def _host(self, zoom_user_id: str, done: QueueRound) -> None:
        async with self._lock_of(zoom_user_id), self._gate:
            intents = await asyncio.to_thread(self._store.schedule.open_for_host, zoom_user_id)
            for intent in intents:
                if intent.state is IntentState.WAITING:
                    done.waiting_hosts += 1
                    return
                ledger, today = self._zoom.transport.ledger, self._zoom.transport.today()
                if await ledger.exhausted(zoom_user_id, today):
                    await self._wait_host(zoom_user_id, next_utc_midnight(self._now()), done)
                    return
                if await self._one(intent, done) is _Next.STOP_HOST:
                    return

    async def _wait_host(self, zoom_user_id: str, until: datetime, done: QueueRound) -> None:
        await asyncio.to_thread(self._store.schedule.wait_host, zoom_user_id, until)
        done.waiting_hosts += 1
        self._changed()

    async def _claim(self, intent: IntentRecord) -> bool:
        """Whether this process may send ``intent`` (no other live process is at it)."""
        repo = self._store.schedule
        stale = datetime.now(UTC) - CLAIM_TIMEOUT
        if await asyncio.to_thread(repo.claim, intent.id, self._owner, stale_before=stale):
            return True
        holder = (await asyncio.to_thread(repo.get, intent.id)).claimed_by or ""
        if not holder or holder_alive(holder):
            log.info("Queue entry %s is being sent by %s; leaving it", intent.id, holder)
            return False
        return await asyncio.to_thread(
            repo.claim, intent.id, self._owner, stale_before=stale, taking_from=holder
        )

    async def _one(self, intent: IntentRecord, done: QueueRound) -> _Next:
        if not await self._claim(intent):
            done.retry_later = True
            return _Next.STOP_HOST
        if intent.kind is IntentKind.DELETE_OCCURRENCE:
            return await self._delete(intent, done)
        if intent.kind.changes_existing:
            return await self._change(intent, done)
        if intent.state is IntentState.SENDING:
            return await self._resume_create(intent, done)
        return await self._create(intent, done)

    async def _resume_create(self, intent: IntentRecord, done: QueueRound) -> _Next:
        """A create found ``sending``: look for it in Zoom before it is ever sent again."""
        if intent.meeting_type == MeetingType.INSTANT:
            # Zoom lists no instant meetings, so an earlier try cannot be looked for; one that
            # may exist is never sent again (an unused instant meeting simply expires).
            await self._fail(intent, INSTANT_LOST, done)
            return _Next.GO_ON
        try:
            found = await self._find(intent)
        except AppError as exc:
            log.info("Could not look for queue entry %s in Zoom: %s", intent.id, exc)
            done.retry_later = True
            return _Next.STOP_HOST
        if found is None:
            return await self._create(intent, done)
        await self._created(intent, found, done)
        return _Next.GO_ON

    async def _create(self, intent: IntentRecord, done: QueueRound) -> _Next:
        await self._set(intent, IntentState.SENDING, attempted=True)
        try:
            meeting = await self._zoom.create_meeting(intent.zoom_user_id, _request(intent))
        except DailyQuotaExceeded as exc:
            await self._set(intent, IntentState.QUEUED)
            await self._wait_host(intent.zoom_user_id, exc.resets_at, done)
            return _Next.STOP_HOST
        except OutcomeUnknown:
            if intent.meeting_type == MeetingType.INSTANT:
                await self._fail(intent, INSTANT_LOST, done)
                return _Next.GO_ON
            return await self._after_unknown(intent, done)
        except AppError as exc:
            return await self._error(intent, exc, done)
        await self._created(intent, meeting, done)
        return _Next.GO_ON

    async def _after_unknown(self, intent: IntentRecord, done: QueueRound) -> _Next:
        """The answer was lost: Zoom has the meeting or it does not; look before going on."""
        try:
            found = await self._find(intent)
        except AppError as exc:
            log.info("Could not look for intent %s after a lost answer: %s", intent.id, exc)
            done.retry_later = True
            return _Next.STOP_HOST  # stays "sending": looked for again before any resend
        if found is not None:
            await self._created(intent, found, done)
            return _Next.GO_ON
        if intent.attempts + 1 >= MAX_ATTEMPTS:
            reason = f"Zoom's answer was lost {MAX_ATTEMPTS} times; check Zoom, then retry."
            await self._fail(intent, reason, done)
            return _Next.GO_ON
        await self._set(intent, IntentState.QUEUED)
        done.retry_later = True
        return _Next.STOP_HOST

    async def _error(self, intent: IntentRecord, exc: AppError, done: QueueRound) -> _Next:
        if exc.retryable:
            done.retry_later = True  # stays "sending": looked for before it is sent again
            return _Next.STOP_HOST
        await self._fail(intent, exc.user_message, done)
        return _Next.GO_ON

    async def _find(self, intent: IntentRecord) -> Meeting | None:
        """The meeting an earlier try of ``intent`` created in Zoom, if there is one."""
        async for listed in self._zoom.iter_meetings(intent.zoom_user_id):
            if _is_ours(intent, listed):
                return await self._zoom.get_meeting(listed.id, show_previous_occurrences=True)
        return None

    async def _created(self, intent: IntentRecord, meeting: Meeting, done: QueueRound) -> None:
        occurrences = [
            OccurrenceData(
                o.start_time, o.duration or intent.duration_minutes, o.occurrence_id, o.status
            )
            for o in meeting.occurrences
            if o.start_time is not None
        ] or None
        data = MeetingData(
            id=meeting.id,
            host_id=intent.host_id,
            topic=meeting.topic or intent.topic,
            start_time=meeting.start_time or intent.first_start,
            duration_minutes=meeting.duration or intent.duration_minutes,
            meeting_type=meeting.type,
            timezone=meeting.timezone or intent.timezone,
            join_url=meeting.join_url or None,
        )

        def work(tx: Transaction) -> None:
            tx.meetings.save(data, occurrences)
            tx.schedule.set_state(intent.id, IntentState.CREATED, meeting_id=meeting.id)

        await asyncio.to_thread(self._store.atomically, work)
        self._made[intent.id] = meeting
        done.created += 1
        self._changed(sessions=[meeting.id])

    async def _delete(self, intent: IntentRecord, done: QueueRound) -> _Next:
        parent = await asyncio.to_thread(self._store.schedule.get, intent.parent_id or 0)
        if parent.state is not IntentState.CREATED or parent.meeting_id is None:
            if not parent.state.open:
                await self._fail(intent, "Its meeting was not created.", done)
                return _Next.GO_ON
            return _Next.STOP_HOST  # its meeting waits: so does it
        meeting_id, start = parent.meeting_id, intent.session_starts[0]
        await self._set(intent, IntentState.SENDING, attempted=True)
        try:
            stored = await asyncio.to_thread(self._store.meetings.get, meeting_id)
            occ = next((o for o in stored.occurrences if o.start_time == start), None)
            if occ is not None and occ.status != "deleted":
                await self._zoom.delete_meeting(
                    meeting_id, occ.occurrence_id, host_id=intent.zoom_user_id
                )
        except DailyQuotaExceeded as exc:
            await self._set(intent, IntentState.QUEUED)
            await self._wait_host(intent.zoom_user_id, exc.resets_at, done)
            return _Next.STOP_HOST
        except AppError as exc:
            return await self._error(intent, exc, done)

        def work(tx: Transaction) -> None:
            if occ is not None:
                rest = [replace(o, status="deleted") if o == occ else o for o in stored.occurrences]
                tx.meetings.save(_data_of(stored), rest)
            tx.schedule.set_state(intent.id, IntentState.CREATED, meeting_id=meeting_id)

        await asyncio.to_thread(self._store.atomically, work)
        done.created += 1
        self._changed(sessions=[meeting_id])
        return _Next.GO_ON

    # --- changes of meetings already in Zoom ---------------------------------------------

    async def _change(self, intent: IntentRecord, done: QueueRound) -> _Next:
        """Send one update or delete of an existing meeting, once.

        A change found ``sending`` (a crash, a lost answer) is first checked against the
        meeting in Zoom (one GET, which spends no quota): done already, it is not sent again.
        """
        held = await self._held_by_parent(intent, done)
        if held is not None:
            return held
        if intent.state is IntentState.SENDING:
            return await self._after_unknown_change(intent, done, resend=True)
        return await self._send_once(intent, done)

    async def _send_once(self, intent: IntentRecord, done: QueueRound) -> _Next:
        await self._set(intent, IntentState.SENDING, attempted=True)
        try:
            await self._send_change(intent)
        except DailyQuotaExceeded as exc:
            await self._set(intent, IntentState.QUEUED)
            await self._wait_host(intent.zoom_user_id, exc.resets_at, done)
            return _Next.STOP_HOST
        except NotFound:
            return await self._gone(intent, done)
        except OutcomeUnknown:
            return await self._after_unknown_change(intent, done)
        except AppError as exc:
            return await self._error(intent, exc, done)
        await self._change_done(intent, done)
        return _Next.GO_ON

    async def _held_by_parent(self, intent: IntentRecord, done: QueueRound) -> _Next | None:
        """GO_ON (passed over for now) while the write ``intent`` follows is still to go, or
        when that failed (it fails too); None when it may go."""
        if intent.parent_id is None:
            return None
        parent = await asyncio.to_thread(self._store.schedule.get, intent.parent_id)
        if parent.state is IntentState.CREATED:
            return None
        if not parent.state.open:
            await self._fail(intent, "What it waited for was not done.", done)
        # Its parent may be another host's (a meeting copied there first): this host's
        # other work goes on meanwhile.
        return _Next.GO_ON

    async def _gone(self, intent: IntentRecord, done: QueueRound) -> _Next:
        """Zoom has no such meeting (or occurrence): a delete is done, an update fails."""
        if intent.kind in (IntentKind.DELETE_MEETING, IntentKind.CANCEL_OCCURRENCE):
            await self._change_done(intent, done)
        else:
            await self._fail(intent, "The meeting is no longer in Zoom.", done)
        return _Next.GO_ON

    async def _send_change(self, intent: IntentRecord) -> None:
        meeting_id, host = intent.meeting_id or 0, intent.zoom_user_id
        if intent.kind is IntentKind.DELETE_MEETING:
            await self._zoom.delete_meeting(meeting_id, host_id=host)
        elif intent.kind is IntentKind.CANCEL_OCCURRENCE:
            await self._zoom.delete_meeting(meeting_id, intent.occurrence_id, host_id=host)
        else:
            await self._zoom.update_meeting(
                meeting_id, change_body(intent), intent.occurrence_id or None, host_id=host
            )

    async def _after_unknown_change(
        self, intent: IntentRecord, done: QueueRound, *, resend: bool = False
    ) -> _Next:
        """The answer was lost (or the process died after sending): look at the meeting
        before the change is ever sent again (``resend``: at once, when it is not there)."""
        try:
            applied = await self._applied(intent)
        except AppError as exc:
            log.info("Could not check queue entry %s after a lost answer: %s", intent.id, exc)
            done.retry_later = True
            return _Next.STOP_HOST  # stays "sending": checked again before any resend
        if applied:
            await self._change_done(intent, done)
            return _Next.GO_ON
        if resend:
            return await self._send_once(intent, done)
        if intent.attempts + 1 >= MAX_ATTEMPTS:
            reason = f"Zoom's answer was lost {MAX_ATTEMPTS} times; check Zoom, then retry."
            await self._fail(intent, reason, done)
            return _Next.GO_ON
        await self._set(intent, IntentState.QUEUED)
        done.retry_later = True
        return _Next.STOP_HOST

    async def _applied(self, intent: IntentRecord) -> bool:
        """Whether Zoom's meeting already shows the change ``intent`` asks for."""
        try:
            meeting = await self._zoom.get_meeting(
                intent.meeting_id or 0, show_previous_occurrences=True
            )
        except NotFound:
            return intent.kind in (IntentKind.DELETE_MEETING, IntentKind.CANCEL_OCCURRENCE)
        return shows_change(intent, meeting)

    async def _change_done(self, intent: IntentRecord, done: QueueRound) -> None:
        """Store what Zoom now has for the meeting, and the change as done."""
        meeting_id = intent.meeting_id or 0
        fresh: Meeting | None = None
        if intent.kind is not IntentKind.DELETE_MEETING:
            try:
                fresh = await self._zoom.get_meeting(meeting_id, show_previous_occurrences=True)
            except AppError as exc:  # the next sync brings it in
                log.info("Could not read meeting %s after a change: %s", meeting_id, exc)

        def work(tx: Transaction) -> None:
            if intent.kind is IntentKind.DELETE_MEETING:
                tx.meetings.delete(meeting_id)
            elif fresh is not None:
                try:
                    stored = tx.meetings.get(meeting_id)
                except NotFoundError:
                    stored = None
                if stored is not None:
                    tx.meetings.save(*_fresh_data(fresh, stored))
            tx.schedule.set_state(intent.id, IntentState.CREATED, meeting_id=meeting_id)

        await asyncio.to_thread(self._store.atomically, work)
        done.created += 1
        self._changed(sessions=[meeting_id])

    # --- sending one host's work now ------------------------------------------------------

    async def send_now(self, intent_id: int) -> tuple[IntentRecord, Meeting | None]:
        """Send one queued intent at once (not waiting for the queue's pass); the intent as
        it then stands, and Zoom's answer when it was a create sent here."""
        host = (await asyncio.to_thread(self._store.schedule.get, intent_id)).zoom_user_id
        done = QueueRound()
        ledger, today = self._zoom.transport.ledger, self._zoom.transport.today()
        async with self._lock_of(host):
            intent = await asyncio.to_thread(self._store.schedule.get, intent_id)
            if intent.state.open and not await ledger.exhausted(host, today):
                await self._one(intent, done)
        self._changed()
        return (
            await asyncio.to_thread(self._store.schedule.get, intent_id),
            self._made.pop(intent_id, None),
        )

    async def run_hosts(self, zoom_user_ids: Iterable[str]) -> QueueRound:
        """One pass over the named hosts only (a hand-over sent while the person waits)."""
        self._wake.clear()
        done = QueueRound()
        await asyncio.to_thread(self._store.schedule.release_waits, self._now())
        await asyncio.gather(*(self._host(h, done) for h in sorted(set(zoom_user_ids))))
        done.next_wait = (await self.counts()).wait_until
        return done

    async def _fail(self, intent: IntentRecord, reason: str, done: QueueRound) -> None:
        await self._set(intent, IntentState.FAILED, reason=reason)
        done.failed += 1

    async def _set(
        self,
        intent: IntentRecord,
        state: IntentState,
        *,
        reason: str | None = None,
        attempted: bool = False,
    ) -> None:
        await asyncio.to_thread(
            self._store.schedule.set_state, intent.id, state, reason=reason, attempted=attempted
        )
        self._bus.publish(ChangeKind.QUEUE, [intent.id])

    def _changed(self, sessions: Iterable[int] = ()) -> None:
        self._bus.publish(ChangeKind.QUEUE)
        ids = list(sessions)
        if ids:
            self._bus.publish(ChangeKind.SESSIONS, ids)


def shows_change(intent: IntentRecord, meeting: Meeting) -> bool:
    """Whether ``meeting`` (as Zoom shows it now) already has the change ``intent`` asks."""
    if intent.kind is IntentKind.DELETE_MEETING:
        return False
    if intent.kind is IntentKind.UPDATE_SERIES or not intent.occurrence_id:
        start, duration = meeting.start_time, meeting.duration
    else:
        occ = next(
            (o for o in meeting.occurrences if o.occurrence_id == intent.occurrence_id), None
        )
        if intent.kind is IntentKind.CANCEL_OCCURRENCE:
            return occ is None or occ.status == "deleted"
        if occ is None:
            return False
        start, duration = occ.start_time, occ.duration or meeting.duration
    return start == intent.first_start and duration == intent.duration_minutes


def change_body(intent: IntentRecord) -> dict[str, Any]:
    """The PATCH body of an update intent: the new start (wall-clock time in its zone; an
    occurrence's in UTC), the length and, for a series, its new recurrence."""
    body: dict[str, Any] = {
        "start_time": zoom_time(datetime.fromisoformat(intent.start_local)),
        "timezone": intent.timezone,
        "duration": intent.duration_minutes,
    }
    if intent.occurrence_id:  # an occurrence keeps its series' zone: its start goes in UTC
        body = {"start_time": zoom_time(intent.first_start), "duration": intent.duration_minutes}
    if intent.kind is IntentKind.UPDATE_SERIES and intent.recurrence:
        body["recurrence"] = dict(intent.recurrence)
    return body


def _fresh_data(fresh: Meeting, stored: MeetingRecord) -> tuple[MeetingData, Any]:
    duration = fresh.duration or stored.duration_minutes
    occurrences = [
        OccurrenceData(o.start_time, o.duration or duration, o.occurrence_id, o.status)
        for o in fresh.occurrences
        if o.start_time is not None
    ] or None
    data = MeetingData(
        id=stored.id,
        host_id=stored.host_id,
        topic=fresh.topic or stored.topic,
        start_time=fresh.start_time or stored.start_time,
        duration_minutes=duration,
        meeting_type=fresh.type,
        timezone=fresh.timezone or stored.timezone,
        join_url=fresh.join_url or None,
    )
    return data, occurrences


def _data_of(stored: MeetingRecord) -> MeetingData:
    return MeetingData(
        id=stored.id,
        host_id=stored.host_id,
        topic=stored.topic,
        start_time=stored.start_time,
        duration_minutes=stored.duration_minutes,
        meeting_type=stored.meeting_type,
        timezone=stored.timezone,
        join_url=stored.join_url,
    )
