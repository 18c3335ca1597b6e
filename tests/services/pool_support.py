"""A sandbox day for the license controller: Basic hosts, sessions, the clock run minute by
minute, Zoom's events caught as the sandbox sends them (and lost, doubled or reordered)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tenancy_support import Tenancy, add_zoom_user, draft

from zoomadmin.core.changes import ChangeBus
from zoomadmin.core.records import HostRecord
from zoomadmin.sandbox import SandboxServer
from zoomadmin.sandbox import sessions as ses
from zoomadmin.services.calendar import CalendarService
from zoomadmin.services.license_control import LicenseControl, StepReport
from zoomadmin.store.meetings import MeetingData
from zoomadmin.zoom.events.model import Event, parse_event
from zoomadmin.zoom.models import MeetingRequest

SESSION_MINUTES = 45
SLOT_EVERY = timedelta(minutes=70)
"""45 minutes, up to 6 of overrun, 5 of grace and 10 of lead fit in 70: slots never overlap."""

EventFilter = Callable[[list[Event]], list[Event]]


@dataclass(frozen=True)
class DaySession:
    """One session of the day as the sandbox ran it."""

    topic: str
    host_email: str
    host_id: str
    meeting_id: int
    start: datetime


@dataclass
class PoolDay:
    """A day of sessions on Basic hosts, and the controller that serves them seats."""

    tenancy: Tenancy
    control: LicenseControl
    sessions: list[DaySession]
    hosts: list[HostRecord]
    caught: list[Event] = field(default_factory=list)
    steps: int = 0
    reports: list[StepReport] = field(default_factory=list)

    @property
    def server(self) -> SandboxServer:
        """The sandbox."""
        return self.tenancy.server

    @property
    def over(self) -> datetime:
        """When every session has ended and been recorded (two hours after the last start)."""
        return max(s.start for s in self.sessions) + timedelta(hours=2)

    def now(self) -> datetime:
        """Sandbox time."""
        return self.tenancy.now()

    async def add_session(self, topic: str, at: datetime, *, host_index: int) -> DaySession:
        """One more recorded session of the ``host_index``-th host at ``at``."""
        host = self.hosts[host_index]
        session = await _schedule(self.tenancy, host, topic, at, recorded=True)
        self.sessions.append(session)
        return session

    def fresh_control(self) -> LicenseControl:
        """A controller as a restarted process builds it: the same store, nothing in memory."""
        runtime = self.tenancy.runtime
        self.control = new_control(self.tenancy, runtime.services.calendar, runtime.bus)
        return self.control

    async def run_until(
        self, until: datetime, *, events: EventFilter = lambda e: e, tick: timedelta | None = None
    ) -> None:
        """Run the sandbox minute by minute to ``until``: each minute the caught events go to
        the controller (through ``events``), and it steps when it asked to or they matter."""
        tick = tick or timedelta(minutes=1)
        wake = self.now()
        while self.now() < until:
            self.server.sandbox.clock.advance(tick)
            batch, self.caught[:] = list(self.caught), []
            mattered = False
            for event in events(batch):
                mattered |= await self.control.observe(event)
            if mattered or self.now() >= wake:
                report = await self.control.step()
                self.reports.append(report)
                self.steps += 1
                wake = report.wake

    # -- what happened -------------------------------------------------------------------------

    def runs(self) -> list[tuple[DaySession, Any]]:
        """Each session with its past run in the sandbox (None if it did not run)."""
        state = self.server.sandbox.state
        out = []
        for session in self.sessions:
            run = next(
                (p for p in state.past.values() if p.meeting_id == session.meeting_id),
                None,
            )
            out.append((session, run))
        return out

    def started_licensed(self, session: DaySession, run: Any) -> bool:
        """Whether the host held a paid seat when the run began."""
        user = self.server.sandbox.state.users[session.host_id]
        return ses.licensed_during(user, run.start_time, run.start_time + timedelta(seconds=1))

    def cut_at_40(self, run: Any) -> bool:
        """Whether the run ended at exactly 40 minutes (Zoom's cut of a Basic host)."""
        return bool(run.end_time - run.start_time == ses.BASIC_CUT)

    def recorded(self, run: Any) -> bool:
        """Whether the run has its cloud recording."""
        return run.uuid in self.server.sandbox.state.recordings


def new_control(tenancy: Tenancy, calendar: CalendarService, bus: ChangeBus) -> LicenseControl:
    """A controller on the tenancy's store and client, on the sandbox's clock, turned on."""
    return LicenseControl(
        tenancy.store, tenancy.zoom, calendar, now=tenancy.now, bus=bus, on_by_default=True
    )


def catch_events(server: SandboxServer, into: list[Event]) -> None:
    """Keep every meeting event the sandbox publishes (as the WebSocket would carry it)."""
    bus = server.sandbox.bus
    real = bus.publish

    def publish(event: str, obj: dict[str, Any], **kwargs: Any) -> None:
        real(event, obj, **kwargs)
        envelope = {
            "event": event,
            "event_ts": int(server.sandbox.clock.now().timestamp() * 1000),
            "payload": {
                "account_id": server.info.account_id,
                "object": obj,
                **(kwargs.get("extra_payload") or {}),
            },
        }
        parsed = parse_event(envelope, "websocket")
        if parsed is not None:
            into.append(parsed)

    bus.publish = publish  # type: ignore[method-assign]


async def pool_day(
    tenancy: Tenancy,
    *,
    hosts: int = 30,
    seats: int = 5,
    slots: int = 12,
    per_slot: int = 5,
    first: datetime | None = None,
    recorded: bool = True,
) -> PoolDay:
    """``hosts`` Basic hosts of one tenant, ``slots`` slots of ``per_slot`` sessions each
    (hosts taken in turn), ``seats`` pool seats (the owner keeps its own)."""
    server = tenancy.server
    account = server.sandbox.state.account
    account.paid_seats = seats + 1  # the owner's own seat is protected
    account.late_join_share = 0.0
    account.no_show_share = 0.0
    tenant = await tenancy.tenants.create(draft("Westfield", timezone="UTC"))
    records = []
    for n in range(1, hosts + 1):
        email = tenant.host_email(n)
        add_zoom_user(server, email, first=f"Host{n}")
        records.append(await tenancy.hosts.link_email(email, tenant.id))
    start = first or tenancy.now() + timedelta(hours=1)
    day: list[DaySession] = []
    for slot in range(slots):
        at = start + slot * SLOT_EVERY
        for _ in range(per_slot):
            host = records[len(day) % len(records)]
            day.append(await _schedule(tenancy, host, f"Class {len(day) + 1}", at, recorded))
    runtime = tenancy.runtime
    control = new_control(tenancy, runtime.services.calendar, runtime.bus)
    result = PoolDay(tenancy, control, day, records)
    catch_events(server, result.caught)
    return result


async def _schedule(
    tenancy: Tenancy, host: HostRecord, topic: str, at: datetime, recorded: bool
) -> DaySession:
    """A meeting in Zoom and in the store, as a sync would record it."""
    settings = {"auto_recording": "cloud" if recorded else "none"}
    made = await tenancy.zoom.create_meeting(
        host.zoom_user_id,
        MeetingRequest(topic=topic, start_time=at, duration=SESSION_MINUTES, settings=settings),
    )
    tenancy.store.meetings.save(MeetingData(made.id, host.id, topic, at, SESSION_MINUTES))
    return DaySession(topic, host.email, host.zoom_user_id, made.id, at)


def shuffled(seed: int) -> EventFilter:
    """Events of each minute in a random order."""
    rng = random.Random(seed)

    def reorder(events: list[Event]) -> list[Event]:
        out = list(events)
        rng.shuffle(out)
        return out

    return reorder
