"""A term through the curriculum service and the schedule queue, against the sandbox."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from schedule_support import (
    Crash,
    admin_put,
    curriculum_csv,
    lose_answers,
    tenant_with_hosts,
    zoom_sessions,
)
from tenancy_support import Tenancy, build_tenancy, sandbox_client, store, tenancy

from zoomadmin.core.changes import Change, ChangeKind
from zoomadmin.core.curriculum import Session
from zoomadmin.core.schedule import IntentState
from zoomadmin.services.curriculum import CurriculumRefusedError
from zoomadmin.services.schedule_queue import intent_json

__all__ = ["store", "tenancy"]

# 3 March to 28 April 2026 crosses the US (8 March), EU (29 March) and Australian
# (5 April) clock changes; 6 April (Easter Monday) and 15 April are holidays.
TERM = "2026-03-03,2026-04-28"
HOLIDAYS = "2026-04-06;2026-04-15"


def _expected(sessions: tuple[Session, ...], email: str) -> Counter[tuple[str, datetime]]:
    return Counter((s.title, s.start) for s in sessions if s.host_email == email)


async def _drain(tenancy: Tenancy, rounds: int = 40) -> None:
    """Run the queue until nothing is open, or fail after ``rounds`` passes."""
    for _ in range(rounds):
        await tenancy.runtime.services.queue.run_until_idle()
        if not await _open(tenancy):
            return
    raise AssertionError("the queue never emptied")


async def _open(tenancy: Tenancy) -> int:
    queue = tenancy.runtime.services.queue
    return len(await queue.intents([IntentState.QUEUED, IntentState.SENDING, IntentState.WAITING]))


async def test_a_term_across_three_clock_changes_matches_zoom_hour_for_hour(
    tenancy: Tenancy,
) -> None:
    zones = {"NY": "America/New_York", "LDN": "Europe/London", "SYD": "Australia/Sydney"}
    rows, emails = [], {}
    for name, tz in zones.items():
        _, (email,) = await tenant_with_hosts(tenancy, name, tz, 1)
        emails[name] = email
        for day in ("Mon", "Wed"):
            rows.append(f"{name},{email},Seminar {name},{day},09:00,50,{TERM},{HOLIDAYS},")
    curricula = tenancy.runtime.services.curricula
    preview = await curricula.preview_csv(curriculum_csv(rows))
    assert preview.ok and preview.problems == ()
    assert preview.cost.sessions == 3 * 14  # 16 Mondays and Wednesdays, less two holidays
    submitted = await curricula.submit_csv(curriculum_csv(rows))
    await _drain(tenancy)
    for name, tz in zones.items():
        user = preview.hosts[emails[name]].zoom_user_id
        in_zoom = await zoom_sessions(tenancy.zoom, user)
        assert in_zoom == _expected(submitted.preview.sessions, emails[name])
        local = [start.astimezone(ZoneInfo(tz)) for _, start in in_zoom]
        assert {(t.hour, t.minute) for t in local} == {(9, 0)}
        assert not {t.date() for t in local} & {date(2026, 4, 6), date(2026, 4, 15)}
        assert len({start.hour for _, start in in_zoom}) == 2  # the UTC hour moved once
    stored = tenancy.store.meetings.sessions_between(
        datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC)
    )
    assert sorted(s.start_time for s in stored) == sorted(
        s.start for s in submitted.preview.sessions
    )


async def test_a_host_over_100_requests_spills_to_the_next_utc_day_while_others_go_on(
    tenancy: Tenancy,
) -> None:
    _, (busy, calm, capped) = await tenant_with_hosts(tenancy, "Big", "UTC", 3)
    rows = []
    for n in range(120):  # 120 different courses: nothing folds into a series
        day = date(2026, 3, 10) + timedelta(days=n // 10)
        rows.append(f"Big,{busy},Course {n},{day:%a},{8 + n % 10:02d}:00,30,{day},{day},,")
    rows += [f"Big,{calm},Calm {n},Tue,10:00,30,2026-03-10,2026-03-10,," for n in range(1)]
    rows += [f"Big,{capped},Capped {n},Wed,{8 + n}:00,30,2026-03-11,2026-03-11,," for n in range(5)]
    curricula, queue = tenancy.runtime.services.curricula, tenancy.runtime.services.queue
    preview = await curricula.preview_csv(curriculum_csv(rows))
    assert preview.cost.hosts[busy].waiting_sessions == 20
    assert "20 sessions wait for Tue 03 Mar 00:00 UTC" in preview.cost.summary
    # Zoom already counted 98 of the capped host's 100 today (made elsewhere): its 429 decides.
    capped_id = preview.hosts[capped].zoom_user_id
    tenancy.server.sandbox.state.quota[(capped_id, tenancy.now().date())] = 98
    await curricula.submit_csv(curriculum_csv(rows))
    report = await queue.run_until_idle()
    assert report.created == 100 + 1 + 2
    waiting = await queue.intents([IntentState.WAITING])
    midnight = datetime(2026, 3, 3, tzinfo=UTC)
    assert {(i.zoom_user_id, i.wait_until) for i in waiting} == {
        (preview.hosts[busy].zoom_user_id, midnight),
        (capped_id, midnight),
    }
    assert report.counts.waiting == 20 + 3 and report.counts.wait_until == midnight
    assert "23 wait for Tue 00:00 UTC" in report.counts.text
    assert report.to_json()["waiting_until"] == "2026-03-03T00:00:00+00:00"
    assert {intent_json(i)["status"] for i in waiting} == {
        "waiting for quota until 2026-03-03 00:00 UTC"
    }
    assert (await queue.run_until_idle()).created == 0  # nothing goes before midnight
    admin_put_clock(tenancy, midnight + timedelta(minutes=1))
    await _drain(tenancy)
    assert (
        sum((await zoom_sessions(tenancy.zoom, preview.hosts[busy].zoom_user_id)).values()) == 120
    )
    assert sum((await zoom_sessions(tenancy.zoom, capped_id)).values()) == 5


def admin_put_clock(tenancy: Tenancy, when: datetime) -> None:
    """Move the sandbox's clock through its admin API."""
    tenancy.admin("POST", "/clock", json={"now": when.isoformat()})


async def test_a_crash_between_the_create_and_its_answer_then_a_restart_leaves_one_meeting(
    tenancy: Tenancy,
) -> None:
    _, (email,) = await tenant_with_hosts(tenancy, "Solo", "Europe/Berlin", 1)
    rows = [f"Solo,{email},Algebra,Tue,09:00,50,{TERM},,"]
    submitted = await tenancy.runtime.services.curricula.submit_csv(curriculum_csv(rows))
    user = submitted.preview.hosts[email].zoom_user_id
    lose_answers(tenancy.zoom, crash_once=True)
    with pytest.raises(Crash):
        await tenancy.runtime.services.queue.run_until_idle()
    (left,) = await tenancy.runtime.services.queue.intents()
    assert left.state is IntentState.SENDING
    async with sandbox_client(tenancy.server) as fresh:  # the restart: a new process
        again = build_tenancy(tenancy.server, tenancy.store, fresh)
        report = await again.runtime.services.queue.run_until_idle()
        assert (report.created, report.failed) == (1, 0)
        in_zoom = await zoom_sessions(fresh, user)
    assert in_zoom == _expected(submitted.preview.sessions, email)
    assert set(in_zoom.values()) == {1}


async def test_with_ten_percent_faults_every_session_exists_exactly_once(
    tenancy: Tenancy,
) -> None:
    _, emails = await tenant_with_hosts(tenancy, "Faulty", "America/New_York", 4)
    rows = []
    for n, email in enumerate(emails):
        rows.append(f"Faulty,{email},Lecture,Mon,09:00,50,{TERM},2026-03-16,")
        rows.append(f"Faulty,{email},Lab,Thu,{13 + n}:00,50,2026-03-05,2026-03-05,,")
        rows += [
            f"Faulty,{email},Office {k},Fri,{8 + k:02d}:00,20,2026-03-06,2026-03-06,,"
            for k in range(6)
        ]
    submitted = await tenancy.runtime.services.curricula.submit_csv(curriculum_csv(rows))
    creates = lose_answers(tenancy.zoom, every=10)  # 10 % of creates: answer lost
    admin_put(tenancy, "/faults", {"spec": "5xx=0.05,drop=0.05,seed=11"})  # 10 % of requests
    await _drain(tenancy)
    admin_put(tenancy, "/faults", {"spec": ""})
    wanted = sum(1 for i in await tenancy.runtime.services.queue.intents() if i.seq == 0)
    assert creates() > wanted  # some creates had to be sent again (dropped before Zoom)
    for email in emails:
        user = submitted.preview.hosts[email].zoom_user_id
        assert await zoom_sessions(tenancy.zoom, user) == _expected(
            submitted.preview.sessions, email
        )
    failed = await tenancy.runtime.services.queue.intents([IntentState.FAILED])
    assert failed == []


async def test_submit_is_refused_with_problems_and_changes_are_published(
    tenancy: Tenancy,
) -> None:
    _, (email,) = await tenant_with_hosts(tenancy, "Acme", "UTC", 1)
    curricula = tenancy.runtime.services.curricula
    bad = [
        f"Nowhere,{email},Algebra,Tue,09:00,50,{TERM},,",
        f"Acme,stranger@school.example,Algebra,Tue,09:00,50,{TERM},,",
        f"Acme,{email},Algebra,Tue,09:00,50,2026-02-03,2026-02-24,,",
    ]
    preview = await curricula.preview_csv(curriculum_csv(bad))
    assert {(p.row, p.field) for p in preview.problems} == {(2, "tenant"), (3, "host_email")}
    # The past blocks; a Basic host over 40 minutes is only flagged for the license pool.
    assert [(c.kind.value, c.blocking) for c in preview.conflicts] == [
        ("in_past", True),
        ("basic_over_40", False),
    ]
    document = preview.to_json()
    assert document["problems"][0] == {
        "row": 2,
        "field": "tenant",
        "message": "There is no tenant “Nowhere”.",
    }
    with pytest.raises(CurriculumRefusedError, match="2 problem"):
        await curricula.submit_csv(curriculum_csv(bad))
    heard: list[Change] = []
    tenancy.bus.subscribe(heard.append)
    await curricula.submit_csv(curriculum_csv([f"Acme,{email},Algebra,Tue,09:00,50,{TERM},,"]))
    await tenancy.runtime.services.queue.run_until_idle()
    kinds = {c.kind for c in heard}
    assert {ChangeKind.QUEUE, ChangeKind.SESSIONS} <= kinds


async def test_failed_intents_can_be_retried_or_cancelled(tenancy: Tenancy) -> None:
    _, (one, two) = await tenant_with_hosts(tenancy, "Acme", "UTC", 2)
    rows = [
        f"Acme,{one},Algebra,Tue,09:00,50,2026-03-03,2026-03-03,,",
        f"Acme,{two},Physics,Tue,09:00,50,2026-03-03,2026-03-03,,",
    ]
    submitted = await tenancy.runtime.services.curricula.submit_csv(curriculum_csv(rows))
    for email in (one, two):  # Zoom refuses the hosts: no scheduling while inactive
        user = submitted.preview.hosts[email].zoom_user_id
        tenancy.server.sandbox.state.users[user].status = "inactive"
    queue = tenancy.runtime.services.queue
    report = await queue.run_until_idle()
    assert (report.created, report.failed) == (0, 2)
    first, second = await queue.intents([IntentState.FAILED])
    assert "not allowed meeting hosting" in first.status_text
    for email in (one, two):
        tenancy.server.sandbox.state.users[
            submitted.preview.hosts[email].zoom_user_id
        ].status = "active"
    assert await queue.cancel([second.id]) == 1
    assert await queue.retry([first.id]) == 1
    assert (await queue.run_until_idle()).created == 1
    states = {i.id: i.state for i in await queue.intents()}
    assert states == {first.id: IntentState.CREATED, second.id: IntentState.CANCELLED}


async def test_an_intent_another_live_process_is_sending_is_left_alone(
    tenancy: Tenancy,
) -> None:
    _, (email,) = await tenant_with_hosts(tenancy, "Acme", "UTC", 1)
    rows = [f"Acme,{email},Algebra,Tue,09:00,30,2026-03-03,2026-03-03,,"]
    await tenancy.runtime.services.curricula.submit_csv(curriculum_csv(rows))
    queue, repo = tenancy.runtime.services.queue, tenancy.store.schedule
    (intent,) = await queue.intents()
    long_ago = datetime(2000, 1, 1, tzinfo=UTC)
    assert repo.claim(intent.id, "desk-2.example:4242", stale_before=long_ago)
    assert (await queue.run_until_idle()).created == 0
    assert repo.get(intent.id).state is IntentState.QUEUED
    child = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await child.wait()
    gone = child.pid
    dead = f"{socket.gethostname()}:{gone}"  # a process of this computer that has ended
    assert repo.claim(intent.id, dead, stale_before=datetime(2100, 1, 1, tzinfo=UTC))
    assert (await queue.run_until_idle()).created == 1
    assert repo.get(intent.id).claimed_by is None


async def test_a_curriculum_submitted_twice_clashes_with_its_queued_self(
    tenancy: Tenancy,
) -> None:
    _, (email,) = await tenant_with_hosts(tenancy, "Acme", "UTC", 1)
    term = curriculum_csv([f"Acme,{email},Algebra,Tue,09:00,30,{TERM},,"])
    curricula = tenancy.runtime.services.curricula
    await curricula.submit_csv(term)
    again = await curricula.preview_csv(term)
    assert again.cost.hosts[email].left_today == 99  # the first submission's create waits
    clashes = [c for c in again.conflicts if c.kind.value == "existing_meeting"]
    assert len(clashes) == again.cost.sessions == 9
    assert "(in the queue)" in clashes[0].message
    with pytest.raises(CurriculumRefusedError, match="conflict"):
        await curricula.submit_csv(term)
    await tenancy.runtime.services.queue.run_until_idle()
    created = await curricula.preview_csv(term)  # now Zoom's meeting: the same clash
    assert sum(c.kind.value == "existing_meeting" for c in created.conflicts) == 9


async def test_the_wizard_choices_name_every_tenant_with_its_hosts_and_the_time(
    tenancy: Tenancy,
) -> None:
    _, emails = await tenant_with_hosts(tenancy, "Beta", "Europe/London", 2)
    await tenant_with_hosts(tenancy, "Alpha", "America/New_York", 0)
    choices = await tenancy.runtime.services.curricula.choices()
    assert [c.tenant.name for c in choices.tenants] == ["Alpha", "Beta"]
    assert choices.tenants[0].hosts == ()
    assert [h.email for h in choices.tenants[1].hosts] == sorted(emails)
    assert choices.now == tenancy.server.sandbox.clock.now()  # the sandbox's clock stands
