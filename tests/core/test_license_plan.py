"""The license pool's planner: seats to the lower bound, fewest moves, shortfalls named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from zoomadmin.core.license_plan import PoolRules, SeatNeed, plan_pool

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)


def _need(key: str, host: str, start_min: int, minutes: int = 50) -> SeatNeed:
    start = T0 + timedelta(minutes=start_min)
    return SeatNeed(key, host, start, start + timedelta(minutes=minutes))


def _max_held(plan) -> int:  # type: ignore[no-untyped-def]
    changes: dict[datetime, int] = {}
    for h in plan.holdings:
        changes[h.start] = changes.get(h.start, 0) + 1
        changes[h.end] = changes.get(h.end, 0) - 1
    running = best = 0
    for moment in sorted(changes):
        running += changes[moment]
        best = max(best, running)
    return best


def test_a_freed_seat_goes_to_the_next_host_and_each_holding_is_an_attach_and_a_detach() -> None:
    plan = plan_pool([_need("a", "A", 0), _need("b", "B", 90), _need("c", "C", 180)], seats=1)
    assert plan.peak == 1 and not plan.shortfalls and not plan.unseated
    assert {h.seat for h in plan.holdings} == {0}
    assert [(m.host, m.to) for m in plan.moves] == [
        ("A", "licensed"),
        ("A", "basic"),
        ("B", "licensed"),
        ("B", "basic"),
        ("C", "licensed"),
        ("C", "basic"),
    ]
    first = plan.holdings[0]
    assert first.start == T0 - timedelta(minutes=10)
    assert first.end == T0 + timedelta(minutes=55)


def test_a_host_keeps_its_seat_across_a_short_gap_when_nobody_else_needs_it() -> None:
    plan = plan_pool([_need("a1", "A", 0), _need("a2", "A", 75)], seats=1)
    assert len(plan.holdings) == 1 and plan.holdings[0].sessions == ("a1", "a2")
    assert len(plan.moves) == 2


def test_a_short_gap_is_not_kept_when_another_host_needs_the_seat_in_it() -> None:
    # A's windows: 07:50-09:05 and 09:40-10:55; B's 09:05-09:25 sits in A's gap.
    needs = [_need("a1", "A", 0, 60), _need("b", "B", 75, 5), _need("a2", "A", 110, 60)]
    plan = plan_pool(needs, seats=1, rules=PoolRules(keep_gap=timedelta(minutes=45)))
    assert plan.peak == 1 and not plan.unseated and not plan.shortfalls
    assert [h.host for h in plan.holdings] == ["A", "B", "A"]
    roomy = plan_pool(needs, seats=2, rules=PoolRules(keep_gap=timedelta(minutes=45)))
    assert sorted(h.host for h in roomy.holdings) == ["A", "B"]  # with a second seat A keeps its


def test_more_sessions_at_once_than_seats_is_a_shortfall_naming_them() -> None:
    needs = [_need(f"s{n}", f"H{n}", 0) for n in range(7)]
    plan = plan_pool(needs, seats=5)
    assert plan.peak == 7
    (short,) = plan.shortfalls
    assert (short.need, short.have) == (7, 5)
    assert short.sessions == tuple(f"s{n}" for n in range(7))
    assert len(plan.unseated) == 2


def test_a_host_holding_a_seat_at_the_start_keeps_it_or_gives_it_back() -> None:
    plan = plan_pool([_need("a", "A", 30)], seats=2, holders=["A", "Z"])
    assert [(m.host, m.to, m.reason) for m in plan.moves] == [
        ("Z", "basic", "reclaim: no session in the plan"),
        ("A", "basic", "session ended"),
    ]


windows = st.lists(
    st.tuples(
        st.integers(0, 30),  # host
        st.integers(0, 24 * 60),  # start minute
        st.integers(10, 120),  # length
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(windows, st.integers(1, 8))
def test_seats_are_never_over_used_and_suffice_down_to_the_lower_bound(
    raw: list[tuple[int, int, int]], seats: int
) -> None:
    needs = [_need(f"s{n}", f"H{h}", s, m) for n, (h, s, m) in enumerate(raw)]
    plan = plan_pool(needs, seats=seats)
    assert _max_held(plan) <= seats
    assert all(h.seat < seats for h in plan.holdings)
    if plan.peak <= seats:
        assert not plan.unseated and not plan.shortfalls
        assert len({h.seat for h in plan.holdings}) <= max(plan.peak, 0) or not needs
    else:
        assert plan.shortfalls
    seated = {k for h in plan.holdings for k in h.sessions}
    assert seated | set(plan.unseated) == {n.key for n in needs}
    # Attach and detach per holding at most: never more moves than two per session.
    assert len(plan.moves) <= 2 * len(needs)
