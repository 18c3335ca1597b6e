"""Seeds: the demo school's believable, deterministic account; the empty one; the bulk one."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from zoomadmin.sandbox import media
from zoomadmin.sandbox import sessions as ses
from zoomadmin.sandbox.clock import SandboxClock
from zoomadmin.sandbox.events import EventBus
from zoomadmin.sandbox.seed import SeedError, seed, seed_bulk
from zoomadmin.sandbox.simulation import Simulation
from zoomadmin.sandbox.state import AccountConfig, SandboxState

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def fresh() -> SandboxState:
    return SandboxState(AccountConfig("acct", "cid", "cs", "whs", "sub"))


def demo(seed_value: int = 0, now: datetime = NOW) -> SandboxState:
    state = fresh()
    seed(state, "demo", now=now, seed_value=seed_value)
    return state


def test_empty_seed_has_only_the_licensed_owner() -> None:
    state = fresh()
    seed(state, "empty", now=NOW)
    (owner,) = state.users.values()
    assert state.owner_id == owner.id and owner.email == state.account.owner_email
    assert owner.type == 2 and owner.role_id == "0"
    assert state.meetings == {}
    with pytest.raises(SeedError, match="unknown seed"):
        seed(fresh(), "school", now=NOW)


def test_demo_is_deterministic_for_seed_value_and_now() -> None:
    assert demo(3).to_json() == demo(3).to_json()
    assert demo(3).to_json() != demo(4).to_json()


def test_demo_has_staff_tenant_hosts_and_a_few_seats() -> None:
    state = demo()
    emails = sorted(u.email for u in state.users.values())
    for tenant in ("northside", "harbourview", "southbank"):
        hosts = [e for e in emails if e.startswith(f"teach+{tenant}-")]
        assert len(hosts) >= 4
    licensed = [u for u in state.users.values() if u.type == 2]
    assert state.account.paid_seats == 5
    assert 2 <= len(licensed) <= state.account.paid_seats
    pending = [u for u in state.users.values() if u.status == "pending"]
    assert len(pending) == 1 and pending[0].activates_at is not None
    zones = {u.timezone for u in state.users.values() if u.email.startswith("teach+")}
    assert zones == {"America/New_York", "Europe/London", "Australia/Sydney"}


def test_demo_term_spans_past_and_future_with_weekly_series() -> None:
    state = demo()
    series = [m for m in state.meetings.values() if m.type == 8]
    assert len(series) == 12
    for meeting in series:
        starts = [s.start for s in ses.sessions(meeting)]
        assert min(starts) < NOW < max(starts)
        assert meeting.recurrence is not None and meeting.recurrence["type"] == 2
    assert any(m.type == 2 and m.start_time and m.start_time > NOW for m in state.meetings.values())


def test_demo_past_follows_the_simulation_rules() -> None:
    state = demo()
    assert len(state.past) > 50
    month_ago = NOW - timedelta(days=30)
    recent = [r for r in state.recordings.values() if r.start_time >= month_ago]
    assert len(recent) > 10
    for past in state.past.values():
        host = state.users[past.host_id]
        assert past.end_time <= NOW
        if not ses.licensed_during(host, past.start_time, past.start_time + ses.BASIC_CUT):
            assert past.end_time - past.start_time <= ses.BASIC_CUT
    for rec in state.recordings.values():
        past = state.past[rec.uuid]
        assert ses.licensed_during(state.users[rec.host_id], past.start_time, past.end_time)
        assert rec.completed_at <= NOW
        assert [f.file_type for f in rec.files] == ["MP4", "M4A", "TRANSCRIPT", "CHAT"]
    some_file = next(iter(state.recordings.values())).files[0]
    assert len(media.content(some_file)) == some_file.file_size


def test_demo_has_meetings_live_at_start_up_that_then_end() -> None:
    state = demo()
    assert state.live
    for live in state.live.values():
        assert live.started_at < NOW < live.ends_at
        assert state.meetings[live.meeting_id].status == "started"
    clock = SandboxClock(NOW, speed=0)
    bus = EventBus(state, clock, random.Random(0))
    sim = Simulation(state, clock, bus, random.Random(0))
    clock.add_listener(sim.tick)
    live_ids = set(state.live)
    clock.advance(timedelta(days=3))
    assert not live_ids & set(state.live)
    ended = {p.meeting_id for p in state.past.values() if p.end_time > NOW}
    assert live_ids <= ended


def test_bulk_seed_counts() -> None:
    state = fresh()
    seed_bulk(state, users=2000, meetings=5000, now=NOW, seed_value=1)
    assert len(state.users) == 2001
    assert len(state.meetings) == 5000
    assert sum(len(ids) for ids in state.meetings_by_host.values()) == 5000
    again = fresh()
    seed_bulk(again, users=2000, meetings=5000, now=NOW, seed_value=1)
    assert sorted(again.meetings) == sorted(state.meetings)


def test_demo_session_that_ended_just_before_start_up_is_recorded_after_it() -> None:
    state = demo(1)
    assert len(state.pending_recordings) == 1
    due, uuid = state.pending_recordings[0]
    assert state.past[uuid].end_time <= NOW < due and uuid not in state.recordings
    clock = SandboxClock(NOW, speed=0)
    sim = Simulation(state, clock, EventBus(state, clock, random.Random(0)), random.Random(0))
    clock.add_listener(sim.tick)
    clock.advance(due - NOW)
    assert state.recordings[uuid].completed_at == due
    assert [f.file_type for f in state.recordings[uuid].files] == list(ses.RECORDED_FILES)
