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

from zoomadmin.core.license_plan import GRACE, LEAD, Holding, SeatNeed

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


def release_of(need: SeatNeed, runs: Sequence[Run], rules: ControlRules) -> datetime:
    """When ``need``'s seat may go, if its host is not live then (see the module)."""
    opened = need.start - rules.lead
    allowance = need.end + rules.overrun
    ended = [
        r.ended
        for r in runs
        if r.ended is not None and r.started is not None and opened <= r.started < allowance
    ]
    return max(ended) + rules.grace if ended else allowance


def _live(runs: Sequence[Run]) -> bool:
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
    """``host``'s claim at ``now`` (noting in ``moments`` when it begins or ends)."""
    live = _live(runs)
    current: Claim | None = None
    for need in sorted(needs, key=lambda n: n.start):
        opens = need.start - rules.lead
        if opens > now:
            moments.append(opens)
            if current is None and live:
                current = Claim(host, need, None, live=True)
            break
        release = release_of(need, runs, rules)
        if now < release or live:
            current = Claim(host, need, None if live else release, live=live)
            # Not live: the claim ends at its release. Live (as far as events tell): look
            # whether it still is at the scheduled end plus the overrun allowance.
            moments.append(release if not live else need.end + rules.overrun)
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
) -> Decision:
    """One step of the controller at ``now`` (see the module's rules).

    ``free_seats`` are the paid seats no user holds now (Zoom's plan usage); with
    ``moves_allowed`` False (Zoom's license-assignment cooling-down) nothing moves, and the
    sessions still without a seat are reported as unseated.
    """
    by_email = {h.email: h for h in hosts}
    claims, moments = claims_at(now, (n for n in needs if n.host in by_email), runs, rules, bridges)
    wake = _wake(now, moments)
    wanting = sorted(
        (
            (c, c.session)
            for c in claims.values()
            if c.session is not None and not c.bridging and not by_email[c.host].licensed
        ),
        key=lambda pair: (not pair[0].live, pair[1].start, pair[0].host),
    )
    if not moves_allowed:
        return Decision((), claims, tuple(session for _, session in wanting), wake)
    detaches = [
        LicenseChange(h.email, "basic", Reason.SESSION)
        for h in hosts
        if h.licensed and h.origin is Origin.POOL and h.email not in claims
    ]
    attaches: list[LicenseChange] = []
    unseated: list[SeatNeed] = []
    free = free_seats + len(detaches)
    spare = sorted(
        (h for h in hosts if h.licensed and h.email not in claims and h.origin is not Origin.POOL),
        key=lambda h: (h.origin is Origin.MANUAL, h.last_used or _EARLIEST, h.email),
    )
    for claim, session in wanting:
        if free > 0:
            free -= 1
        elif spare:
            taken = spare.pop(0)
            detaches.append(LicenseChange(taken.email, "basic", Reason.RECLAIM, session))
        else:
            unseated.append(session)
            continue
        attaches.append(LicenseChange(claim.host, "licensed", Reason.SESSION, session))
    return Decision((*detaches, *attaches), claims, tuple(unseated), wake)


_EARLIEST = datetime.min.replace(tzinfo=UTC)


def _wake(now: datetime, moments: Iterable[datetime]) -> datetime:
    later = [m for m in moments if m > now]
    return min([*later, now + RECHECK])
