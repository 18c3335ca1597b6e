"""Sessions to Zoom writes with the fewest requests, and what the plan costs each host's quota."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from zoomadmin.core.clock import next_utc_midnight
from zoomadmin.core.curriculum import Session
from zoomadmin.core.enums import HOST_DAILY_LIMIT

MAX_OCCURRENCES = 50
"""Zoom's cap on the occurrences of one recurring meeting."""


def zoom_weekday(day: date) -> int:
    """Zoom's ``weekly_days`` number of ``day``: 1 = Sunday ... 7 = Saturday."""
    return day.isoweekday() % 7 + 1


@dataclass(frozen=True)
class PlannedMeeting:
    """One meeting to create (type 8 weekly when it recurs, else type 2) and the
    occurrences to delete from it afterwards (dates inside the series not wanted)."""

    host_email: str
    tenant: str
    title: str
    timezone: str
    duration_minutes: int
    local_start: datetime
    """Naive wall-clock start of the first occurrence (sent with ``timezone``)."""
    weekly_days: tuple[int, ...]
    """Zoom numbering (1 = Sunday); empty for a single meeting."""
    end_times: int
    """How many occurrences Zoom makes (1 for a single meeting)."""
    sessions: tuple[Session, ...]
    deletes: tuple[datetime, ...]
    """UTC starts of occurrences to delete after the create."""

    @property
    def recurring(self) -> bool:
        """Whether this is a type 8 series."""
        return self.end_times > 1

    @property
    def requests(self) -> int:
        """Zoom requests this meeting costs: the create and one per deleted occurrence."""
        return 1 + len(self.deletes)

    @property
    def first_start(self) -> datetime:
        """The UTC start of its first session (the queue's order)."""
        return self.sessions[0].start


@dataclass(frozen=True)
class Plan:
    """Every meeting to create, in host and start order."""

    meetings: tuple[PlannedMeeting, ...]

    @property
    def sessions(self) -> int:
        """Sessions the plan creates."""
        return sum(len(m.sessions) for m in self.meetings)

    @property
    def requests(self) -> int:
        """Zoom requests the plan costs."""
        return sum(m.requests for m in self.meetings)

    def by_host(self) -> dict[str, list[PlannedMeeting]]:
        """Each host's meetings in the order the queue sends them."""
        hosts: dict[str, list[PlannedMeeting]] = defaultdict(list)
        for meeting in self.meetings:
            hosts[meeting.host_email].append(meeting)
        for group in hosts.values():
            group.sort(key=lambda m: m.first_start)
        return dict(hosts)


_GroupKey = tuple[str, str, str, str, time, int]


def _groups(sessions: Iterable[Session]) -> dict[_GroupKey, dict[date, Session]]:
    """Sessions sharing host, title, zone, local time and duration, by local date."""
    groups: dict[_GroupKey, dict[date, Session]] = defaultdict(dict)
    for s in sessions:
        key = (s.host_email, s.tenant, s.title, s.timezone, s.local_time, s.duration_minutes)
        groups[key].setdefault(s.local_date, s)
    return groups


def _pattern(days: Iterable[date]) -> list[date]:
    """Every date from the first to the last whose weekday is one of the wanted ones."""
    wanted = sorted(days)
    weekdays = {d.weekday() for d in wanted}
    out: list[date] = []
    day = wanted[0]
    while day <= wanted[-1]:
        if day.weekday() in weekdays:
            out.append(day)
        day += timedelta(days=1)
    return out


def _segments(wanted: Sequence[bool]) -> list[tuple[int, int]]:
    """Cover every wanted position with runs of at most 50, each run costing one create
    plus one delete per unwanted position inside it; the cheapest cover (dynamic program)."""
    n = len(wanted)
    inf = n * 2 + 2
    best = [0] + [inf] * n
    back: list[tuple[int, int] | None] = [None] * (n + 1)
    for i in range(n):
        if best[i] >= inf:
            continue
        if not wanted[i] and best[i] < best[i + 1]:
            best[i + 1], back[i + 1] = best[i], None
        if not wanted[i]:
            continue
        holes = 0
        for j in range(i, min(n, i + MAX_OCCURRENCES)):
            holes += not wanted[j]
            if wanted[j] and best[i] + 1 + holes < best[j + 1]:
                best[j + 1], back[j + 1] = best[i] + 1 + holes, (i, j)
    runs: list[tuple[int, int]] = []
    k = n
    while k > 0:
        step = back[k]
        if step is None:
            k -= 1
        else:
            runs.append(step)
            k = step[0]
    return runs[::-1]


def _meeting(
    key: _GroupKey, days: Sequence[date], wanted: Mapping[date, Session]
) -> PlannedMeeting:
    host, tenant, title, tz, at, duration = key
    zone = ZoneInfo(tz)
    sessions = tuple(wanted[d] for d in days if d in wanted)
    holes = tuple(
        datetime.combine(d, at, tzinfo=zone).astimezone(UTC) for d in days if d not in wanted
    )
    recurring = len(days) > 1
    return PlannedMeeting(
        host_email=host,
        tenant=tenant,
        title=title,
        timezone=tz,
        duration_minutes=duration,
        local_start=datetime.combine(days[0], at),
        weekly_days=tuple(sorted({zoom_weekday(d) for d in days})) if recurring else (),
        end_times=len(days),
        sessions=sessions,
        deletes=holes,
    )


def plan(sessions: Iterable[Session]) -> Plan:
    """The fewest Zoom writes that create exactly ``sessions``.

    One weekly series per host, title, zone, local time and duration across weekdays; split
    where Zoom's 50-occurrence cap or a gap makes a split cheaper than deleting occurrences;
    a single meeting where nothing recurs.
    """
    meetings: list[PlannedMeeting] = []
    for key, wanted in _groups(sessions).items():
        days = _pattern(wanted)
        flags = [d in wanted for d in days]
        for first, last in _segments(flags):
            meetings.append(_meeting(key, days[first : last + 1], wanted))
    meetings.sort(key=lambda m: (m.host_email, m.first_start))
    return Plan(tuple(meetings))


@dataclass(frozen=True)
class HostCost:
    """What one host's part of a plan costs against its daily quota."""

    host_email: str
    sessions: int
    requests: int
    left_today: int
    last_created_at: datetime
    """When its last request can go (now, or a coming 00:00 UTC)."""
    waiting_sessions: int
    """Sessions whose create must wait for a coming UTC day."""


@dataclass(frozen=True)
class PlanCost:
    """The plan's cost, shown before anything is sent."""

    sessions: int
    requests: int
    hosts: dict[str, HostCost]
    now: datetime

    @property
    def waiting_sessions(self) -> int:
        """Sessions that wait for a coming UTC day."""
        return sum(h.waiting_sessions for h in self.hosts.values())

    @property
    def last_created_at(self) -> datetime:
        """When the last request of the whole plan can go."""
        return max((h.last_created_at for h in self.hosts.values()), default=self.now)

    @property
    def summary(self) -> str:
        """``all today`` or ``14 sessions wait for Tue 00:00 UTC`` (the last day named)."""
        if not self.waiting_sessions:
            return "all today"
        when = self.last_created_at.astimezone(UTC)
        return f"{self.waiting_sessions} sessions wait for {when:%a %d %b} 00:00 UTC"


def _host_cost(
    email: str, meetings: Sequence[PlannedMeeting], left: int, now: datetime
) -> HostCost:
    budget, day_start, waiting = max(0, left), now, 0
    for meeting in meetings:
        for _ in range(meeting.requests):
            while budget <= 0:
                day_start = next_utc_midnight(day_start)
                budget = HOST_DAILY_LIMIT
            budget -= 1
        if day_start > now:
            waiting += len(meeting.sessions)
    return HostCost(
        host_email=email,
        sessions=sum(len(m.sessions) for m in meetings),
        requests=sum(m.requests for m in meetings),
        left_today=max(0, left),
        last_created_at=day_start,
        waiting_sessions=waiting,
    )


def cost(the_plan: Plan, left_today: Mapping[str, int], now: datetime) -> PlanCost:
    """Sessions, requests, and per host its requests against what it has left today and
    when its last one can be created, sending in start order within each day's 100."""
    hosts = {
        email: _host_cost(email, meetings, left_today.get(email, HOST_DAILY_LIMIT), now)
        for email, meetings in the_plan.by_host().items()
    }
    return PlanCost(the_plan.sessions, the_plan.requests, hosts, now)
