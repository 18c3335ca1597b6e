"""The license controller's decision, without Zoom: who gets a seat, who gives one back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from zoomadmin.core.license_control import (
    ControlRules,
    Origin,
    PoolHost,
    Reason,
    Run,
    decide,
    release_of,
)
from zoomadmin.core.license_plan import LEAD, Holding, SeatNeed

NINE = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
RULES = ControlRules()


def need(host: str, start: datetime, minutes: int = 45) -> SeatNeed:
    return SeatNeed(f"{host}@{start:%H%M}", host, start, start + timedelta(minutes=minutes))


def test_a_seat_goes_on_at_the_lead_and_never_before() -> None:
    hosts = [PoolHost("ann", licensed=False)]
    early = decide(NINE - timedelta(minutes=11), hosts, [need("ann", NINE)], [], free_seats=1)
    assert early.changes == () and early.wake == NINE - timedelta(minutes=10)
    due = decide(NINE - timedelta(minutes=10), hosts, [need("ann", NINE)], [], free_seats=1)
    assert [(c.host, c.to, c.reason) for c in due.changes] == [("ann", "licensed", Reason.SESSION)]


def test_a_seat_goes_back_grace_after_the_meeting_ended() -> None:
    hosts = [PoolHost("ann", licensed=True, origin=Origin.POOL)]
    ended = NINE + timedelta(minutes=40)
    runs = [Run("ann", NINE, ended)]
    held = decide(ended + timedelta(minutes=4), hosts, [need("ann", NINE)], runs, free_seats=0)
    assert held.changes == () and held.wake == ended + RULES.grace
    gone = decide(ended + RULES.grace, hosts, [need("ann", NINE)], runs, free_seats=0)
    assert [(c.host, c.to) for c in gone.changes] == [("ann", "basic")]


def test_without_a_seen_end_the_seat_stays_until_the_overrun_allowance() -> None:
    session = need("ann", NINE)
    assert release_of(session, [], RULES) == session.end + RULES.overrun
    hosts = [PoolHost("ann", licensed=True, origin=Origin.POOL)]
    late = session.end + RULES.overrun - timedelta(minutes=1)
    assert decide(late, hosts, [session], [], free_seats=0).changes == ()


def test_a_live_host_keeps_its_seat_whatever_the_time() -> None:
    hosts = [PoolHost("ann", licensed=True, origin=Origin.POOL), PoolHost("ben", licensed=False)]
    later = NINE + timedelta(hours=3)
    decision = decide(
        later,
        hosts,
        [need("ann", NINE), need("ben", later + timedelta(minutes=5))],
        [Run("ann", NINE)],  # started, never ended
        free_seats=0,
    )
    assert decision.changes == ()
    assert [n.host for n in decision.unseated] == ["ben"]


def test_with_no_free_seat_an_idle_host_gives_its_up_least_recently_used_first() -> None:
    hosts = [
        PoolHost("ann", licensed=False),
        PoolHost("old", licensed=True, last_used=NINE - timedelta(days=3)),
        PoolHost("new", licensed=True, last_used=NINE - timedelta(hours=2)),
        PoolHost("mine", licensed=True, origin=Origin.MANUAL, last_used=NINE - timedelta(days=9)),
    ]
    decision = decide(NINE - timedelta(minutes=5), hosts, [need("ann", NINE)], [], free_seats=0)
    assert [(c.host, c.to, c.reason) for c in decision.changes] == [
        ("old", "basic", Reason.RECLAIM),
        ("ann", "licensed", Reason.SESSION),
    ]


def test_a_manual_seat_stays_when_nothing_needs_it() -> None:
    hosts = [PoolHost("mine", licensed=True, origin=Origin.MANUAL)]
    assert decide(NINE, hosts, [], [], free_seats=0).changes == ()


def test_while_moves_are_refused_nothing_moves_and_the_waiting_sessions_are_named() -> None:
    hosts = [PoolHost("ann", licensed=False), PoolHost("ben", licensed=True, origin=Origin.POOL)]
    decision = decide(NINE, hosts, [need("ann", NINE)], [], free_seats=1, moves_allowed=False)
    assert decision.changes == ()
    assert [n.host for n in decision.unseated] == ["ann"]


def test_live_hosts_come_first_when_seats_are_short() -> None:
    hosts = [PoolHost("ann", licensed=False), PoolHost("ben", licensed=False)]
    needs = [need("ann", NINE - timedelta(minutes=5)), need("ben", NINE - timedelta(minutes=8))]
    decision = decide(NINE, hosts, needs, [Run("ann", NINE - timedelta(minutes=5))], free_seats=1)
    assert [c.host for c in decision.changes] == ["ann"]


moments = st.integers(min_value=-120, max_value=300).map(lambda m: NINE + timedelta(minutes=m))


@settings(max_examples=200, deadline=None)
@given(
    now=moments,
    starts=st.lists(st.integers(min_value=0, max_value=240), min_size=1, max_size=8),
    licensed=st.lists(st.booleans(), min_size=8, max_size=8),
    live=st.lists(st.booleans(), min_size=8, max_size=8),
    free=st.integers(min_value=0, max_value=3),
)
def test_no_claimant_and_no_live_host_ever_loses_its_seat(
    now: datetime, starts: list[int], licensed: list[bool], live: list[bool], free: int
) -> None:
    names = [f"h{n}" for n in range(len(starts))]
    needs = [need(h, NINE + timedelta(minutes=m)) for h, m in zip(names, starts, strict=True)]
    hosts = [
        PoolHost(h, licensed=licensed[n], origin=Origin.POOL if n % 2 else Origin.OTHER)
        for n, h in enumerate(names)
    ]
    runs = [Run(h, NINE) for n, h in enumerate(names) if live[n]]
    decision = decide(now, hosts, needs, runs, free_seats=free)
    taken = {c.host for c in decision.changes if c.to == "basic"}
    assert not taken & set(decision.claims)
    assert not taken & {r.host for r in runs}
    attached = [c for c in decision.changes if c.to == "licensed"]
    assert len(attached) <= free + len(taken)
    assert all(not h.licensed for h in hosts if h.email in {c.host for c in attached})


def test_a_host_live_outside_its_sessions_keeps_a_seat_but_gets_none_first() -> None:
    hosts = [PoolHost("far", licensed=False), PoolHost("now", licensed=False)]
    needs = [need("far", NINE + timedelta(hours=6)), need("now", NINE + timedelta(minutes=5))]
    decision = decide(NINE, hosts, needs, [Run("far", NINE - timedelta(hours=1))], free_seats=1)
    assert [(c.host, c.to) for c in decision.changes] == [("now", "licensed")]
    kept = decide(
        NINE,
        [PoolHost("far", licensed=True, origin=Origin.POOL)],
        needs[:1],
        [Run("far", NINE - timedelta(hours=1))],
        free_seats=0,
    )
    assert kept.changes == ()  # live in some meeting: its seat is not taken


def test_an_end_heard_after_the_seat_went_back_gives_no_seat_again() -> None:
    ended = NINE + timedelta(minutes=44)
    hosts = [PoolHost("ann", licensed=False)]
    late = decide(
        ended + timedelta(minutes=2),
        hosts,
        [need("ann", NINE)],
        [Run("ann", NINE, ended)],
        free_seats=3,
    )
    assert late.changes == ()


def test_a_bridged_seat_goes_to_a_session_rather_than_leave_it_basic() -> None:
    first = need("bob", NINE - timedelta(hours=1))
    second = need("bob", NINE + timedelta(minutes=65))  # opens as ann's seat comes back
    keys = (first.key, second.key)
    bridge = Holding(0, "bob", first.start - LEAD, second.end + RULES.grace, keys)
    hosts = [PoolHost("bob", licensed=True, origin=Origin.POOL), PoolHost("ann", licensed=False)]
    runs = [Run("bob", first.start, first.end)]
    decision = decide(
        NINE,
        hosts,
        [first, second, need("ann", NINE + timedelta(minutes=5))],
        runs,
        free_seats=0,
        bridges=[bridge],
    )
    assert [(c.host, c.to) for c in decision.changes] == [("bob", "basic"), ("ann", "licensed")]


def test_an_idle_host_whose_own_session_comes_first_keeps_its_seat() -> None:
    hosts = [
        PoolHost("soon", licensed=True, last_used=NINE - timedelta(days=5)),
        PoolHost("later", licensed=True, last_used=NINE - timedelta(hours=1)),
        PoolHost("ann", licensed=False),
    ]
    needs = [
        need("ann", NINE),
        need("soon", NINE + timedelta(minutes=20)),
        need("later", NINE + timedelta(hours=5)),
    ]
    decision = decide(NINE - timedelta(minutes=5), hosts, needs, [], free_seats=0)
    assert [(c.host, c.to) for c in decision.changes] == [
        ("later", "basic"),
        ("ann", "licensed"),
    ]


def test_when_moves_are_scarce_a_pool_seat_stays_until_a_session_needs_it() -> None:
    hosts = [PoolHost("bob", licensed=True, origin=Origin.POOL), PoolHost("ann", licensed=False)]
    done = [Run("bob", NINE - timedelta(hours=2), NINE - timedelta(hours=1))]
    idle = decide(NINE, hosts[:1], [], done, free_seats=0, give_back_unneeded=False)
    assert idle.changes == ()
    needed = decide(
        NINE,
        hosts,
        [need("ann", NINE + timedelta(minutes=5))],
        done,
        free_seats=0,
        give_back_unneeded=False,
    )
    assert [(c.host, c.to) for c in needed.changes] == [("bob", "basic"), ("ann", "licensed")]
