"""Curricula: preview a term (problems, conflicts, plan and cost) and submit it to the queue."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from zoomadmin.core.actor import current_actor
from zoomadmin.core.changes import ChangeBus, ChangeKind
from zoomadmin.core.curriculum import (
    Busy,
    Conflict,
    RowProblem,
    Session,
    Slot,
    expand,
    find_conflicts,
    parse_csv,
)
from zoomadmin.core.enums import UserType
from zoomadmin.core.errors import AppError
from zoomadmin.core.license_plan import SeatNeed
from zoomadmin.core.planner import Plan, PlanCost, PlannedMeeting, cost, plan
from zoomadmin.core.records import HostRecord, TenantRecord
from zoomadmin.core.schedule import IntentKind, IntentState, NewIntent
from zoomadmin.services.hosts import HostService
from zoomadmin.store.repositories import Store, Transaction
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.errors import NotFound

SeatCheck = Callable[[list[SeatNeed]], Awaitable[list[dict[str, Any]]]]
"""Given new sessions' seat needs, the license pool's shortfalls with them (JSON-shaped)."""


class CurriculumRefusedError(AppError):
    """A curriculum that cannot be submitted as it is (problems, conflicts, hosts to link)."""


@dataclass(frozen=True)
class HostTarget:
    """Who a curriculum's host email is: a stored host of the tenant, or a user to link."""

    email: str
    tenant_id: int
    zoom_user_id: str
    user_type: int
    host_id: int | None
    """None while the user is not yet a host of the tenant (offered for linking)."""


@dataclass(frozen=True)
class CurriculumPreview:
    """What a curriculum would do, before anything is sent."""

    slots: tuple[Slot, ...]
    sessions: tuple[Session, ...]
    problems: tuple[RowProblem, ...]
    conflicts: tuple[Conflict, ...]
    plan: Plan
    cost: PlanCost
    hosts: dict[str, HostTarget] = field(default_factory=dict)
    seat_shortfalls: tuple[dict[str, Any], ...] = ()
    """Where the license pool would be short with these sessions and those already planned
    (in ``pool plan``'s shape: from, to, need, have, sessions)."""

    @property
    def to_link(self) -> list[HostTarget]:
        """Users of the account that would first become hosts of their row's tenant."""
        return [h for h in self.hosts.values() if h.host_id is None]

    @property
    def ok(self) -> bool:
        """Whether nothing keeps it from being submitted (linking aside)."""
        return not self.problems and not any(c.blocking for c in self.conflicts)

    def to_json(self) -> dict[str, Any]:
        """The document ``zoomadmin curriculum plan --json`` prints."""
        return {
            "sessions": self.cost.sessions,
            "requests": self.cost.requests,
            "summary": self.cost.summary,
            "hosts": {
                email: {
                    "sessions": c.sessions,
                    "requests": c.requests,
                    "left_today": c.left_today,
                    "last_created_at": c.last_created_at.astimezone(UTC).isoformat(),
                    "waiting_sessions": c.waiting_sessions,
                }
                for email, c in sorted(self.cost.hosts.items())
            },
            "problems": [
                {"row": p.row, "field": p.field, "message": p.message} for p in self.problems
            ],
            "conflicts": [
                {
                    "kind": str(c.kind),
                    "host_email": c.host_email,
                    "blocking": c.blocking,
                    "message": c.message,
                    "rows": sorted({s.row for s in c.sessions}),
                    "starts": [s.start.isoformat() for s in c.sessions[:10]],
                }
                for c in self.conflicts
            ],
            "to_link": [h.email for h in self.to_link],
            "seat_shortfalls": list(self.seat_shortfalls),
        }


@dataclass(frozen=True)
class TenantChoice:
    """A tenant the wizard offers, with its hosts (by email)."""

    tenant: TenantRecord
    hosts: tuple[HostRecord, ...]


@dataclass(frozen=True)
class Choices:
    """What the curriculum wizard offers: every tenant with its hosts, and the time now."""

    tenants: tuple[TenantChoice, ...]
    now: datetime
    """Aware UTC (the sandbox's clock on a sandbox account)."""


@dataclass(frozen=True)
class Submitted:
    """A curriculum put in the queue."""

    batch: str
    intents: int
    preview: CurriculumPreview


class _Resolver:
    """Finds each row's tenant and host (store first, then Zoom), one look-up per name."""

    def __init__(self, store: Store, zoom: ZoomClient) -> None:
        self._store = store
        self._zoom = zoom
        self.tenants: dict[str, TenantRecord | None] = {}
        self.hosts: dict[str, HostTarget | str] = {}

    async def tenant(self, name: str) -> TenantRecord | None:
        if name not in self.tenants:
            self.tenants[name] = await asyncio.to_thread(self._store.tenants.find_by_name, name)
        return self.tenants[name]

    async def host(self, email: str, tenant: TenantRecord) -> HostTarget | str:
        key = f"{email}\n{tenant.id}"
        if key not in self.hosts:
            self.hosts[key] = await self._find_host(email, tenant)
        return self.hosts[key]

    async def _find_host(self, email: str, tenant: TenantRecord) -> HostTarget | str:
        stored = await asyncio.to_thread(self._store.hosts.find_by_email, email)
        if stored is not None and stored.tenant_id not in (None, tenant.id):
            return f"{email} is a host of another tenant; move it to “{tenant.name}” first."
        if stored is not None and stored.tenant_id == tenant.id:
            return HostTarget(email, tenant.id, stored.zoom_user_id, stored.user_type, stored.id)
        try:
            user = await self._zoom.get_user(email)
        except NotFound:
            return f"There is no user {email} in this Zoom account (sync, or check the address)."
        return HostTarget(email, tenant.id, user.id, int(user.type), None)


def _intents(the_plan: Plan, hosts: dict[str, HostTarget]) -> list[NewIntent]:
    intents: list[NewIntent] = []
    for meeting in the_plan.meetings:
        host = hosts[meeting.host_email]
        if host.host_id is None:
            raise CurriculumRefusedError(
                f"{host.email} is not yet a host of its tenant: link it first."
            )
        index = len(intents)
        intents.append(_create_intent(meeting, host, host.host_id))
        for seq, start in enumerate(meeting.deletes, start=1):
            intents.append(
                NewIntent(
                    kind=IntentKind.DELETE_OCCURRENCE,
                    host_id=host.host_id,
                    zoom_user_id=host.zoom_user_id,
                    tenant_id=host.tenant_id,
                    topic=meeting.title,
                    meeting_type=8,
                    start_local=meeting.local_start.isoformat(),
                    timezone=meeting.timezone,
                    duration_minutes=meeting.duration_minutes,
                    weekly_days=None,
                    end_times=None,
                    first_start=meeting.first_start,
                    seq=seq,
                    session_starts=(start,),
                    parent_index=index,
                )
            )
    return intents


def _create_intent(meeting: PlannedMeeting, host: HostTarget, host_id: int) -> NewIntent:
    return NewIntent(
        kind=IntentKind.CREATE,
        host_id=host_id,
        zoom_user_id=host.zoom_user_id,
        tenant_id=host.tenant_id,
        topic=meeting.title,
        meeting_type=8 if meeting.recurring else 2,
        start_local=meeting.local_start.isoformat(),
        timezone=meeting.timezone,
        duration_minutes=meeting.duration_minutes,
        weekly_days=",".join(map(str, meeting.weekly_days)) if meeting.recurring else None,
        end_times=meeting.end_times if meeting.recurring else None,
        first_start=meeting.first_start,
        seq=0,
        session_starts=tuple(s.start for s in meeting.sessions),
    )


class CurriculumService:
    """Reads a curriculum (CSV or slots), checks it against the store and Zoom, plans it with
    the fewest requests, and puts its writes in the schedule queue."""

    def __init__(
        self,
        store: Store,
        zoom: ZoomClient,
        hosts: HostService,
        *,
        now: Callable[[], datetime],
        bus: ChangeBus,
        on_submitted: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._zoom = zoom
        self._hosts = hosts
        self._now = now
        self._bus = bus
        self._on_submitted = on_submitted
        self.seat_check: SeatCheck | None = None
        """Where the license pool would fall short with these sessions (the runtime sets it)."""

    async def choices(self) -> Choices:
        """Every tenant (by name) with its hosts (by email), for the wizard's first page."""

        def read() -> tuple[TenantChoice, ...]:
            return tuple(
                TenantChoice(tenant, tuple(self._store.hosts.all(tenant.id)))
                for tenant in self._store.tenants.all()
            )

        tenants = await asyncio.to_thread(read)
        return Choices(tenants, self._now())

    async def preview_csv(self, text: str) -> CurriculumPreview:
        """The preview of a curriculum CSV (a file that lacks a column raises)."""
        slots, problems = parse_csv(text)
        return await self.preview_slots(slots, problems)

    async def preview_slots(
        self, slots: Sequence[Slot], problems: Sequence[RowProblem] = ()
    ) -> CurriculumPreview:
        """The preview of weekly slots (from the wizard, or a parsed CSV with its problems)."""
        found = list(problems)
        resolver = _Resolver(self._store, self._zoom)
        sessions: list[Session] = []
        targets: dict[str, HostTarget] = {}
        for slot in slots:
            tenant = await resolver.tenant(slot.tenant)
            if tenant is None:
                found.append(RowProblem(slot.row, "tenant", f"There is no tenant “{slot.tenant}”."))
                continue
            target = await resolver.host(slot.host_email, tenant)
            if isinstance(target, str):
                found.append(RowProblem(slot.row, "host_email", target))
                continue
            targets[slot.host_email] = target
            expanded, bad = expand(slot, slot.timezone or tenant.timezone)
            sessions.extend(expanded)
            found.extend(bad)
        return await self._preview(tuple(slots), sessions, found, targets)

    async def _preview(
        self,
        slots: tuple[Slot, ...],
        sessions: list[Session],
        problems: list[RowProblem],
        targets: dict[str, HostTarget],
    ) -> CurriculumPreview:
        now = self._now()
        busy = await self._busy(sessions, targets)
        basic = [e for e, t in targets.items() if t.user_type == UserType.BASIC]
        conflicts = find_conflicts(sessions, now=now, existing=busy, basic_hosts=basic)
        the_plan = plan(sessions)
        left = {e: await self._left_today(t) for e, t in targets.items()}
        shortfalls: tuple[dict[str, Any], ...] = ()
        if self.seat_check is not None and sessions:
            needs = [
                SeatNeed(
                    f"{s.title} · {s.host_email} · {s.start.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}",
                    s.host_email,
                    s.start,
                    s.start + timedelta(minutes=s.duration_minutes),
                )
                for s in sessions
            ]
            shortfalls = tuple(await self.seat_check(needs))
        return CurriculumPreview(
            slots=slots,
            sessions=tuple(sessions),
            problems=tuple(sorted(problems, key=lambda p: (p.row, p.field))),
            conflicts=tuple(conflicts),
            plan=the_plan,
            cost=cost(the_plan, left, now),
            hosts=targets,
            seat_shortfalls=shortfalls,
        )

    async def _busy(
        self, sessions: Sequence[Session], targets: dict[str, HostTarget]
    ) -> dict[str, list[Busy]]:
        if not sessions:
            return {}
        start = min(s.start for s in sessions) - timedelta(days=1)
        end = max(s.end for s in sessions) + timedelta(days=1)
        busy: dict[str, list[Busy]] = {}
        for email, target in targets.items():
            if target.host_id is None:
                continue
            stored = await asyncio.to_thread(
                self._store.meetings.sessions_between, start, end, host_id=target.host_id
            )
            busy[email] = [Busy(s.start_time, s.end_time, s.topic, s.meeting_id) for s in stored]
            busy[email] += await self._queued(target.host_id)
        return busy

    async def _left_today(self, target: HostTarget) -> int:
        """The host's requests left today, less what its queue already holds."""
        remaining = (await self._zoom.quota(target.zoom_user_id)).remaining
        if target.host_id is None:
            return remaining
        waiting = (IntentState.QUEUED, IntentState.SENDING, IntentState.WAITING)
        queued = await asyncio.to_thread(
            self._store.schedule.listed, waiting, host_id=target.host_id
        )
        return max(0, remaining - len(queued))

    async def _queued(self, host_id: int) -> list[Busy]:
        """The host's sessions still in the queue (a curriculum submitted twice clashes)."""
        waiting = (IntentState.QUEUED, IntentState.SENDING, IntentState.WAITING)
        intents = await asyncio.to_thread(self._store.schedule.listed, waiting, host_id=host_id)
        return [
            Busy(start, start + timedelta(minutes=i.duration_minutes), i.topic, None)
            for i in intents
            if i.kind is IntentKind.CREATE
            for start in i.session_starts
        ]

    async def submit_csv(self, text: str, *, link_users: bool = False) -> Submitted:
        """Validate a curriculum CSV as :meth:`preview_csv` does, then queue its writes."""
        slots, problems = parse_csv(text)
        return await self.submit_slots(slots, problems, link_users=link_users)

    async def submit_slots(
        self,
        slots: Sequence[Slot],
        problems: Sequence[RowProblem] = (),
        *,
        link_users: bool = False,
    ) -> Submitted:
        """Queue the writes of ``slots``; refused while there are problems or blocking
        conflicts, or users to link without ``link_users``."""
        preview = await self.preview_slots(slots, problems)
        self._refuse_unless_ok(preview, link_users)
        if preview.to_link:
            for target in preview.to_link:
                await self._hosts.link_email(target.email, target.tenant_id)
            preview = await self.preview_slots(slots, problems)
            self._refuse_unless_ok(preview, link_users)
        intents = _intents(preview.plan, preview.hosts)
        batch = uuid.uuid4().hex
        summary = {"sessions": preview.cost.sessions, "requests": preview.cost.requests}

        def work(tx: Transaction) -> int:
            count = tx.schedule.add(batch, intents)
            tx.audit.record(
                actor=current_actor(),
                action="curriculum.submit",
                object_type="curriculum",
                object_id=batch,
                old_value=None,
                new_value=summary,
            )
            return count

        count = await asyncio.to_thread(self._store.atomically, work)
        self._bus.publish(ChangeKind.QUEUE)
        self._bus.publish(ChangeKind.SESSIONS)
        self._on_submitted()
        return Submitted(batch, count, preview)

    @staticmethod
    def _refuse_unless_ok(preview: CurriculumPreview, link_users: bool) -> None:
        if preview.problems:
            first = preview.problems[0].text
            raise CurriculumRefusedError(
                f"The curriculum has {len(preview.problems)} problem(s); fix them first "
                f"(the first: {first})."
            )
        blocking = [c for c in preview.conflicts if c.blocking]
        if blocking:
            raise CurriculumRefusedError(
                f"The curriculum has {len(blocking)} conflict(s); fix them first "
                f"(the first: {blocking[0].message})"
            )
        if preview.to_link and not link_users:
            emails = ", ".join(h.email for h in preview.to_link)
            raise CurriculumRefusedError(
                f"{emails} must first become host(s) of their tenant: link them, then submit."
            )
