"""The license pool's plan over the calendar: the seats Zoom says the account has, the
sessions of tenant hosts that need one, and what :func:`plan_pool` makes of them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from zoomadmin.core.license_plan import PoolPlan, PoolRules, SeatNeed, Shortfall, plan_pool
from zoomadmin.core.records import HostRecord
from zoomadmin.services.calendar import CalendarService, CalendarSession
from zoomadmin.store.repositories import Store
from zoomadmin.zoom.client import ZoomClient

LICENSED = 2


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def seat_key(title: str, host_email: str, start: datetime) -> str:
    """A session's name in the plan: unique, and readable in a shortfall."""
    return f"{title} · {host_email} · {_iso(start)}"


def session_key(session: CalendarSession) -> str:
    """:func:`seat_key` of a calendar session."""
    return seat_key(session.title, session.host_email, session.start)


@dataclass(frozen=True)
class PoolReport:
    """A plan with what it was made from: the seats the pool may move and why."""

    plan: PoolPlan
    paid_seats: int
    protected: tuple[str, ...]
    """Licensed users outside every tenant (staff): they keep their own seats."""

    def shortfall_json(self, shortfall: Shortfall) -> dict[str, Any]:
        """A shortfall as ``pool plan --json`` gives it."""
        return {
            "from": _iso(shortfall.start),
            "to": _iso(shortfall.end),
            "need": shortfall.need,
            "have": shortfall.have,
            "sessions": list(shortfall.sessions),
        }

    def to_json(self) -> dict[str, Any]:
        """``pool plan --json``."""
        plan = self.plan
        return {
            "seats": plan.seats,
            "peak": plan.peak,
            "shortfalls": [self.shortfall_json(s) for s in plan.shortfalls],
            "moves": len(plan.moves),
            "seat_minutes": round(plan.seat_minutes),
            "session_minutes": round(plan.session_minutes),
        }


def pool_seats(paid: int, hosts: Iterable[HostRecord]) -> tuple[int, list[str]]:
    """The seats the pool may move, and the protected users (Licensed, outside every tenant:
    staff, who keep their own seats)."""
    protected = sorted(h.email for h in hosts if h.tenant_id is None and h.user_type == LICENSED)
    return max(0, paid - len(protected)), protected


def seat_needs(sessions: list[CalendarSession], hosts: dict[int, HostRecord]) -> list[SeatNeed]:
    """The sessions of tenant hosts (staff outside every tenant keep their own seats)."""
    needs = []
    for session in sessions:
        host = hosts.get(session.host_id)
        if host is None or host.tenant_id is None:
            continue
        needs.append(SeatNeed(session_key(session), host.email, session.start, session.end))
    return needs


class LicensePool:
    """Plans the account's pool of paid seats over the sessions on the calendar."""

    def __init__(
        self,
        store: Store,
        zoom: ZoomClient,
        calendar: CalendarService,
        *,
        rules: PoolRules | None = None,
    ) -> None:
        self._store = store
        self._zoom = zoom
        self._calendar = calendar
        self.rules = rules or PoolRules()

    async def _hosts(self) -> dict[int, HostRecord]:
        return {h.id: h for h in await asyncio.to_thread(self._store.hosts.all)}

    async def plan(
        self, start: datetime, end: datetime, *, extra: list[SeatNeed] | None = None
    ) -> PoolReport:
        """The plan for the sessions starting in ``[start, end)`` (and ``extra`` ones not
        yet on the calendar, such as a curriculum's before it is submitted)."""
        usage = await self._zoom.get_plan_usage()
        hosts = await self._hosts()
        seats, protected = pool_seats(usage.seats_purchased, hosts.values())
        sessions = await self._calendar.sessions(start, end)
        needs = [*seat_needs(sessions, hosts), *(extra or [])]
        holders = [
            h.email for h in hosts.values() if h.tenant_id is not None and h.user_type == LICENSED
        ]
        plan = plan_pool(needs, seats, self.rules, holders=holders)
        return PoolReport(plan, usage.seats_purchased, tuple(protected))

    async def shortfalls_with(self, needs: list[SeatNeed]) -> list[dict[str, Any]]:
        """The shortfalls if ``needs`` (new sessions) joined those already planned, over
        their days (for the curriculum preview)."""
        if not needs:
            return []
        start = min(n.start for n in needs) - timedelta(days=1)
        end = max(n.end for n in needs) + timedelta(days=1)
        report = await self.plan(start, end, extra=needs)
        return [report.shortfall_json(s) for s in report.plan.shortfalls]
