"""The license pool's planner: which host holds which paid seat when, and the moves that takes.

Pure and Qt-free. Each session needs a seat on its host from ``lead`` before its start to
``grace`` after its scheduled end (its *window*): a Basic host's meeting is cut at 40 minutes
and cannot record to the cloud unless the host is Licensed when it starts, and Zoom's staff
advise changing a license only after ``meeting.ended``. Protected users (staff who keep
their own seat) are not planned; ``seats`` are the ones the pool may move.

Goals, in order:

1. No session without a seat while seats suffice: a host's overlapping or touching windows
   make one *holding*, and holdings are packed onto seats by start (interval partitioning),
   so the seats needed equal the peak concurrency of the windows, the lower bound.
2. The fewest license moves: a host whose next window starts within ``keep_gap`` of the end of
   its last keeps its seat between them (saving a detach and an attach) wherever that never
   takes a seat another session needs; a host that holds a seat when the plan starts keeps it
   into its first holding.
3. The fewest seat-minutes: nothing is held but windows and those short gaps.

Where demand exceeds the seats, the intervals and the sessions involved are reported as
shortfalls (those sessions would run as Basic), as early as the plan knows.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

LEAD = timedelta(minutes=10)
GRACE = timedelta(minutes=5)
KEEP_GAP = timedelta(minutes=20)


@dataclass(frozen=True)
class SeatNeed:
    """One session that needs a pool seat on its host."""

    key: str
    """The session's own name in the caller's terms (shown in shortfalls and moves)."""
    host: str
    start: datetime
    end: datetime
    """The scheduled end."""


@dataclass(frozen=True)
class PoolRules:
    """How early a seat goes on, how long it stays after, and the short gaps a host keeps."""

    lead: timedelta = LEAD
    grace: timedelta = GRACE
    keep_gap: timedelta = KEEP_GAP


@dataclass(frozen=True)
class Holding:
    """One host holding one seat for a stretch of time, for these sessions."""

    seat: int
    host: str
    start: datetime
    end: datetime
    sessions: tuple[str, ...]

    @property
    def minutes(self) -> float:
        """How long it holds the seat."""
        return (self.end - self.start).total_seconds() / 60


@dataclass(frozen=True)
class Shortfall:
    """A stretch of time where more sessions need a seat than there are seats."""

    start: datetime
    end: datetime
    need: int
    have: int
    sessions: tuple[str, ...]


@dataclass(frozen=True)
class Move:
    """A license change the plan implies: a host to Licensed (attach) or to Basic (detach)."""

    at: datetime
    host: str
    to: str
    """``licensed`` or ``basic``."""
    reason: str
    session: str | None = None


@dataclass(frozen=True)
class PoolPlan:
    """The seats' timelines, the shortfalls and the moves, with the figures a person reads."""

    seats: int
    peak: int
    holdings: tuple[Holding, ...]
    shortfalls: tuple[Shortfall, ...]
    moves: tuple[Move, ...]
    session_minutes: float
    unseated: tuple[str, ...] = field(default=())
    """Sessions no seat is free for (they would run as Basic)."""

    @property
    def seat_minutes(self) -> float:
        """Minutes seats are held in all."""
        return sum(h.minutes for h in self.holdings)


@dataclass
class _Stretch:
    host: str
    start: datetime
    end: datetime
    sessions: list[str]


def _windows(needs: Iterable[SeatNeed], rules: PoolRules) -> dict[str, list[_Stretch]]:
    """Each host's windows, the overlapping or touching ones made one."""
    by_host: dict[str, list[SeatNeed]] = {}
    for need in needs:
        by_host.setdefault(need.host, []).append(need)
    out: dict[str, list[_Stretch]] = {}
    for host, host_needs in by_host.items():
        stretches: list[_Stretch] = []
        for need in sorted(host_needs, key=lambda n: (n.start, n.key)):
            start, end = need.start - rules.lead, need.end + rules.grace
            if stretches and start <= stretches[-1].end:
                last = stretches[-1]
                last.end = max(last.end, end)
                last.sessions.append(need.key)
            else:
                stretches.append(_Stretch(host, start, end, [need.key]))
        out[host] = stretches
    return out


def _concurrency(stretches: Iterable[_Stretch]) -> list[tuple[datetime, int]]:
    """(moment, how many stretches run from then on) at each change, in time order."""
    changes: dict[datetime, int] = {}
    for stretch in stretches:
        changes[stretch.start] = changes.get(stretch.start, 0) + 1
        changes[stretch.end] = changes.get(stretch.end, 0) - 1
    running, out = 0, []
    for moment in sorted(changes):
        running += changes[moment]
        out.append((moment, running))
    return out


def _peak(stretches: Iterable[_Stretch]) -> int:
    return max((n for _, n in _concurrency(stretches)), default=0)


class _Load:
    """How many stretches run at each moment, over fixed moments: add a stretch, ask the
    most at once within a span; both in O(log n) (a segment tree with pending additions)."""

    def __init__(self, moments: Iterable[datetime]) -> None:
        self._moments = sorted(set(moments))
        self._size = max(1, len(self._moments))
        self._top = [0] * (4 * self._size)
        self._pending = [0] * (4 * self._size)

    def _span(self, start: datetime, end: datetime) -> tuple[int, int]:
        """The elementary spans ``[moments[i], moments[i+1])`` that ``[start, end)`` covers."""
        low = bisect.bisect_left(self._moments, start)
        return low, bisect.bisect_left(self._moments, end) - 1

    def add(self, start: datetime, end: datetime) -> None:
        """One more stretch running over ``[start, end)``."""
        low, high = self._span(start, end)
        if low <= high:
            self._add(1, 0, self._size - 1, low, high)

    def most(self, start: datetime, end: datetime) -> int:
        """The most stretches running at once within ``[start, end)``."""
        low, high = self._span(start, end)
        return self._most(1, 0, self._size - 1, low, high) if low <= high else 0

    def _add(self, node: int, left: int, right: int, low: int, high: int) -> None:
        if high < left or right < low:
            return
        if low <= left and right <= high:
            self._top[node] += 1
            self._pending[node] += 1
            return
        middle = (left + right) // 2
        self._add(2 * node, left, middle, low, high)
        self._add(2 * node + 1, middle + 1, right, low, high)
        below = max(self._top[2 * node], self._top[2 * node + 1])
        self._top[node] = below + self._pending[node]

    def _most(self, node: int, left: int, right: int, low: int, high: int) -> int:
        if high < left or right < low:
            return 0
        if low <= left and right <= high:
            return self._top[node]
        middle = (left + right) // 2
        below = max(
            self._most(2 * node, left, middle, low, high),
            self._most(2 * node + 1, middle + 1, right, low, high),
        )
        return below + self._pending[node]


def _keep_gaps(
    hosts: dict[str, list[_Stretch]], seats: int, rules: PoolRules
) -> dict[str, list[_Stretch]]:
    """Join a host's stretches across short gaps where that never needs more than ``seats``."""
    every = [s for stretches in hosts.values() for s in stretches]
    gaps = sorted(
        (later.start - earlier.end, host, index)
        for host, stretches in hosts.items()
        for index, (earlier, later) in enumerate(itertools.pairwise(stretches))
        if later.start - earlier.end <= rules.keep_gap
    )
    load = _Load(m for s in every for m in (s.start, s.end))
    for stretch in every:
        load.add(stretch.start, stretch.end)
    joined: dict[str, set[int]] = {}
    for _gap, host, index in gaps:  # the shortest gaps first: they cost the fewest minutes
        earlier, later = hosts[host][index], hosts[host][index + 1]
        if load.most(earlier.end, later.start) + 1 <= seats:
            load.add(earlier.end, later.start)
            joined.setdefault(host, set()).add(index)
    out: dict[str, list[_Stretch]] = {}
    for host, stretches in hosts.items():
        merged: list[_Stretch] = []
        for index, stretch in enumerate(stretches):
            if merged and index - 1 in joined.get(host, set()):
                merged[-1].end = stretch.end
                merged[-1].sessions.extend(stretch.sessions)
            else:
                merged.append(_Stretch(host, stretch.start, stretch.end, list(stretch.sessions)))
        out[host] = merged
    return out


def _shortfalls(stretches: Sequence[_Stretch], seats: int) -> list[Shortfall]:
    out: list[Shortfall] = []
    timeline = _concurrency(stretches)
    for (moment, running), (following, _next) in itertools.pairwise(timeline):
        if running <= seats:
            continue
        involved = sorted(
            {k for s in stretches if s.start < following and s.end > moment for k in s.sessions}
        )
        if out and out[-1].end == moment and out[-1].need == running:
            last = out[-1]
            out[-1] = Shortfall(
                last.start, following, running, seats, tuple(sorted({*last.sessions, *involved}))
            )
        else:
            out.append(Shortfall(moment, following, running, seats, tuple(involved)))
    return out


def plan_pool(
    needs: Iterable[SeatNeed],
    seats: int,
    rules: PoolRules = PoolRules(),
    *,
    holders: Iterable[str] = (),
) -> PoolPlan:
    """Plan the pool's ``seats`` for ``needs`` (see the module's goals).

    ``holders`` are the hosts that hold a pool seat when the plan starts: each keeps its seat
    into its first holding (no attach), or gives it back at the start if it needs none.
    """
    needs = list(needs)
    hosts = _windows(needs, rules)
    every = [s for stretches in hosts.values() for s in stretches]
    peak = _peak(every)
    shortfalls = _shortfalls(every, seats)
    kept = _keep_gaps(hosts, seats, rules)
    holdings, unseated = _assign(kept, seats)
    moves = _moves(holdings, set(holders), needs)
    session_minutes = sum((n.end - n.start).total_seconds() / 60 for n in needs)
    return PoolPlan(
        seats=seats,
        peak=peak,
        holdings=tuple(holdings),
        shortfalls=tuple(shortfalls),
        moves=tuple(moves),
        session_minutes=session_minutes,
        unseated=tuple(unseated),
    )


def _assign(hosts: dict[str, list[_Stretch]], seats: int) -> tuple[list[Holding], list[str]]:
    """Pack the stretches onto seats by start: a freed seat goes to the next stretch."""
    ordered = sorted(
        (s for stretches in hosts.values() for s in stretches),
        key=lambda s: (s.start, s.end, s.host),
    )
    free: list[tuple[datetime, int]] = []  # (free from, seat)
    used = 0
    holdings: list[Holding] = []
    unseated: list[str] = []
    for stretch in ordered:
        if free and free[0][0] <= stretch.start:
            _, seat = heapq.heappop(free)
        elif used < seats:
            seat, used = used, used + 1
        else:
            unseated.extend(stretch.sessions)
            continue
        holdings.append(
            Holding(seat, stretch.host, stretch.start, stretch.end, tuple(stretch.sessions))
        )
        heapq.heappush(free, (stretch.end, seat))
    return holdings, unseated


def _moves(holdings: Sequence[Holding], holders: set[str], needs: Sequence[SeatNeed]) -> list[Move]:
    first_of: dict[str, Holding] = {}
    for holding in sorted(holdings, key=lambda h: h.start):
        first_of.setdefault(holding.host, holding)
    moves: list[Move] = []
    start = min((h.start for h in holdings), default=None)
    for host in sorted(holders - set(first_of)):
        if start is not None:
            moves.append(Move(start, host, "basic", "reclaim: no session in the plan"))
    for holding in holdings:
        session = holding.sessions[0] if holding.sessions else None
        if not (holding.host in holders and first_of.get(holding.host) is holding):
            moves.append(Move(holding.start, holding.host, "licensed", "session", session))
        moves.append(
            Move(holding.end, holding.host, "basic", "session ended", holding.sessions[-1])
        )
    moves.sort(key=lambda m: (m.at, m.to != "basic", m.host))
    return moves
