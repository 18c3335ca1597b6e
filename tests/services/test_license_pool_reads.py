"""What the License Pool tab reads: the sessions an alert names, the moves' history, and the
hosts staff may give a seat."""

from __future__ import annotations

from datetime import timedelta

from pool_support import pool_day
from tenancy_support import Tenancy, store, tenancy

__all__ = ["store", "tenancy"]


async def test_a_shortfall_names_the_session_the_plan_leaves_as_basic(tenancy: Tenancy) -> None:
    day = await pool_day(tenancy, hosts=12, seats=5, slots=3, per_slot=5)
    crowded = day.sessions[5].start  # the second slot gets a sixth session
    await day.add_session("Extra class", crowded + timedelta(minutes=5), host_index=11)
    status = await day.control.status()
    (short,) = [a for a in status.alerts if a.kind == "shortfall"]
    assert (short.need, short.have) == (6, 5)
    assert short.until is not None and short.at < crowded < short.until
    # The latest to start of the six finds no seat: the extra class, five minutes late.
    assert [(b.title, b.start) for b in short.basic] == [
        ("Extra class", crowded + timedelta(minutes=5))
    ]
    assert short.basic[0].host == day.hosts[11].email
    assert short.to_json()["basic"][0]["title"] == "Extra class"
    await day.run_until(crowded - timedelta(minutes=4))
    last = day.control.last
    assert last is not None
    (basic,) = [a for a in last.alerts if a.kind == "basic"]
    assert [b.title for b in basic.basic] == ["Extra class"]


async def test_the_history_lists_the_moves_newest_first_with_their_reasons(
    tenancy: Tenancy,
) -> None:
    day = await pool_day(tenancy, hosts=3, seats=3, slots=1, per_slot=2)
    start = day.now()
    await day.run_until(day.sessions[0].start + timedelta(minutes=5))
    await day.control.attach(day.hosts[2].email)
    moves = await day.control.history(start)
    assert len(moves) == 3
    manual, *sessions = moves
    assert (manual.host, manual.to, manual.reason) == (day.hosts[2].email, "licensed", "manual")
    assert manual.session is None and manual.actor == "pat@school.example"
    assert {(m.host, m.to, m.reason, m.session) for m in sessions} == {
        (s.host_email, "licensed", "session", s.topic) for s in day.sessions
    }
    assert [m.at for m in moves] == sorted((m.at for m in moves), reverse=True)
    assert await day.control.history(day.now() + timedelta(minutes=1)) == ()


async def test_the_hosts_without_a_seat_are_the_tenant_hosts_staff_may_attach(
    tenancy: Tenancy,
) -> None:
    day = await pool_day(tenancy, hosts=3, seats=2, slots=1, per_slot=1)
    emails = sorted(h.email for h in day.hosts)
    assert await day.control.seatless() == tuple(emails)
    await day.run_until(day.sessions[0].start)
    held = day.sessions[0].host_email
    assert await day.control.seatless() == tuple(e for e in emails if e != held)
