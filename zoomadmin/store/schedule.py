"""The schedule queue's intents: each Zoom write of a curriculum, stored before it is sent."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, case, func, insert, or_, select, update

from zoomadmin.core.schedule import IntentKind, IntentRecord, IntentState, NewIntent, QueueCounts
from zoomadmin.store._sql import Bind, chunks, table_of
from zoomadmin.store.errors import NotFoundError
from zoomadmin.store.models import ScheduleIntent
from zoomadmin.store.types import utc_now

_intent = table_of(ScheduleIntent)
_OPEN = (IntentState.QUEUED, IntentState.SENDING, IntentState.WAITING)


def _record(row: Row[Any]) -> IntentRecord:
    m = dict(row._mapping)
    starts = tuple(
        datetime.fromisoformat(s).astimezone(UTC) for s in (m.pop("session_starts") or ())
    )
    return IntentRecord(
        **{**m, "kind": IntentKind(m["kind"]), "state": IntentState(m["state"])},
        session_starts=starts,
    )


def _values(batch: str, intent: NewIntent, now: datetime) -> dict[str, Any]:
    return {
        "batch": batch,
        "marker": uuid.uuid4().hex,
        "kind": str(intent.kind),
        "host_id": intent.host_id,
        "zoom_user_id": intent.zoom_user_id,
        "tenant_id": intent.tenant_id,
        "topic": intent.topic,
        "meeting_type": intent.meeting_type,
        "start_local": intent.start_local,
        "timezone": intent.timezone,
        "duration_minutes": intent.duration_minutes,
        "weekly_days": intent.weekly_days,
        "end_times": intent.end_times,
        "first_start": intent.first_start,
        "seq": intent.seq,
        "session_starts": [s.astimezone(UTC).isoformat() for s in intent.session_starts],
        "meeting_id": intent.meeting_id,
        "occurrence_id": intent.occurrence_id,
        "recurrence": intent.recurrence,
        "state": str(IntentState.QUEUED),
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
    }


class ScheduleRepository:
    """Intents in the order the queue sends them: per host, by first session start."""

    def __init__(self, engine: Bind) -> None:
        self._engine = engine

    def add(self, batch: str, intents: Sequence[NewIntent]) -> int:
        """Store a submission's intents in one transaction; how many were stored.

        Intents that wait for no other go first, so each one that does (``parent_index``:
        a delete after its create, a change after another) can name it by id.
        """
        now = utc_now()
        ids: dict[int, int] = {}
        with self._engine.begin() as conn:
            for index, intent in enumerate(intents):
                if intent.parent_index is None:
                    result = conn.execute(insert(_intent).values(_values(batch, intent, now)))
                    key = result.inserted_primary_key
                    if key is None:  # our bug: every insert returns its key
                        raise RuntimeError("The database gave no id for a new queue entry.")
                    ids[index] = int(key[0])
            children = [
                {**_values(batch, i, now), "parent_id": ids[i.parent_index]}
                for i in intents
                if i.parent_index is not None
            ]
            for part in chunks(children):
                conn.execute(insert(_intent), list(part))
        return len(intents)

    def get(self, intent_id: int) -> IntentRecord:
        """The intent with id ``intent_id``."""
        with self._engine.connect() as conn:
            row = conn.execute(select(_intent).where(_intent.c.id == intent_id)).one_or_none()
        if row is None:
            raise NotFoundError(f"Queue entry {intent_id} does not exist (any more).")
        return _record(row)

    def batch_ids(self, batch: str) -> list[int]:
        """The ids of one submission's intents, in the order they were stored."""
        query = select(_intent.c.id).where(_intent.c.batch == batch).order_by(_intent.c.id)
        with self._engine.connect() as conn:
            return [int(r[0]) for r in conn.execute(query)]

    def open_hosts(self) -> list[str]:
        """Zoom user ids of hosts with intents still to send."""
        query = select(_intent.c.zoom_user_id).where(_intent.c.state.in_(_OPEN)).distinct()
        with self._engine.connect() as conn:
            return sorted(str(r[0]) for r in conn.execute(query))

    def open_for_host(self, zoom_user_id: str) -> list[IntentRecord]:
        """A host's intents still to send, in sending order."""
        query = (
            select(_intent)
            .where(_intent.c.zoom_user_id == zoom_user_id, _intent.c.state.in_(_OPEN))
            .order_by(_intent.c.first_start, _intent.c.seq, _intent.c.id)
        )
        with self._engine.connect() as conn:
            return [_record(r) for r in conn.execute(query)]

    def listed(
        self,
        states: Iterable[IntentState] | None = None,
        *,
        host_id: int | None = None,
        tenant_id: int | None = None,
    ) -> list[IntentRecord]:
        """Intents (optionally in ``states``, of a host or a tenant) in start order."""
        query = select(_intent).order_by(_intent.c.first_start, _intent.c.seq, _intent.c.id)
        if states is not None:
            query = query.where(_intent.c.state.in_([str(s) for s in states]))
        if host_id is not None:
            query = query.where(_intent.c.host_id == host_id)
        if tenant_id is not None:
            query = query.where(_intent.c.tenant_id == tenant_id)
        with self._engine.connect() as conn:
            return [_record(r) for r in conn.execute(query)]

    def set_state(
        self,
        intent_id: int,
        state: IntentState,
        *,
        wait_until: datetime | None = None,
        reason: str | None = None,
        meeting_id: int | None = None,
        attempted: bool = False,
    ) -> None:
        """Move one intent to ``state`` (``attempted`` counts one more try)."""
        values: dict[str, Any] = {
            "state": str(state),
            "wait_until": wait_until,
            "reason": reason,
            "updated_at": utc_now(),
        }
        if state is not IntentState.SENDING:
            values["claimed_by"] = values["claimed_at"] = None
        if meeting_id is not None:
            values["meeting_id"] = meeting_id
        if attempted:
            values["attempts"] = _intent.c.attempts + 1
        with self._engine.begin() as conn:
            conn.execute(update(_intent).where(_intent.c.id == intent_id).values(values))

    def claim(
        self, intent_id: int, owner: str, *, stale_before: datetime, taking_from: str = ""
    ) -> bool:
        """Make ``owner`` the one process that may send the intent; whether it is now.

        It is when nobody holds it, ``owner`` does, its holder's claim is older than
        ``stale_before``, or the holder is ``taking_from`` (a process known to be gone).
        """
        free = or_(
            _intent.c.claimed_by.is_(None),
            _intent.c.claimed_by == owner,
            _intent.c.claimed_at < stale_before,
        )
        if taking_from:
            free = or_(free, _intent.c.claimed_by == taking_from)
        query = (
            update(_intent)
            .where(
                _intent.c.id == intent_id,
                _intent.c.state.in_([IntentState.QUEUED, IntentState.SENDING]),
                free,
            )
            .values(claimed_by=owner, claimed_at=utc_now())
        )
        with self._engine.begin() as conn:
            return int(conn.execute(query).rowcount) == 1

    def wait_host(self, zoom_user_id: str, until: datetime) -> int:
        """Every queued or waiting intent of the host waits until ``until``; how many."""
        query = (
            update(_intent)
            .where(
                _intent.c.zoom_user_id == zoom_user_id,
                _intent.c.state.in_([IntentState.QUEUED, IntentState.WAITING]),
            )
            .values(
                state=str(IntentState.WAITING),
                wait_until=until,
                claimed_by=None,
                claimed_at=None,
                updated_at=utc_now(),
            )
        )
        with self._engine.begin() as conn:
            return int(conn.execute(query).rowcount)

    def release_waits(self, now: datetime) -> int:
        """Waiting intents whose time has come are queued again; how many."""
        query = (
            update(_intent)
            .where(_intent.c.state == IntentState.WAITING, _intent.c.wait_until <= now)
            .values(state=str(IntentState.QUEUED), wait_until=None, updated_at=utc_now())
        )
        with self._engine.begin() as conn:
            return int(conn.execute(query).rowcount)

    def retry(self, intent_ids: Iterable[int]) -> int:
        """Failed intents go back in the queue (their tries start again); how many."""
        return self._move(intent_ids, (IntentState.FAILED,), IntentState.QUEUED, attempts=0)

    def cancel(self, intent_ids: Iterable[int]) -> int:
        """Open or failed intents (and the deletes that follow them) are dropped; how many."""
        ids = list(intent_ids)
        states = (*_OPEN, IntentState.FAILED)
        moved = self._move(ids, states, IntentState.CANCELLED)
        query = (
            update(_intent)
            .where(_intent.c.parent_id.in_(ids), _intent.c.state.in_([str(s) for s in states]))
            .values(state=str(IntentState.CANCELLED), updated_at=utc_now())
        )
        with self._engine.begin() as conn:
            return moved + int(conn.execute(query).rowcount)

    def _move(
        self,
        intent_ids: Iterable[int],
        states: Sequence[IntentState],
        to: IntentState,
        **extra: Any,
    ) -> int:
        query = (
            update(_intent)
            .where(
                _intent.c.id.in_(list(intent_ids)), _intent.c.state.in_([str(s) for s in states])
            )
            .values(
                state=str(to),
                wait_until=None,
                reason=None,
                claimed_by=None,
                claimed_at=None,
                updated_at=utc_now(),
                **extra,
            )
        )
        with self._engine.begin() as conn:
            return int(conn.execute(query).rowcount)

    def retarget(self, host_id: int, to_host_id: int, to_zoom_user_id: str) -> int:
        """A host's creates not yet sent (queued or waiting), with the deletes that follow
        them, go to another host instead; how many intents moved.

        Nothing being sent or sent moves (a meeting in Zoom keeps its host), nor a delete
        of an occurrence whose meeting is already made.
        """
        waiting = [IntentState.QUEUED, IntentState.WAITING]
        creates = select(_intent.c.id).where(
            _intent.c.host_id == host_id,
            _intent.c.state.in_(waiting),
            _intent.c.kind == IntentKind.CREATE,
        )
        values = {
            "host_id": to_host_id,
            "zoom_user_id": to_zoom_user_id,
            "state": str(IntentState.QUEUED),
            "wait_until": None,
            "updated_at": utc_now(),
        }
        with self._engine.begin() as conn:
            ids = [int(r[0]) for r in conn.execute(creates)]
            if not ids:
                return 0
            moved = 0
            for part in chunks(ids):
                children = update(_intent).where(
                    _intent.c.parent_id.in_(list(part)), _intent.c.state.in_(waiting)
                )
                moved += int(conn.execute(children.values(**values)).rowcount)
                parents = update(_intent).where(_intent.c.id.in_(list(part)))
                moved += int(conn.execute(parents.values(**values)).rowcount)
            return moved

    def counts(self) -> QueueCounts:
        """Sessions per state and the earliest wait's end: a create counts its sessions, a
        change of a meeting in Zoom (a move, a new time, a cancellation) one, and the delete
        of an occurrence a create makes none."""
        changes = [str(k) for k in IntentKind if k.changes_existing]
        sessions = case(
            (_intent.c.kind.in_(changes), 1),
            else_=func.coalesce(func.json_array_length(_intent.c.session_starts), 0),
        )
        query = (
            select(_intent.c.state, func.sum(sessions), func.min(_intent.c.wait_until))
            .where(_intent.c.kind.in_([str(IntentKind.CREATE), *changes]))
            .group_by(_intent.c.state)
        )
        with self._engine.connect() as conn:
            rows = {str(r[0]): (int(r[1] or 0), r[2]) for r in conn.execute(query)}
        until = rows.get(IntentState.WAITING, (0, None))[1]
        return QueueCounts(
            queued=rows.get(IntentState.QUEUED, (0, None))[0]
            + rows.get(IntentState.SENDING, (0, None))[0],
            waiting=rows.get(IntentState.WAITING, (0, None))[0],
            failed=rows.get(IntentState.FAILED, (0, None))[0],
            created=rows.get(IntentState.CREATED, (0, None))[0],
            wait_until=until.replace(tzinfo=UTC) if until and until.tzinfo is None else until,
        )

    def open_count(self) -> int:
        """Intents still to send."""
        query = select(func.count()).where(or_(*(_intent.c.state == s for s in _OPEN)))
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar_one())
