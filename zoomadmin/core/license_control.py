"""The license controller's decision: which hosts get a seat now, which give one back.

Pure and Qt-free. The controller is level-triggered: every step looks at the whole picture
(the sessions, who is Licensed, what Zoom says runs or has ended) and decides afresh, so an
event that comes late, twice, out of order or not at all, or a restart, never leaves it
wrong; events only make it look sooner.

A host *claims* a seat while it is live, from ``lead`` before a session's start until the
session is released, or in a short gap the plan bridges (see :mod:`license_plan`). A
session is released ``grace`` after its meeting ended (a run of the host that started in
the session's window); with no end seen, at the scheduled end plus ``overrun`` if Zoom then
says the host is not live. A seat the pool put on a host for a session goes back once
nothing claims it; a seat given by staff in the app (``manual``) stays until staff take it
back; a Licensed tenant host the pool did not license is *idle*: its seat is taken, least
recently used first, only when a session needs one and none is free. Nothing is ever taken
from a host that claims a seat, nor from a protected user (who is not in ``hosts``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from zoomadmin.core.license_plan import GRACE, LEAD, Holding, PoolRules, SeatNeed

OVERRUN = timedelta(minutes=10)
"""How long past its scheduled end a session may run before an unseen end is looked for."""
RECHECK = timedelta(minutes=15)
"""The longest the controller sleeps (on the account's clock) without looking again."""


class Origin(enum.StrEnum):
    """Who put a Licensed tenant host's seat there, as the audit log says."""

    POOL = "pool"
    """The controller, for a session: it goes back when nothing claims it."""
    MANUAL = "manual"
    """Staff, in the app: it stays until staff take it back (or a session needs it)."""
    OTHER = ""
    """Before the pool, or in Zoom: idle, taken only when a session needs it."""


class Reason(enum.StrEnum):
    """Why a license changes (the audit log's and ``pool status``'s words)."""

    SESSION = "session"
    RECLAIM = "reclaim"
    MANUAL = "manual"
    RECONCILE = "reconcile"


@dataclass(frozen=True)
class ControlRules:
    """The lead before a start, the grace after an end, the overrun allowance."""

    lead: timedelta = LEAD
    grace: timedelta = GRACE
    overrun: timedelta = OVERRUN

    @property
    def plan_rules(self) -> PoolRules:
        """The planner's rules for the same lead and grace."""
        return PoolRules(lead=self.lead, grace=self.grace)


@dataclass(frozen=True)
class PoolHost:
    """A tenant host as the controller sees it."""

    email: str
    licensed: bool
    origin: Origin = Origin.OTHER
    last_used: datetime | None = None
    """When it last held or claimed a seat (the least recently used are taken first)."""


@dataclass(frozen=True)
class Run:
    """One run of a host's meeting, as Zoom's events or lists tell it."""

    host: str
    """The host's email."""
    started: datetime | None
    ended: datetime | None = None


@dataclass(frozen=True)
class Claim:
    """A host's reason to hold a seat now."""

    host: str
    session: SeatNeed | None
    """The session it is for (None: live in a meeting the calendar does not know)."""
    until: datetime | None
    """When the claim ends if nothing changes (None while the host is live)."""
    live: bool = False
    bridging: bool = False
    """Held across a short gap to its next session (the plan keeps it)."""
    over: bool = False
    """Its meeting ended (the seat may stay through the grace, but is never given for it)."""

    @property
    def wants_seat(self) -> bool:
        """Whether the claim is a reason to attach (not only to keep a seat)."""
        return self.session is not None and not self.bridging and not self.over


@dataclass(frozen=True)
class LicenseChange:
    """One move the controller makes: ``to`` is ``licensed`` or ``basic``."""

    host: str
    to: str
    reason: Reason
    session: SeatNeed | None = None


@dataclass(frozen=True)
class Decision:
    """What one step does, why every claimant holds its seat, and when to look again."""

    changes: tuple[LicenseChange, ...]
    """Detaches first (they free seats), then attaches, in the order to make them."""
    claims: Mapping[str, Claim]
    unseated: tuple[SeatNeed, ...]
    """Sessions in their window with no seat to give: they run as Basic."""
    wake: datetime


def _runs_of(runs: Iterable[Run]) -> dict[str, list[Run]]:
    out: dict[str, list[Run]] = {}
    for run in runs:
        out.setdefault(run.host, []).append(run)
    return out


def _in_window(run: Run, need: SeatNeed, rules: ControlRules) -> bool:
    """Whether ``run`` is of ``need``: it began between the lead and the overrun allowance."""
    opened, allowance = need.start - rules.lead, need.end + rules.overrun
    return run.started is not None and opened <= run.started < allowance


def release_of(need: SeatNeed, runs: Sequence[Run], rules: ControlRules) -> datetime:
    """When ``need``'s seat may go, if its host is not live then (see the module)."""
    ended = [r.ended for r in runs if r.ended is not None and _in_window(r, need, rules)]
    return max(ended) + rules.grace if ended else need.end + rules.overrun


def _live(runs: Iterable[Run]) -> bool:
    return any(r.started is not None and r.ended is None for r in runs)


def _host_claim(
    now: datetime,
    host: str,
    needs: Sequence[SeatNeed],
    runs: Sequence[Run],
    *,
    rules: ControlRules,
    moments: list[datetime],
) -> Claim | None:
    """``host``'s claim at ``now`` (noting in ``moments`` when it begins or ends).

    A live run counts for a session only if it began in the session's window; a host live
    in some other meeting keeps a seat it has but is given none for it.
    """
    current: Claim | None = None
    for need in sorted(needs, key=lambda n: n.start):
        opens = need.start - rules.lead
        if opens > now:
            moments.append(opens)
            break
        own = [r for r in runs if _in_window(r, need, rules)]
        live = _live(own)
        release = release_of(need, runs, rules)
        if live:
            current = Claim(host, need, None, live=True)
            # Live as far as events tell: look again at the end plus the overrun allowance.
            moments.append(need.end + rules.overrun)
        elif now < release:
            ended = any(r.ended is not None for r in own)
            current = Claim(host, need, release, over=ended)
            moments.append(release)
    if current is None and _live(runs):
        current = Claim(host, None, None, live=True)
    return current


def _bridge(
    now: datetime, holding: Holding, needs: Sequence[SeatNeed], rules: ControlRules
) -> Claim | None:
    """A claim across a gap the plan bridges, while ``holding`` has a session to come."""
    if not holding.start <= now < holding.end:
        return None
    later = [n for n in needs if n.key in holding.sessions and n.start > now]
    if not later:
        return None
    upcoming = min(later, key=lambda n: n.start)
    return Claim(holding.host, upcoming, upcoming.start - rules.lead, bridging=True)


def claims_at(
    now: datetime,
    needs: Iterable[SeatNeed],
    runs: Iterable[Run],
    rules: ControlRules,
    bridges: Iterable[Holding] = (),
) -> tuple[dict[str, Claim], list[datetime]]:
    """Every host's claim at ``now``, and the future moments a claim begins or ends."""
    host_runs = _runs_of(runs)
    by_host: dict[str, list[SeatNeed]] = {}
    for need in needs:
        by_host.setdefault(need.host, []).append(need)
    claims: dict[str, Claim] = {}
    moments: list[datetime] = []
    for host, host_needs in by_host.items():
        own = host_runs.get(host, [])
        claim = _host_claim(now, host, host_needs, own, rules=rules, moments=moments)
        if claim is not None:
            claims[host] = claim
    for host, own in host_runs.items():
        if host not in claims and _live(own):
            claims[host] = Claim(host, None, None, live=True)
    for holding in bridges:
        if holding.host not in claims:
            bridge = _bridge(now, holding, by_host.get(holding.host, []), rules)
            if bridge is not None:
                claims[holding.host] = bridge
    return claims, moments


def decide(
    now: datetime,
    hosts: Sequence[PoolHost],
    needs: Iterable[SeatNeed],
    runs: Iterable[Run],
    *,
    free_seats: int,
    rules: ControlRules = ControlRules(),
    bridges: Iterable[Holding] = (),
    moves_allowed: bool = True,
    give_back_unneeded: bool = True,
) -> Decision:
    """One step of the controller at ``now`` (see the module's rules).

    ``free_seats`` are the paid seats no user holds now (Zoom's plan usage); with
    ``moves_allowed`` False (Zoom's license-assignment cooling-down) nothing moves, and the
    sessions still without a seat are reported as unseated. With ``give_back_unneeded``
    False (license moves are scarce) a seat the pool gave stays on its host until a session
    needs it, which saves the detach when nothing does.
    """
    by_email = {h.email: h for h in hosts}
    needs = [n for n in needs if n.host in by_email]
    claims, moments = claims_at(now, needs, runs, rules, bridges)
    wake = _wake(now, moments)
    wanting = sorted(
        (
            (c, c.session)
            for c in claims.values()
            if c.session is not None and c.wants_seat and not by_email[c.host].licensed
        ),
        key=lambda pair: (not pair[0].live, pair[1].start, pair[0].host),
    )
    if not moves_allowed:
        return Decision((), claims, tuple(session for _, session in wanting), wake)
    unclaimed_pool = [
        h for h in hosts if h.licensed and h.origin is Origin.POOL and h.email not in claims
    ]
    detaches = (
        [LicenseChange(h.email, "basic", Reason.SESSION) for h in unclaimed_pool]
        if give_back_unneeded
        else []
    )
    attaches: list[LicenseChange] = []
    unseated: list[SeatNeed] = []
    free = free_seats + len(detaches)
    spare = _spare(now, hosts, claims, needs, rules, keep=not give_back_unneeded)
    for claim, session in wanting:
        if free > 0:
            free -= 1
        elif (taken := _take(spare, session, rules)) is not None:
            reason = Reason.SESSION if taken.origin is Origin.POOL else Reason.RECLAIM
            detaches.append(LicenseChange(taken.email, "basic", reason, session))
        else:
            unseated.append(session)
            continue
        attaches.append(LicenseChange(claim.host, "licensed", Reason.SESSION, session))
    return Decision((*detaches, *attaches), claims, tuple(unseated), wake)


@dataclass(frozen=True)
class _Spare:
    host: PoolHost
    rank: tuple[int, float, float]
    next_opens: datetime | None


def _spare(
    now: datetime,
    hosts: Sequence[PoolHost],
    claims: Mapping[str, Claim],
    needs: Sequence[SeatNeed],
    rules: ControlRules,
    *,
    keep: bool,
) -> list[_Spare]:
    """Seats a session may take, best first: a pool seat kept only because moves are scarce,
    then idle ones (least recently used first), then staff's manual ones, then one held
    across a bridged gap; within each, the host whose own next session is furthest off."""
    coming: dict[str, datetime] = {}
    for need in needs:
        opens = need.start - rules.lead
        if opens > now and (need.host not in coming or opens < coming[need.host]):
            coming[need.host] = opens
    out: list[_Spare] = []
    for host in hosts:
        claim = claims.get(host.email)
        if not host.licensed or (claim is not None and not claim.bridging):
            continue
        if claim is not None:
            kind = 3
        elif host.origin is Origin.POOL:
            if not keep:
                continue
            kind = 0
        else:
            kind = 2 if host.origin is Origin.MANUAL else 1
        next_opens = coming.get(host.email)
        # The furthest next session first (none at all: furthest), then least recently used.
        off = (next_opens - now).total_seconds() if next_opens else float("inf")
        used = (host.last_used or _EARLIEST).timestamp()
        out.append(_Spare(host, (kind, -off, used), next_opens))
    return sorted(out, key=lambda s: (s.rank, s.host.email))


def _take(spare: list[_Spare], session: SeatNeed, rules: ControlRules) -> PoolHost | None:
    """The first spare seat whose host needs none of its own before ``session`` is done."""
    done = session.end + rules.grace
    for index, candidate in enumerate(spare):
        if candidate.next_opens is None or candidate.next_opens >= done:
            del spare[index]
            return candidate.host
    return None


_EARLIEST = datetime.min.replace(tzinfo=UTC)


def _wake(now: datetime, moments: Iterable[datetime]) -> datetime:
    later = [m for m in moments if m > now]
    return min([*later, now + RECHECK])
