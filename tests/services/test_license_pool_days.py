"""The license controller over sandbox days: seats on before each session, off after it."""

from __future__ import annotations

from datetime import timedelta

from pool_support import PoolDay, pool_day, shuffled
from tenancy_support import Tenancy, store, tenancy

from zoomadmin.core.license_control import Reason
from zoomadmin.services.license_control import PoolAlert
from zoomadmin.zoom.events.model import Event, EventKind

__all__ = ["store", "tenancy"]


def assert_all_served(day: PoolDay) -> None:
    runs = day.runs()
    assert all(run is not None for _, run in runs), "a session did not run"
    basic = [s.topic for s, run in runs if not day.started_licensed(s, run)]
    assert basic == [], f"started as Basic: {basic}"
    cut = [s.topic for s, run in runs if day.cut_at_40(run)]
    assert cut == [], f"cut at 40 minutes: {cut}"
    unrecorded = [s.topic for s, run in runs if not day.recorded(run)]
    assert unrecorded == [], f"no cloud recording: {unrecorded}"


async def test_sixty_sessions_on_thirty_basic_hosts_share_five_seats(tenancy: Tenancy) -> None:
    day = await pool_day(tenancy)
    end = day.over
    await day.run_until(end)
    assert len(day.sessions) == 60
    assert_all_served(day)
    users = day.server.sandbox.state.users
    assert sum(users[s.host_id].type == 2 for s in day.sessions) == 0, "a seat was kept"
    moves = tenancy.store.audit.entries(object_type="license", limit=1000)
    assert len(moves) == 120  # one attach and one detach per session, each once
    assert {m.new_value["reason"] for m in moves} == {str(Reason.SESSION)}


def held_throughout(day: PoolDay) -> list[str]:
    """The sessions that started Licensed but lost the seat before their run ended."""
    lost = []
    for session, run in day.runs():
        if run is None or not day.started_licensed(session, run):
            continue
        user = day.server.sandbox.state.users[session.host_id]
        spans = [s for s in user.licensed_spans if s[0] <= run.start_time]
        if not spans or (spans[-1][1] is not None and spans[-1][1] < run.end_time):
            lost.append(session.topic)
    return lost


def lose_ends(events: list[Event]) -> list[Event]:
    return [e for e in events if e.kind is not EventKind.MEETING_ENDED]


def moves_of(day: PoolDay) -> list[tuple[str, str]]:
    entries = day.tenancy.store.audit.entries(object_type="license", limit=5000)
    return sorted((e.object_id, e.new_value["to"]) for e in entries)


async def test_a_peak_of_six_on_five_seats_is_flagged_before_the_day_and_alerted_on_time(
    tenancy: Tenancy,
) -> None:
    day = await pool_day(tenancy, slots=3, per_slot=5)
    crowded = day.sessions[5].start  # the second slot gets a sixth session
    extra = await day.add_session("Extra class", crowded, host_index=29)
    status = await day.control.status()  # before the day starts
    short = [a for a in status.alerts if a.kind == "shortfall"]
    assert len(short) == 1 and "6 sessions need a seat, 5 seats" in short[0].message
    assert len(short[0].sessions) == 6
    assert any(key.startswith("Extra class") for key in short[0].sessions)

    def firing() -> list[PoolAlert]:
        last = day.control.last
        return [a for a in last.alerts if a.kind == "basic"] if last else []

    await day.run_until(crowded - timedelta(minutes=11))
    assert firing() == []  # the seats are still held by the first slot
    await day.run_until(crowded - timedelta(minutes=9))
    assert len(firing()) == 1 and "cut at 40 minutes" in firing()[0].message
    await day.run_until(day.over)
    runs = dict((s.topic, run) for s, run in day.runs())
    assert all(runs.values()), [t for t, r in runs.items() if r is None]
    unserved = [t for s, run in day.runs() if not day.started_licensed(s, run) for t in [s.topic]]
    assert len(unserved) == 1, unserved  # exactly one of the six ran as Basic
    assert day.cut_at_40(runs[unserved[0]])
    assert extra.topic in runs


async def test_lost_meeting_ended_events_are_made_good_by_polling(tenancy: Tenancy) -> None:
    day = await pool_day(tenancy, slots=4)
    await day.run_until(day.over, events=lose_ends)
    assert_all_served(day)
    assert len(moves_of(day)) == 2 * len(day.sessions)
    users = day.server.sandbox.state.users
    assert sum(users[s.host_id].type == 2 for s in day.sessions) == 0


async def test_doubled_late_and_reordered_events_change_nothing(tenancy: Tenancy) -> None:
    day = await pool_day(tenancy, slots=4)
    held: list[Event] = []
    reorder = shuffled(7)

    def unruly(events: list[Event]) -> list[Event]:
        # Every event twice; every other one three minutes late; each minute's in any order.
        now = day.now()
        out = [e for e in held if now - e.event_ts >= timedelta(minutes=3)]
        held[:] = [e for e in held if e not in out]
        for n, event in enumerate(events):
            (held if n % 2 else out).append(event)
        return reorder(out + out)

    await day.run_until(day.over, events=unruly)
    assert_all_served(day)
    assert len(moves_of(day)) == 2 * len(day.sessions)


async def test_a_restart_mid_day_picks_up_where_it_was(tenancy: Tenancy) -> None:
    day = await pool_day(tenancy, slots=4)
    middle = day.sessions[10].start + timedelta(minutes=20)  # the third slot is running
    await day.run_until(middle)
    before = moves_of(day)
    day.fresh_control()  # a new process: nothing in memory, the same store and Zoom
    await day.run_until(day.over)
    assert_all_served(day)
    after = moves_of(day)
    assert len(after) == 2 * len(day.sessions), "a seat was moved twice or not at all"
    assert after[: len(before)] != [] and set(before) <= set(after)


async def test_a_spent_license_budget_never_takes_a_seat_a_session_has(
    tenancy: Tenancy,
) -> None:
    day = await pool_day(tenancy, slots=4)
    day.server.sandbox.state.account.license_moves_per_hour = 6  # a slot needs 10 an hour
    await day.run_until(day.over)
    assert held_throughout(day) == []
    alerts = [a for r in day.reports for a in r.status.alerts]
    assert any(a.kind == "cooling" for a in alerts)
    assert all("code" not in a.message.lower() for a in alerts)


async def test_a_start_now_meeting_gets_a_seat_at_once(tenancy: Tenancy) -> None:
    day = await pool_day(tenancy, hosts=3, slots=0)
    host = day.hosts[0]
    sessions = tenancy.runtime.services.sessions
    submitted = await sessions.submit(await sessions.plan_start_now(host.email, "Drop-in"))
    assert submitted.done
    report = await day.control.step()
    assert [(c.host, c.to) for c in report.moved] == [(host.email, "licensed")]
    assert day.server.sandbox.state.users[host.zoom_user_id].type == 2


async def test_a_meeting_running_past_the_allowance_keeps_its_seat_without_its_end_event(
    tenancy: Tenancy,
) -> None:
    day = await pool_day(tenancy, hosts=4, slots=1, per_slot=2)
    day.server.sandbox.state.account.overrun_minutes = (25, 25)  # past the 10-minute allowance
    await day.run_until(day.over, events=lose_ends)
    assert_all_served(day)
    assert held_throughout(day) == []
    assert len(moves_of(day)) == 4


async def test_a_restart_while_a_session_overruns_keeps_its_seat(tenancy: Tenancy) -> None:
    day = await pool_day(tenancy, hosts=4, slots=1, per_slot=2)
    day.server.sandbox.state.account.overrun_minutes = (20, 20)
    await day.run_until(day.sessions[0].start + timedelta(minutes=50))
    day.fresh_control()  # a new process learns from Zoom who is live
    await day.run_until(day.over)
    assert_all_served(day)
    assert held_throughout(day) == []
    assert len(moves_of(day)) == 4, moves_of(day)
