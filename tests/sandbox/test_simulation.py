"""The living world: sessions start and end on time, Basic hosts cut at 40, recordings follow."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from zoomadmin.sandbox import media
from zoomadmin.sandbox.clock import SandboxClock
from zoomadmin.sandbox.events import EventBus
from zoomadmin.sandbox.simulation import Simulation
from zoomadmin.sandbox.state import AccountConfig, Meeting, SandboxState, User

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
SESSION = START + timedelta(hours=1)


class RecordingBus(EventBus):
    """The real bus, also remembering what was published (and when, in sandbox time)."""

    def __init__(self, state: SandboxState, clock: SandboxClock) -> None:
        super().__init__(state, clock, random.Random(0))
        self.published: list[tuple[datetime, str, dict[str, Any], dict[str, Any]]] = []

    def publish(
        self,
        event: str,
        obj: dict[str, Any],
        *,
        extra_payload: dict[str, Any] | None = None,
        top_level: dict[str, Any] | None = None,
    ) -> None:
        top = top_level or {}
        when = datetime.fromtimestamp(top["event_ts"] / 1000, UTC)
        self.published.append((when, event, obj, top))
        super().publish(event, obj, extra_payload=extra_payload, top_level=top_level)

    def names(self) -> list[str]:
        return [name for _, name, _, _ in self.published]


class World:
    def __init__(self, *, plan: str = "business", seed: int = 0) -> None:
        account = AccountConfig("acct", "cid", "cs", "whs", "sub", plan=plan)  # type: ignore[arg-type]
        account.late_join_share = 0.0
        account.no_show_share = 0.0
        account.overrun_minutes = (3, 3)
        account.recording_delay_minutes = (5, 5)
        self.state = SandboxState(account)
        self.clock = SandboxClock(START, speed=0)
        self.bus = RecordingBus(self.state, self.clock)
        self.sim = Simulation(self.state, self.clock, self.bus, random.Random(seed))
        self.clock.add_listener(self.sim.tick)
        self.rng = random.Random(seed)

    def user(self, *, licensed: bool, record: bool = False) -> User:
        user = User(
            id=self.state.new_user_id(self.rng),
            email=f"host{len(self.state.users)}@school.example",
            first_name="Host",
            last_name=str(len(self.state.users)),
            type=2 if licensed else 1,
            status="active",
            created_at=START - timedelta(days=30),
            pmi=1234567890,
        )
        if licensed:
            user.licensed_spans.append((START - timedelta(days=30), None))
        user.settings["recording"]["auto_recording"] = "cloud" if record else "none"
        self.state.add_user(user)
        return user

    def meeting(
        self, host: User, start: datetime = SESSION, duration: int = 60, **kw: Any
    ) -> Meeting:
        meeting = Meeting(
            id=self.state.new_meeting_id(self.rng),
            uuid=self.state.new_uuid(self.rng),
            host_id=host.id,
            topic="Biology",
            type=kw.pop("type", 2),
            start_time=start,
            duration=duration,
            timezone="Europe/London",
            created_at=START - timedelta(days=1),
            **kw,
        )
        self.state.add_meeting(meeting)
        return meeting

    def go(self, when: datetime) -> None:
        self.clock.advance(when - self.clock.now())


def test_licensed_session_starts_ends_with_overrun_and_is_recorded_later() -> None:
    w = World()
    host = w.user(licensed=True, record=True)
    m = w.meeting(host)
    w.go(SESSION - timedelta(seconds=1))
    assert w.state.live == {} and w.bus.names() == []
    w.go(SESSION)
    live = w.state.live[m.id]
    assert live.started_at == SESSION and not live.cut_at_40
    assert m.status == "started"
    assert live.participants[0]["user_email"] == host.email
    (when, name, obj, _) = w.bus.published[0]
    assert (when, name) == (SESSION, "meeting.started")
    assert obj == {
        "id": m.id,
        "uuid": m.uuid,
        "host_id": host.id,
        "topic": "Biology",
        "type": 2,
        "start_time": "2026-03-02T09:00:00Z",
        "timezone": "Europe/London",
        "duration": 60,
    }
    w.go(SESSION + timedelta(minutes=62))
    assert m.id in w.state.live
    w.go(SESSION + timedelta(minutes=63))
    assert w.state.live == {} and m.status == "waiting"
    ended = w.bus.published[1]
    assert ended[1] == "meeting.ended" and ended[2]["end_time"] == "2026-03-02T10:03:00Z"
    past = w.state.past[m.uuid]
    assert past.duration == 63 and past.participants[0]["leave_time"] == ended[0]
    w.go(SESSION + timedelta(minutes=67))
    assert w.state.recordings == {}
    w.go(SESSION + timedelta(minutes=68))
    rec = w.state.recordings[m.uuid]
    assert [f.file_type for f in rec.files] == ["MP4", "M4A", "TRANSCRIPT", "CHAT"]
    assert all(len(media.content(f)) == f.file_size for f in rec.files)
    (when, name, obj, top) = w.bus.published[2]
    assert name == "recording.completed" and when == SESSION + timedelta(minutes=68)
    assert [f["id"] for f in obj["recording_files"]] == [f.id for f in rec.files]
    token = w.state.tokens[top["download_token"]]
    assert token.kind == "download" and token.scopes == frozenset()
    assert token.meeting_uuid == m.uuid


def test_basic_host_is_cut_at_40_minutes_and_not_cloud_recorded() -> None:
    w = World()
    host = w.user(licensed=False, record=True)
    m = w.meeting(host, duration=90)
    w.go(SESSION + timedelta(minutes=39))
    assert w.state.live[m.id].cut_at_40
    w.go(SESSION + timedelta(hours=3))
    assert w.bus.names() == ["meeting.started", "meeting.ended"]
    assert w.bus.published[1][0] == SESSION + timedelta(minutes=40)
    assert w.state.past[m.uuid].duration == 40
    assert w.state.recordings == {}


def test_short_basic_session_ends_normally() -> None:
    w = World()
    m = w.meeting(w.user(licensed=False), duration=30)
    w.go(SESSION + timedelta(hours=1))
    assert w.state.past[m.uuid].end_time == SESSION + timedelta(minutes=33)


def test_license_during_first_40_minutes_lifts_the_cut() -> None:
    w = World()
    host = w.user(licensed=False)
    m = w.meeting(host, duration=60)
    w.go(SESSION + timedelta(minutes=10))
    assert w.state.live[m.id].cut_at_40
    host.licensed_spans.append((w.clock.now(), None))
    host.type = 2
    w.go(SESSION + timedelta(hours=2))
    assert w.state.past[m.uuid].end_time == SESSION + timedelta(minutes=63)


def test_license_that_ended_before_the_session_does_not_count() -> None:
    w = World()
    host = w.user(licensed=False)
    host.licensed_spans.append((START - timedelta(days=2), START - timedelta(days=1)))
    m = w.meeting(host, duration=60)
    w.go(SESSION + timedelta(hours=2))
    assert w.state.past[m.uuid].end_time == SESSION + timedelta(minutes=40)


def test_license_released_after_start_keeps_the_session_uncut() -> None:
    w = World()
    host = w.user(licensed=True)
    m = w.meeting(host, duration=60)
    w.go(SESSION + timedelta(minutes=1))
    host.licensed_spans[-1] = (host.licensed_spans[-1][0], w.clock.now())
    w.go(SESSION + timedelta(hours=2))
    assert w.state.past[m.uuid].end_time == SESSION + timedelta(minutes=63)


@pytest.mark.parametrize(
    ("licensed", "plan", "started"),
    [(False, "business", 1), (True, "pro", 1), (True, "business", 2)],
)
def test_hosts_run_one_meeting_at_a_time_two_when_licensed_on_business(
    licensed: bool, plan: str, started: int
) -> None:
    w = World(plan=plan)
    host = w.user(licensed=licensed)
    first = w.meeting(host, duration=30)
    w.meeting(host, start=SESSION + timedelta(minutes=10), duration=30)
    w.meeting(host, start=SESSION + timedelta(minutes=20), duration=30)
    w.go(SESSION + timedelta(minutes=25))
    assert len(w.state.live) == started
    assert first.id in w.state.live
    reasons = [s["reason"] for s in w.sim.skipped()]
    assert len(reasons) == 3 - started
    assert all("already runs" in r for r in reasons)


def test_back_to_back_sessions_of_one_host_both_run() -> None:
    w = World()
    w.state.account.overrun_minutes = (0, 0)
    host = w.user(licensed=False)
    w.meeting(host, duration=30)
    w.meeting(host, start=SESSION + timedelta(minutes=30), duration=30)
    w.go(SESSION + timedelta(hours=2))
    assert len(w.state.past) == 2 and w.sim.skipped() == []


def test_big_jump_processes_a_recurring_series_in_time_order() -> None:
    w = World()
    host = w.user(licensed=True, record=True)
    recurrence = {"type": 2, "weekly_days": "2", "end_times": 3}
    m = w.meeting(host, type=8, recurrence=recurrence)
    w.go(START + timedelta(days=30))
    names = w.bus.names()
    assert names == ["meeting.started", "meeting.ended", "recording.completed"] * 3
    times = [when for when, *_ in w.bus.published]
    assert times == sorted(times)
    assert [t.weekday() for t in times[::3]] == [0, 0, 0]
    instances = w.state.past_by_meeting[m.id]
    assert len(instances) == 3 and len(set(instances)) == 3
    assert len(w.state.recordings) == 3


def test_deleted_occurrence_does_not_start() -> None:
    w = World()
    host = w.user(licensed=True)
    m = w.meeting(host, type=8, recurrence={"type": 1, "end_times": 3})
    from zoomadmin.sandbox.recurrence import occurrences

    m.deleted_occurrences.add(occurrences(m)[1].occurrence_id)
    w.go(START + timedelta(days=5))
    assert len(w.state.past_by_meeting[m.id]) == 2


def test_no_show_and_late_join_are_deterministic_per_seed() -> None:
    starts = []
    for _ in range(2):
        w = World(seed=5)
        w.state.account.late_join_share = 1.0
        m = w.meeting(w.user(licensed=True))
        w.go(SESSION + timedelta(minutes=9))
        starts.append(w.state.live[m.id].started_at)
    assert starts[0] == starts[1]
    assert SESSION + timedelta(minutes=2) <= starts[0] <= SESSION + timedelta(minutes=8)
    w = World()
    w.state.account.no_show_share = 1.0
    w.meeting(w.user(licensed=True))
    w.go(SESSION + timedelta(hours=2))
    assert w.state.past == {}
    assert w.sim.skipped()[0]["reason"] == "the host did not join"


def test_moving_a_live_end_to_now_ends_it_now() -> None:
    # PUT /meetings/{id}/status "end" works this way: the end becomes now, then a tick.
    w = World()
    m = w.meeting(w.user(licensed=True, record=True))
    w.go(SESSION + timedelta(minutes=15))
    w.state.live[m.id].ends_at = w.clock.now()
    w.sim.tick()
    assert m.id not in w.state.live
    assert w.state.past[m.uuid].end_time == SESSION + timedelta(minutes=15)
    w.go(SESSION + timedelta(minutes=25))
    assert w.bus.names() == ["meeting.started", "meeting.ended", "recording.completed"]


def test_pending_user_activates_on_time() -> None:
    w = World()
    user = w.user(licensed=False)
    user.status, user.activates_at = "pending", START + timedelta(minutes=30)
    w.go(START + timedelta(minutes=29))
    assert user.status == "pending"
    w.go(START + timedelta(minutes=31))
    assert user.status == "active" and user.activates_at is None


def test_tick_is_idempotent() -> None:
    w = World()
    w.meeting(w.user(licensed=True))
    w.go(SESSION + timedelta(hours=2))
    before = list(w.bus.names())
    w.sim.tick()
    w.sim.tick()
    assert w.bus.names() == before == ["meeting.started", "meeting.ended"]


def test_live_end_moved_to_now_ends_on_the_next_tick_without_time_passing() -> None:
    w = World()
    m = w.meeting(w.user(licensed=False), duration=60)
    w.go(SESSION + timedelta(minutes=5))
    w.state.live[m.id].ends_at = w.clock.now()
    w.sim.tick()
    assert w.state.past[m.uuid].end_time == SESSION + timedelta(minutes=5)
    assert w.bus.names() == ["meeting.started", "meeting.ended"]
