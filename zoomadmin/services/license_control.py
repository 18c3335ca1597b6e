"""The live license pool: seats on hosts before their sessions, back after, and its picture.

:class:`LicenseControl` reads the picture (the calendar's sessions, who is Licensed, what
Zoom says runs or has ended, the free seats), asks :func:`decide` what to do, and makes the
moves (``PATCH /users/{id}`` ``type``), each checked and written to the audit log with its
reason. The license controller job (``jobs/license_controller.py``) calls :meth:`step` when
the last step said to look again or an event or a new session arrives; ``pool status`` and
the License Pool tab read :meth:`status`, the same picture without the moves.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from zoomadmin.core.actor import current_actor
from zoomadmin.core.changes import ChangeBus, ChangeKind
from zoomadmin.core.enums import UserType
from zoomadmin.core.errors import AppError, InvalidValue
from zoomadmin.core.license_control import (
    Claim,
    ControlRules,
    Decision,
    LicenseChange,
    Origin,
    PoolHost,
    Reason,
    Run,
    decide,
)
from zoomadmin.core.license_plan import PoolPlan, SeatNeed, plan_pool
from zoomadmin.core.records import HostRecord, SessionRecord
from zoomadmin.services.calendar import CalendarService
from zoomadmin.services.license_pool import LICENSED, pool_seats, seat_key, session_key
from zoomadmin.store.audit import AuditRecord
from zoomadmin.store.repositories import Store
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.errors import LicenseMovesLimited, SeatLimitReached, ZoomError
from zoomadmin.zoom.events.model import Event, EventKind
from zoomadmin.zoom.models import PlanUsage

log = logging.getLogger(__name__)

BASIC = 1
LICENSE_OBJECT = "license"
"""The audit log's object type for license moves (the object id is the host's email)."""
ATTACH, DETACH = "license.attach", "license.detach"
AROUND = timedelta(hours=18)
"""How far back and ahead of now the controller reads sessions."""
FORECAST = timedelta(hours=24)
"""How far ahead shortfalls are raised as alerts."""
SWITCH_OBJECT = "pool"
"""The audit log's object type for the pool's on/off switch (object id ``control``): the
newest entry is the switch's state, and the log keeps who turned it when."""
SWITCH = "pool.control"
LIVE_SETTLE = timedelta(minutes=2)
"""A run Zoom's live list does not show yet is taken as live this long after it began."""
LIVE_FOR = timedelta(minutes=1)
"""How long one read of Zoom's live list (a resource-intensive call) is reused."""
RETRY_MOVE = timedelta(seconds=30)
"""How soon a step follows one whose move Zoom refused or failed."""
SCARCE_FOR = timedelta(hours=1)
"""After Zoom's license-assignment refusal, how long seats stay on hosts until needed."""
COOLING_OBJECT = "cooling"
"""The audit log's object id (type ``pool``) recording Zoom's cooling-down, for every process."""
USAGE_FOR = timedelta(minutes=10)
"""How long Zoom's plan usage (seats bought and held; a Heavy call) is reused, counting the
pool's own moves into it; a seat-limit refusal reads it again at once."""
REBUILD_EVERY = timedelta(hours=1)
"""How often who is Licensed is read from Zoom again (events keep it current between)."""
"""A run Zoom's live list does not show yet is taken as live this long after it began."""


@dataclass(frozen=True)
class SeatHolder:
    """One paid seat and why its user holds it (``pool status``'s ``seats``)."""

    host: str
    why: str
    """``session``, ``protected``, ``idle`` or ``manual``."""
    session: str | None = None
    until: datetime | None = None
    since: datetime | None = None
    """Idle: when it last held a seat for a session."""
    live: bool = False

    def to_json(self) -> dict[str, Any]:
        """As ``pool status --json`` gives it."""
        return {
            "host": self.host,
            "why": self.why,
            "session": self.session,
            "until": _iso(self.until),
            "live": self.live,
        }


@dataclass(frozen=True)
class NextMove:
    """A license change to come (``pool status``'s ``next_moves``)."""

    at: datetime
    host: str
    to: str
    reason: str
    session: str | None = None

    def to_json(self) -> dict[str, Any]:
        """As ``pool status --json`` gives it."""
        return {
            "at": _iso(self.at),
            "host": self.host,
            "to": self.to,
            "reason": self.reason,
            "session": self.session,
        }


@dataclass(frozen=True)
class BasicSession:
    """A session that runs (or would run) as Basic: cut at 40 minutes, not recorded."""

    title: str
    host: str
    start: datetime

    def to_json(self) -> dict[str, Any]:
        """As ``pool status --json`` gives it."""
        return {"title": self.title, "host": self.host, "start": _iso(self.start)}


@dataclass(frozen=True)
class PoolAlert:
    """Something staff must know: a session that runs (or will run) without a seat."""

    key: str
    """Stable while the alert stands (a desktop notification is shown once per key)."""
    kind: str
    """``basic`` (a session in its window has no seat), ``shortfall`` (planned),
    ``cooling`` (Zoom's license-assignment limit), ``error`` or ``off``."""
    at: datetime
    message: str
    sessions: tuple[str, ...] = ()
    until: datetime | None = None
    """A shortfall's end; cooling's end."""
    need: int = 0
    """A shortfall's sessions needing a seat at once (``have`` the seats)."""
    have: int = 0
    basic: tuple[BasicSession, ...] = ()
    """The sessions that run as Basic: a ``basic`` alert's own, and those the plan leaves
    without a seat in a ``shortfall`` (so the screens can name them, in their own time)."""

    def to_json(self) -> dict[str, Any]:
        """As ``pool status --json`` gives it."""
        return {
            "kind": self.kind,
            "at": _iso(self.at),
            "until": _iso(self.until),
            "message": self.message,
            "sessions": list(self.sessions),
            "basic": [b.to_json() for b in self.basic],
        }


@dataclass(frozen=True)
class PastMove:
    """One license move from the audit log (the License Pool tab's history)."""

    at: datetime
    host: str
    to: str
    """``licensed`` or ``basic``."""
    reason: str
    """``session``, ``reclaim``, ``manual`` or ``reconcile``."""
    session: str | None
    actor: str


@dataclass(frozen=True)
class PoolStatus:
    """The pool now: seats, who holds them and why, the moves to come, the alerts."""

    now: datetime
    paid: int
    in_use: int
    protected: tuple[str, ...]
    seats: tuple[SeatHolder, ...]
    next_moves: tuple[NextMove, ...]
    alerts: tuple[PoolAlert, ...]
    cooling_until: datetime | None = None
    enabled: bool = True
    """Whether the pool moves seats (staff turn it on per account)."""

    @property
    def movable(self) -> int:
        """The seats the pool may move (paid less the protected users' own)."""
        return max(0, self.paid - len(self.protected))

    def to_json(self) -> dict[str, Any]:
        """``pool status --json``."""
        return {
            "now": _iso(self.now),
            "paid": self.paid,
            "in_use": self.in_use,
            "pool_seats": self.movable,
            "seats": [s.to_json() for s in self.seats],
            "next_moves": [m.to_json() for m in self.next_moves],
            "alerts": [a.to_json() for a in self.alerts],
            "cooling_until": _iso(self.cooling_until),
            "enabled": self.enabled,
        }


@dataclass(frozen=True)
class StepReport:
    """What one controller step did and when it wants to look again."""

    status: PoolStatus
    moved: tuple[LicenseChange, ...]
    wake: datetime


@dataclass(frozen=True)
class PoolTimeline:
    """The License Pool chart's series: seats in use (history), planned demand, shortfalls."""

    start: datetime
    end: datetime
    seats: int
    """The pool's movable seats."""
    in_use: tuple[tuple[datetime, int], ...]
    """(moment, pool seats held from then on), from the audit log's moves up to now."""
    demand: tuple[tuple[datetime, int], ...]
    """(moment, seats the plan holds from then on)."""
    shortfalls: tuple[tuple[datetime, datetime], ...]


@dataclass
class _Picture:
    """Everything one step reads, in the controller's terms."""

    now: datetime
    hosts: list[HostRecord]
    pool_hosts: list[PoolHost]
    protected: list[str]
    paid: int
    free: int
    sessions: dict[str, SessionRecord]
    needs: list[SeatNeed]
    plan: PoolPlan
    decision: Decision
    enabled: bool


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _short(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%a %H:%M UTC")


class LicenseControl:
    """Moves the account's pool seats to the hosts whose sessions need them (see module)."""

    def __init__(
        self,
        store: Store,
        zoom: ZoomClient,
        calendar: CalendarService,
        *,
        now: Callable[[], datetime],
        bus: ChangeBus,
        rules: ControlRules | None = None,
        on_by_default: bool = False,
    ) -> None:
        self._store = store
        self._on_by_default = on_by_default
        self._zoom = zoom
        self._calendar = calendar
        self._now = now
        self._bus = bus
        self.rules = rules or ControlRules()
        self._runs: dict[str, Run] = {}
        self._inferred: set[str] = set()
        """Runs whose end was inferred from the live list (a real event or sighting wins)."""
        self._live_read_at: datetime | None = None
        self._lock = asyncio.Lock()
        """One move at a time: the job's step and staff's own moves never interleave."""
        self.wake_hooks: list[Callable[[], None]] = []
        """Called after staff change the pool (the controller job looks at once)."""
        self._last_seen: tuple[object, ...] | None = None
        self._rebuilt_at: datetime | None = None
        self._licensed_in_zoom: set[str] = set()
        self._usage: tuple[datetime, PlanUsage] | None = None
        self.cooling_until: datetime | None = None
        self._problems: dict[str, PoolAlert] = {}
        self.last: PoolStatus | None = None
        """The picture of the last step or status read (None before the first)."""

    # -- events --------------------------------------------------------------------------------

    async def observe(self, event: Event) -> bool:
        """Take in a meeting event (late, twice or out of order alike); True if it matters."""
        if event.kind not in (EventKind.MEETING_STARTED, EventKind.MEETING_ENDED):
            return False
        email = str(event.object.get("host_email") or "")
        host = await asyncio.to_thread(self._host_email, event.host_id, email)
        if host is None or not event.meeting_uuid:
            return False
        uuid = event.meeting_uuid
        known = self._runs.get(uuid)
        ended = None
        if event.kind is EventKind.MEETING_ENDED:
            ended = event.end_time or event.event_ts
        inferred = uuid in self._inferred
        if ended is not None and inferred:
            self._inferred.discard(uuid)  # Zoom's own end replaces the one we inferred
        kept_end = None if known is None or (inferred and ended is not None) else known.ended
        run = Run(host, (known.started if known else None) or event.start_time, kept_end or ended)
        if run == known:
            return False
        self._runs[uuid] = run
        return True

    def _host_email(self, zoom_user_id: str, email: str = "") -> str | None:
        """The stored host's email, by Zoom user id or (the dashboard's rows) by email."""
        if zoom_user_id:
            try:
                return self._store.hosts.get_by_zoom_id(zoom_user_id).email
            except AppError:
                pass
        if email:
            found = self._store.hosts.find_by_email(email.lower())
            return found.email if found else None
        return None

    # -- the picture ---------------------------------------------------------------------------

    async def _rebuild(self, now: datetime) -> None:
        """Who is Licensed (from Zoom, again every hour); after a start also which of
        today's meetings ended, and which run now."""
        users = [u async for u in self._zoom.iter_users()]
        self._licensed_in_zoom = {u.email.lower() for u in users if int(u.type) == LICENSED}
        await asyncio.to_thread(self._store_types, {u.id: int(u.type) for u in users})
        first = self._rebuilt_at is None
        self._rebuilt_at = now
        if not first:
            return
        today = now.astimezone(UTC).date()
        try:
            async for past in self._zoom.iter_past_meetings(today - timedelta(days=1), today):
                host = await asyncio.to_thread(self._host_email, past.host_id, past.email)
                if host and past.end_time is not None and past.uuid not in self._runs:
                    self._runs[past.uuid] = Run(host, past.start_time, past.end_time)
        except ZoomError as exc:  # no dashboard on this plan: ends are waited for instead
            log.info("Past meetings not readable (%s); waiting for ends", exc)
        await self._live_runs(now)

    def _store_types(self, types: dict[str, int]) -> None:
        for host in self._store.hosts.all():
            zoom_type = types.get(host.zoom_user_id)
            if zoom_type is not None and zoom_type != host.user_type:
                self._store.hosts.set_fields(host.id, user_type=zoom_type)

    async def _live_runs(self, now: datetime) -> None:
        """What Zoom's live list says: runs begin (again), and runs it no longer shows ended.

        Without the dashboard (a Business plan and its scope) the list cannot be read: an
        alert says so, and seats then go at the scheduled end plus the overrun allowance.
        """
        if self._live_read_at is not None and now - self._live_read_at < LIVE_FOR:
            return
        live: dict[str, Run] = {}
        try:
            async for meeting in self._zoom.iter_live_meetings():
                host = await asyncio.to_thread(self._host_email, meeting.host_id, meeting.email)
                if host:
                    live[meeting.uuid] = Run(host, meeting.start_time or now)
        except ZoomError as exc:
            self._problem(
                "live",
                "Zoom's list of meetings in progress cannot be read "
                f"({exc.user_message}); seats go back at the scheduled end plus "
                f"{round(self.rules.overrun.total_seconds() / 60)} minutes instead.",
            )
            self._end_overdue(now)
            return
        self._problems.pop("live", None)
        self._live_read_at = now
        for uuid, run in list(self._runs.items()):
            settled = run.started is None or now - run.started >= LIVE_SETTLE
            if run.ended is None and uuid not in live and settled:
                self._runs[uuid] = replace(run, ended=now)
                self._inferred.add(uuid)
        for uuid, run in live.items():
            known = self._runs.get(uuid)
            if known is None or uuid in self._inferred:
                self._inferred.discard(uuid)
                self._runs[uuid] = Run(run.host, (known.started if known else None) or run.started)

    def _end_overdue(self, now: datetime) -> None:
        """Without the live list: a run open past a day is taken as ended (a lost event)."""
        for uuid, run in list(self._runs.items()):
            if run.ended is None and run.started is not None and now - run.started > AROUND:
                self._runs[uuid] = replace(run, ended=now)
                self._inferred.add(uuid)

    def _prune(self, now: datetime) -> None:
        """Forget runs that ended long ago (they decide nothing any more)."""
        for uuid, run in list(self._runs.items()):
            if run.ended is not None and now - run.ended > AROUND:
                del self._runs[uuid]
                self._inferred.discard(uuid)

    async def _picture(self, *, read_live: bool = False) -> _Picture:
        now = self._now()
        if self._rebuilt_at is None or now - self._rebuilt_at >= REBUILD_EVERY:
            await self._rebuild(now)
        if read_live:
            await self._live_runs(now)
        usage = await self._plan_usage(now)
        hosts, origins, enabled, sessions, cooled = await asyncio.to_thread(self._read, now)
        if cooled is not None and (self.cooling_until is None or cooled > self.cooling_until):
            self.cooling_until = cooled  # another process (or before a restart) was refused
        pool_hosts: list[PoolHost] = []
        tenant_hosts = [h for h in hosts if h.tenant_id is not None and not h.missing_in_zoom]
        for host in tenant_hosts:
            entry = origins.get(host.email)
            pool_hosts.append(
                PoolHost(
                    host.email,
                    host.user_type == LICENSED,
                    _origin(entry.new_value if entry else None),
                    entry.at if entry else None,
                )
            )
        tenant_emails = {h.email for h in tenant_hosts}
        outside = {e for e in self._licensed_in_zoom if e not in tenant_emails}
        _, stored = pool_seats(usage.seats_purchased, hosts)
        protected = sorted(outside | set(stored))
        seats = max(0, usage.seats_purchased - len(protected))
        keyed = {seat_key(s.topic, s.host_email, s.start_time): s for s in sessions}
        needs = [
            SeatNeed(key, s.host_email, s.start_time, s.end_time)
            for key, s in keyed.items()
            if s.host_email in tenant_emails
        ]
        holders = [h.email for h in pool_hosts if h.licensed]
        plan = plan_pool(
            [n for n in needs if n.end + self.rules.grace > now],
            seats,
            self.rules.plan_rules,
            holders=holders,
        )
        cooling = self.cooling_until is not None and now < self.cooling_until
        scarce = self.cooling_until is not None and now < self.cooling_until + SCARCE_FOR
        decision = decide(
            now,
            pool_hosts,
            needs,
            self._runs.values(),
            free_seats=usage.seats_free,
            rules=self.rules,
            bridges=[h for h in plan.holdings if len(h.sessions) > 1],
            moves_allowed=enabled and not cooling,
            give_back_unneeded=not scarce,
        )
        return _Picture(
            now,
            hosts,
            pool_hosts,
            protected,
            usage.seats_purchased,
            usage.seats_free,
            keyed,
            needs,
            plan,
            decision,
            enabled,
        )

    async def _plan_usage(self, now: datetime) -> PlanUsage:
        if self._usage is None or now - self._usage[0] >= USAGE_FOR:
            self._usage = (now, await self._zoom.get_plan_usage())
        return self._usage[1]

    def _read(
        self, now: datetime
    ) -> tuple[
        list[HostRecord], dict[str, AuditRecord], bool, list[SessionRecord], datetime | None
    ]:
        store = self._store
        pool = store.audit.latest_by_object(SWITCH_OBJECT)
        return (
            store.hosts.all(),
            store.audit.latest_by_object(LICENSE_OBJECT),
            self._switch(pool.get("control")),
            store.meetings.sessions_between(now - AROUND, now + AROUND),
            _cooled(pool.get(COOLING_OBJECT)),
        )

    def _enabled(self) -> bool:
        return self._switch(self._store.audit.latest_by_object(SWITCH_OBJECT).get("control"))

    def _switch(self, switch: AuditRecord | None) -> bool:
        if switch is None or not isinstance(switch.new_value, dict):
            return self._on_by_default
        return bool(switch.new_value.get("on"))

    async def enabled(self) -> bool:
        """Whether the pool moves seats on this account."""
        return await asyncio.to_thread(self._enabled)

    async def set_enabled(self, on: bool) -> None:
        """Turn the pool's moves on or off (written to the audit log, for every desk)."""
        before = await self.enabled()

        def work() -> None:
            self._store.audit.record(
                actor=current_actor(),
                action=SWITCH,
                object_type=SWITCH_OBJECT,
                object_id="control",
                old_value={"on": before},
                new_value={"on": on},
                at=self._now(),
            )

        await asyncio.to_thread(work)
        self._bus.publish(ChangeKind.POOL)
        self._wake_job()

    # -- status --------------------------------------------------------------------------------

    async def status(self) -> PoolStatus:
        """The pool now, without moving anything (``pool status``, the License Pool tab)."""
        picture = await self._picture()
        status = self._status(picture)
        self.last = status
        return status

    def _status(self, picture: _Picture) -> PoolStatus:
        claims = picture.decision.claims
        seats: list[SeatHolder] = []
        for email in picture.protected:
            seats.append(SeatHolder(email, "protected"))
        for host in picture.pool_hosts:
            if not host.licensed:
                continue
            claim = claims.get(host.email)
            if claim is not None:
                seats.append(self._holder(host.email, claim, picture))
            elif host.origin is Origin.MANUAL:
                seats.append(SeatHolder(host.email, "manual", since=host.last_used))
            else:
                seats.append(SeatHolder(host.email, "idle", since=host.last_used))
        moves = self._next_moves(picture)
        return PoolStatus(
            now=picture.now,
            paid=picture.paid,
            in_use=picture.paid - picture.free,
            protected=tuple(picture.protected),
            seats=tuple(seats),
            next_moves=tuple(moves),
            alerts=tuple(self._alerts(picture)),
            enabled=picture.enabled,
            cooling_until=self.cooling_until
            if self.cooling_until and self.cooling_until > picture.now
            else None,
        )

    def _title(self, picture: _Picture, need: SeatNeed | None) -> str | None:
        if need is None:
            return None
        session = picture.sessions.get(need.key)
        return session.topic if session else need.key

    def _holder(self, email: str, claim: Claim, picture: _Picture) -> SeatHolder:
        title = self._title(picture, claim.session)
        until = claim.until
        if claim.session is not None and until is None:  # live: planned to go after its end
            until = max(claim.session.end + self.rules.grace, picture.now)
        return SeatHolder(email, "session", title, until, live=claim.live)

    def _next_moves(self, picture: _Picture) -> list[NextMove]:
        now = picture.now
        out = [
            NextMove(now, c.host, c.to, str(c.reason), self._title(picture, c.session))
            for c in picture.decision.changes
        ]
        immediate = {(m.host, m.to) for m in out}
        for move in picture.plan.moves:
            if move.at <= now or (move.host, move.to) in immediate:
                continue
            session = picture.sessions.get(move.session or "")
            title = session.topic if session else move.session
            reason = "session" if move.reason.startswith("session") else "reclaim"
            out.append(NextMove(move.at, move.host, move.to, reason, title))
        return sorted(out, key=lambda m: (m.at, m.to != "basic", m.host))[:50]

    def _alerts(self, picture: _Picture) -> list[PoolAlert]:
        alerts: list[PoolAlert] = []
        if not picture.enabled:
            alerts.append(
                PoolAlert(
                    "off",
                    "off",
                    picture.now,
                    "The license pool is turned off: it moves no seats, so sessions of Basic "
                    "hosts run as Basic. Turn it on in the License Pool tab.",
                )
            )
        for need in picture.decision.unseated:
            title = self._title(picture, need) or need.key
            alerts.append(
                PoolAlert(
                    f"basic:{need.key}",
                    "basic",
                    need.start,
                    f"{title} ({need.host}, {_short(need.start)}) has no paid seat: it runs as "
                    "Basic, is cut at 40 minutes and is not recorded to the cloud.",
                    (need.key,),
                    basic=(BasicSession(title, need.host, need.start),),
                )
            )
        alerts.extend(self._shortfall_alerts(picture))
        if self.cooling_until is not None and self.cooling_until > picture.now:
            alerts.append(
                PoolAlert(
                    f"cooling:{_iso(self.cooling_until)}",
                    "cooling",
                    picture.now,
                    "Zoom limits how often the account may move licenses: seats stay where they "
                    f"are until {_short(self.cooling_until)}.",
                    until=self.cooling_until,
                )
            )
        alerts.extend(self._problems.values())
        return alerts

    def _shortfall_alerts(self, picture: _Picture) -> list[PoolAlert]:
        """The planned shortfalls of the next :data:`FORECAST`, each naming the sessions the
        plan leaves without a seat."""
        alerts: list[PoolAlert] = []
        horizon = picture.now + FORECAST
        unseated = set(picture.plan.unseated)
        needs = {n.key: n for n in picture.needs}
        for short in picture.plan.shortfalls:
            if short.start >= horizon or short.end <= picture.now:
                continue
            left = sorted(
                (needs[key] for key in short.sessions if key in unseated and key in needs),
                key=lambda n: (n.start, n.key),
            )
            alerts.append(
                PoolAlert(
                    f"shortfall:{_iso(short.start)}:{short.need}",
                    "shortfall",
                    short.start,
                    f"{_short(short.start)} to {_short(short.end)}: {short.need} sessions need "
                    f"a seat, {short.have} seats; the rest run as Basic (cut at 40 minutes).",
                    short.sessions,
                    until=short.end,
                    need=short.need,
                    have=short.have,
                    basic=tuple(
                        BasicSession(self._title(picture, n) or n.key, n.host, n.start)
                        for n in left
                    ),
                )
            )
        return alerts

    # -- the moves -----------------------------------------------------------------------------

    async def step(self) -> StepReport:
        """Look, move what the rules say, and say when to look again.

        Zoom's live list (a resource-intensive call: 10 to 20 a minute) is read, at most once
        a minute, only before a seat goes back, and when a host is live (as events tell) past
        its session's end plus the overrun allowance (its ``meeting.ended`` may be lost).
        """
        async with self._lock:
            picture = await self._picture()
            if self._unsure(picture):
                picture = await self._picture(read_live=True)
            moved: list[LicenseChange] = []
            failed = False
            if picture.decision.changes:
                moved, failed = await self._apply(picture)
                if moved:
                    picture = await self._picture()
            self._prune(picture.now)
            status = self._status(picture)
        self.last = status
        wake = picture.decision.wake
        if self.cooling_until is not None and self.cooling_until > picture.now:
            wake = min(wake, self.cooling_until)
        if failed:
            wake = min(wake, picture.now + RETRY_MOVE)
        seen = (tuple(s.to_json().items() for s in status.seats), status.alerts)
        if moved or seen != self._last_seen:
            self._last_seen = seen
            self._bus.publish(ChangeKind.POOL)
        return StepReport(status, tuple(moved), wake)

    def _unsure(self, picture: _Picture) -> bool:
        """Whether Zoom's live list must be read now (see :meth:`step`): a seat would go from
        a host whose last session's end Zoom has not told (lost, late, or never started), or
        a host is live, as events tell, past its session's end plus the overrun allowance."""
        overdue = any(
            c.live and c.session is not None and picture.now >= c.session.end + self.rules.overrun
            for c in picture.decision.claims.values()
        )
        leaving = {c.host for c in picture.decision.changes if c.to == "basic"}
        return overdue or any(not self._end_told(host, picture) for host in leaving)

    def _end_told(self, host: str, picture: _Picture) -> bool:
        """Whether Zoom's own event ended every run of ``host`` since its last session
        opened (an end inferred from the live list does not count)."""
        opened = [
            n.start - self.rules.lead
            for n in picture.needs
            if n.host == host and n.start - self.rules.lead <= picture.now
        ]
        since = max(opened, default=None)
        runs = [
            (uuid, r)
            for uuid, r in self._runs.items()
            if r.host == host and (since is None or (r.started is not None and r.started >= since))
        ]
        return bool(runs) and all(
            r.ended is not None and uuid not in self._inferred for uuid, r in runs
        )

    async def _apply(self, picture: _Picture) -> tuple[list[LicenseChange], bool]:
        hosts = {h.email: h for h in picture.hosts}
        done: list[LicenseChange] = []
        blocked_attach = failed = False
        for change in picture.decision.changes:
            host = hosts[change.host]
            if change.to == "licensed" and blocked_attach:
                continue
            try:
                await self._move(host, change, picture)
            except LicenseMovesLimited as exc:
                self.cooling_until = picture.now + timedelta(seconds=exc.retry_after)
                log.warning("License moves refused until %s", self.cooling_until)
                await asyncio.to_thread(self._record_cooling, self.cooling_until)
                break
            except SeatLimitReached:
                blocked_attach = failed = True
                self._usage = None
                self._problem(
                    "seats",
                    "Zoom says every paid seat is taken although the pool counted one free; "
                    "the next step reads the seats again.",
                )
                continue
            except ZoomError as exc:
                failed = True
                self._problem(f"move:{host.email}", f"{host.email}: {exc.user_message}")
                continue
            self._problems.pop(f"move:{host.email}", None)
            self._problems.pop("seats", None)
            done.append(change)
        return done, failed

    def _record_cooling(self, until: datetime) -> None:
        self._store.audit.record(
            actor=current_actor(),
            action="pool.cooling",
            object_type=SWITCH_OBJECT,
            object_id=COOLING_OBJECT,
            new_value={"until": _iso(until)},
            at=self._now(),
        )

    def _count_seat(self, change: int) -> None:
        """A seat the pool just gave (+1) or took back (-1), in the reused plan usage."""
        if self._usage is not None:
            at, usage = self._usage
            held = max(0, usage.seats_used + change)
            self._usage = (at, usage.model_copy(update={"seats_used": held}))

    def _problem(self, key: str, message: str) -> None:
        self._problems[key] = PoolAlert(f"error:{key}", "error", self._now(), message)

    async def _move(self, host: HostRecord, change: LicenseChange, picture: _Picture) -> None:
        """Change the host's type in Zoom, record it with its reason, and check an attach
        took (Zoom has answered yes to a seat it did not give)."""
        new_type = LICENSED if change.to == "licensed" else BASIC
        await self._zoom.set_user_type(host.zoom_user_id, UserType(new_type))
        title = self._title(picture, change.session)
        value = {
            "to": change.to,
            "reason": str(change.reason),
            "session": title,
            "session_key": change.session.key if change.session else None,
            "origin": str(Origin.POOL) if change.to == "licensed" else "",
        }
        await asyncio.to_thread(self._record, host, new_type, value)
        self._count_seat(+1 if new_type == LICENSED else -1)
        self._bus.publish(ChangeKind.HOSTS, [host.id])
        if new_type == LICENSED:
            checked = int((await self._zoom.get_user(host.zoom_user_id)).type)
            if checked != LICENSED:
                await asyncio.to_thread(self._store.hosts.set_fields, host.id, user_type=checked)
                self._count_seat(-1)
                raise ZoomError("Zoom accepted the license, but the user is still Basic.")

    def _record(self, host: HostRecord, new_type: int, value: dict[str, Any]) -> None:
        def work(tx: Any) -> None:
            tx.hosts.set_fields(host.id, user_type=new_type)
            tx.audit.record(
                actor=current_actor(),
                action=ATTACH if new_type == LICENSED else DETACH,
                object_type=LICENSE_OBJECT,
                object_id=host.email,
                old_value={"type": host.user_type},
                new_value=value,
                at=self._now(),
            )

        self._store.atomically(work)

    # -- staff's own moves ---------------------------------------------------------------------

    async def _known_host(self, email: str) -> HostRecord:
        host = await asyncio.to_thread(self._store.hosts.find_by_email, email.strip().lower())
        if host is None:
            raise InvalidValue(f"{email} is not a user of this account that zoomadmin knows.")
        return host

    async def impact(self, email: str, to: str) -> str:
        """What a manual attach or detach of ``email`` affects, for the confirmation
        (an unknown user, or taking a protected user's seat, is refused)."""
        host = await self._known_host(email)
        status = self.last or await self.status()
        if to == "licensed":
            free = status.paid - status.in_use
            if host.user_type == LICENSED:
                return f"{host.email} holds a paid seat already; it is kept until detached."
            if free > 0:
                return f"{host.email} gets one of the {free} free paid seats until detached."
            return f"No paid seat is free: {host.email} cannot get one until a seat frees."
        holder = next((s for s in status.seats if s.host == host.email), None)
        return _detach_impact(host, holder)

    async def seatless(self) -> tuple[str, ...]:
        """The tenant hosts without a paid seat, by email (whom staff may attach)."""

        def read() -> tuple[str, ...]:
            hosts = self._store.hosts.all()
            return tuple(
                sorted(
                    (
                        h.email
                        for h in hosts
                        if h.tenant_id is not None
                        and not h.missing_in_zoom
                        and h.status == "active"
                        and h.user_type != LICENSED
                    ),
                    key=str.casefold,
                )
            )

        return await asyncio.to_thread(read)

    async def attach(self, email: str) -> None:
        """Give ``email`` a seat that stays until staff take it back."""
        await self._manual(email, "licensed")

    async def detach(self, email: str) -> None:
        """Take ``email``'s seat back (never a protected user's)."""
        await self._manual(email, "basic")

    async def _manual(self, email: str, to: str) -> None:
        await self.impact(email, to)  # refuses an unknown host or a protected seat
        async with self._lock:
            host = await self._known_host(email)
            new_type = LICENSED if to == "licensed" else BASIC
            current = int((await self._zoom.get_user(host.zoom_user_id)).type)
            if current != new_type:
                await self._zoom.set_user_type(host.zoom_user_id, UserType(new_type))
                self._count_seat(+1 if new_type == LICENSED else -1)
            value = {
                "to": to,
                "reason": str(Reason.MANUAL),
                "session": None,
                "origin": str(Origin.MANUAL) if to == "licensed" else "",
            }
            await asyncio.to_thread(self._record, host, new_type, value)
        self._bus.publish(ChangeKind.HOSTS, [host.id])
        self._bus.publish(ChangeKind.POOL)
        self._wake_job()

    def _wake_job(self) -> None:
        for hook in list(self.wake_hooks):
            hook()

    # -- the history and the chart -------------------------------------------------------------

    async def history(self, since: datetime, *, limit: int = 2000) -> tuple[PastMove, ...]:
        """The license moves since ``since``, newest first, as the audit log keeps them."""
        entries = await asyncio.to_thread(
            self._store.audit.entries, object_type=LICENSE_OBJECT, since=since, limit=limit
        )
        moves = []
        for entry in entries:
            if entry.action not in (ATTACH, DETACH):
                continue
            value = entry.new_value if isinstance(entry.new_value, dict) else {}
            to = "licensed" if entry.action == ATTACH else "basic"
            session = value.get("session")
            moves.append(
                PastMove(
                    entry.at,
                    entry.object_id,
                    to,
                    str(value.get("reason") or ""),
                    str(session) if session else None,
                    entry.actor,
                )
            )
        return tuple(moves)

    async def timeline(self, start: datetime, end: datetime) -> PoolTimeline:
        """Seats held from ``start`` to now (from the audit log) and the plan to ``end``."""
        status = self.last or await self.status()
        moves = await asyncio.to_thread(
            self._store.audit.entries, object_type=LICENSE_OBJECT, since=start, limit=5000
        )
        held = sum(1 for s in status.seats if s.why != "protected")
        points: list[tuple[datetime, int]] = [(status.now, held)]
        for entry in moves:  # newest first: undo each move to go back in time
            if entry.at > status.now:
                continue
            points.append((entry.at, max(0, held)))  # what the move left, from then on
            held += -1 if entry.action == ATTACH else 1
        points.append((start, max(0, held)))
        # Oldest first; moves at one moment keep their order, so the last one there counts.
        in_use = tuple(reversed(points))
        sessions = await self._calendar.sessions(start - AROUND, end)
        hosts = {h.id: h for h in await asyncio.to_thread(self._store.hosts.all)}
        needs = [
            SeatNeed(session_key(s), s.host_email, s.start, s.end)
            for s in sessions
            if (h := hosts.get(s.host_id)) is not None and h.tenant_id is not None
        ]
        plan = plan_pool(needs, status.movable, self.rules.plan_rules)
        changes: dict[datetime, int] = {}
        for holding in plan.holdings:
            changes[holding.start] = changes.get(holding.start, 0) + 1
            changes[holding.end] = changes.get(holding.end, 0) - 1
        for short in plan.shortfalls:
            changes.setdefault(short.start, 0)
        running, demand = 0, []
        for moment in sorted(changes):
            running += changes[moment]
            demand.append((moment, running))
        shortfalls = tuple((s.start, s.end) for s in plan.shortfalls if s.end > start)
        return PoolTimeline(start, end, status.movable, in_use, tuple(demand), shortfalls)


def _detach_impact(host: HostRecord, holder: SeatHolder | None) -> str:
    """What taking ``host``'s seat affects (refused for a protected seat)."""
    if holder is None or host.user_type != LICENSED:
        return f"{host.email} holds no paid seat."
    if holder.why == "protected":
        raise InvalidValue(
            f"{host.email} is staff outside every tenant (a protected seat): the pool never "
            "moves it. Change it in Zoom if it must go."
        )
    if holder.live:
        return (
            f"{host.email} is in a meeting now: it keeps running, but its session still needs "
            "the seat, so the pool gives it back at once."
        )
    if holder.why == "session":
        return (
            f"{host.email} holds the seat for {holder.session}; the session still needs one, "
            "so the pool gives it a seat again at once."
        )
    return f"{host.email} becomes Basic (meetings cut at 40 minutes, no cloud recording)."


def _cooled(entry: AuditRecord | None) -> datetime | None:
    """Until when Zoom's last license-assignment refusal asked to wait."""
    if entry is None or not isinstance(entry.new_value, dict):
        return None
    until = entry.new_value.get("until")
    try:
        return datetime.fromisoformat(str(until).replace("Z", "+00:00")) if until else None
    except ValueError:
        return None


def _origin(value: Any) -> Origin:
    if isinstance(value, dict):
        try:
            return Origin(value.get("origin") or "")
        except ValueError:
            return Origin.OTHER
    return Origin.OTHER
