"""Session changes against the sandbox: each costs what its plan says, is sent once, and
what the quota does not allow waits for 00:00 UTC."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from schedule_support import Crash, tenant_with_hosts, zoom_sessions
from tenancy_support import Tenancy, build_tenancy, sandbox_client, store, tenancy

from zoomadmin.core.schedule import IntentState
from zoomadmin.services.session_changes import ChangePlan, SessionChangeError, Submitted
from zoomadmin.store.errors import NotFoundError
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.errors import NotFound
from zoomadmin.zoom.models import MeetingType

__all__ = ["store", "tenancy"]

BERLIN = ZoneInfo("Europe/Berlin")


def _used(tenancy: Tenancy, user: str) -> int:
    """What the sandbox counted against ``user``'s 100 today."""
    today: date = tenancy.now().astimezone(UTC).date()
    return tenancy.server.sandbox.state.quota.get((user, today), 0)


def _day(tenancy: Tenancy, days: int, hour: int) -> datetime:
    """``days`` after the sandbox's today, at ``hour`` in Berlin."""
    local = tenancy.now().astimezone(BERLIN) + timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


async def _done(tenancy: Tenancy, plan: ChangePlan) -> Submitted:
    submitted = await tenancy.runtime.services.sessions.submit(plan)
    await tenancy.runtime.services.queue.run_until_idle()
    return submitted


async def _host(tenancy: Tenancy, count: int = 1) -> list[tuple[str, str]]:
    """(email, zoom user id) of ``count`` hosts of one Berlin tenant."""
    _, emails = await tenant_with_hosts(tenancy, "Acme", "Europe/Berlin", count)
    out = []
    for email in emails:
        host = tenancy.store.hosts.find_by_email(email)
        assert host is not None
        out.append((email, host.zoom_user_id))
    return out


async def _series(tenancy: Tenancy, email: str, weeks: int = 4) -> int:
    """A weekly 50-minute series of ``email`` at 09:00 Berlin from tomorrow (made through the
    queue, so it is stored as the calendar has it); its meeting id."""
    sessions = tenancy.runtime.services.sessions
    plan = await sessions.plan_add(email, "Physics", _day(tenancy, 1, 9), 50)
    weekly = plan.intents[0]
    series = replace(
        weekly,
        meeting_type=MeetingType.RECURRING_FIXED_TIME,
        recurrence={
            "type": 2,
            "repeat_interval": 1,
            "weekly_days": str(_day(tenancy, 1, 9).isoweekday() % 7 + 1),
            "end_times": weeks,
        },
        session_starts=tuple(
            (_day(tenancy, 1, 9) + timedelta(weeks=n)).astimezone(UTC) for n in range(weeks)
        ),
    )
    submitted = await _done(tenancy, replace(plan, intents=(series,)))
    intent = tenancy.store.schedule.get(submitted.intent_ids[0])
    assert intent.state is IntentState.CREATED and intent.meeting_id is not None
    return intent.meeting_id


async def test_a_single_session_costs_one_request_and_keeps_its_join_link(
    tenancy: Tenancy,
) -> None:
    ((email, user),) = await _host(tenancy)
    sessions = tenancy.runtime.services.sessions
    start = _day(tenancy, 2, 15)
    plan = await sessions.plan_add(email, "Tutoring: Sam", start.replace(tzinfo=None), 30)
    assert (plan.requests, plan.goes_now, plan.summary) == (1, True, "1 request, all today")
    assert plan.charges[0].left_today == 100
    assert plan.to_json()["hosts"][0]["email"] == email
    submitted = await _done(tenancy, plan)
    assert _used(tenancy, user) == 1
    assert await zoom_sessions(tenancy.zoom, user) == {("Tutoring: Sam", start.astimezone(UTC)): 1}
    intent = tenancy.store.schedule.get(submitted.intent_ids[0])
    stored = tenancy.store.meetings.get(intent.meeting_id or 0)
    assert stored.join_url and stored.join_url.startswith("http")
    links = await sessions.links(stored.id)
    assert links.join_url == stored.join_url and links.start_url


async def test_start_now_returns_the_join_and_start_links_once_created(tenancy: Tenancy) -> None:
    ((email, user),) = await _host(tenancy)
    sessions = tenancy.runtime.services.sessions
    plan = await sessions.plan_start_now(email, "Drop-in")
    assert plan.requests == 1
    submitted = await sessions.submit(plan)
    assert submitted.done and submitted.links is not None
    assert submitted.links.join_url and submitted.links.start_url
    assert _used(tenancy, user) == 1
    meeting = await tenancy.zoom.get_meeting(submitted.links.meeting_id)
    assert meeting.type == MeetingType.INSTANT
    assert submitted.to_json()["links"]["join_url"] == submitted.links.join_url


async def test_bad_input_is_refused_with_a_message(tenancy: Tenancy) -> None:
    ((email, _),) = await _host(tenancy)
    sessions = tenancy.runtime.services.sessions
    with pytest.raises(SessionChangeError, match="has passed"):
        await sessions.plan_add(email, "Late", tenancy.now() - timedelta(hours=1), 30)
    with pytest.raises(SessionChangeError, match="1 to 1440 minutes"):
        await sessions.plan_add(email, "Long", _day(tenancy, 1, 9), 0)
    with pytest.raises(SessionChangeError, match="no host nobody@school"):
        await sessions.plan_add("nobody@school.example", "X", _day(tenancy, 1, 9), 30)
    with pytest.raises(SessionChangeError, match="not a time zone"):
        await sessions.plan_add(email, "X", _day(tenancy, 1, 9), 30, "Mars/Base")
    meeting_id = await _series(tenancy, email)
    with pytest.raises(SessionChangeError, match="is a series"):
        await sessions.plan_move(meeting_id, _day(tenancy, 3, 9))


async def test_moving_one_occurrence_costs_one_request_and_moves_only_it(
    tenancy: Tenancy,
) -> None:
    ((email, user),) = await _host(tenancy)
    meeting_id = await _series(tenancy, email)
    before = _used(tenancy, user)
    sessions = tenancy.runtime.services.sessions
    second = tenancy.store.meetings.get(meeting_id).occurrences[1]
    new = (second.start_time + timedelta(hours=3)).astimezone(BERLIN).replace(tzinfo=None)
    plan = await sessions.plan_move(meeting_id, new, occurrence_id=second.occurrence_id)
    assert (plan.requests, plan.goes_now) == (1, True)
    await _done(tenancy, plan)
    assert _used(tenancy, user) == before + 1
    starts = sorted(start for _, start in await zoom_sessions(tenancy.zoom, user))
    assert second.start_time + timedelta(hours=3) in starts
    assert second.start_time not in starts and len(starts) == 4
    stored = tenancy.store.meetings.get(meeting_id).occurrences
    assert second.start_time + timedelta(hours=3) in [o.start_time for o in stored]


async def test_a_series_new_time_costs_one_request_from_its_next_session_and_one_each_later(
    tenancy: Tenancy,
) -> None:
    ((email, user),) = await _host(tenancy)
    meeting_id = await _series(tenancy, email)
    sessions = tenancy.runtime.services.sessions
    first, second = tenancy.store.meetings.get(meeting_id).occurrences[:2]
    whole = await sessions.plan_change_series(
        meeting_id, first.occurrence_id, start_time="11:30", duration_minutes=40
    )
    assert (whole.requests, whole.sessions) == (1, 4)
    later = await sessions.plan_change_series(meeting_id, second.occurrence_id, start_time="11:30")
    assert (later.requests, later.sessions) == (3, 3)
    before = _used(tenancy, user)
    await _done(tenancy, whole)
    assert _used(tenancy, user) == before + 1
    found = await zoom_sessions(tenancy.zoom, user)
    local = {start.astimezone(BERLIN).strftime("%H:%M") for _, start in found}
    assert local == {"11:30"} and sum(found.values()) == 4
    meeting = await tenancy.zoom.get_meeting(meeting_id)
    assert meeting.duration == 40


async def test_cancels_count_against_the_host_quota_and_leave_the_rest(tenancy: Tenancy) -> None:
    ((email, user),) = await _host(tenancy)
    meeting_id = await _series(tenancy, email)
    sessions = tenancy.runtime.services.sessions
    third = tenancy.store.meetings.get(meeting_id).occurrences[2]
    before = _used(tenancy, user)
    one = await sessions.plan_cancel(meeting_id, occurrence_id=third.occurrence_id)
    assert one.requests == 1
    await _done(tenancy, one)
    assert _used(tenancy, user) == before + 1  # a delete counts like a create
    assert sum((await zoom_sessions(tenancy.zoom, user)).values()) == 3
    stored = {o.occurrence_id: o.status for o in tenancy.store.meetings.get(meeting_id).occurrences}
    assert stored[third.occurrence_id] == "deleted"
    whole = await sessions.plan_cancel(meeting_id, series=True)
    assert (whole.requests, whole.sessions) == (1, 3)
    await _done(tenancy, whole)
    assert _used(tenancy, user) == before + 2
    with pytest.raises(NotFound):
        await tenancy.zoom.get_meeting(meeting_id)
    host = tenancy.store.hosts.find_by_email(email)
    assert host is not None and tenancy.store.meetings.for_host(host.id) == []


def _crash_after(zoom: ZoomClient, name: str) -> Callable[[], int]:
    """Make ``zoom.<name>`` reach Zoom, then die before its answer is stored (once)."""
    real: Callable[..., Awaitable[Any]] = getattr(zoom, name)
    calls = {"n": 0}

    async def call(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        result = await real(*args, **kwargs)
        if calls["n"] == 1:
            raise Crash
        return result

    setattr(zoom, name, call)
    return lambda: calls["n"]


@pytest.mark.parametrize("change", ["move", "cancel", "series", "delete"])
async def test_a_crash_between_a_change_and_its_answer_sends_it_once(
    tenancy: Tenancy, change: str
) -> None:
    ((email, user),) = await _host(tenancy)
    meeting_id = await _series(tenancy, email)
    sessions = tenancy.runtime.services.sessions
    second = tenancy.store.meetings.get(meeting_id).occurrences[1]
    if change == "move":
        plan = await sessions.plan_move(
            meeting_id, second.start_time + timedelta(hours=2), occurrence_id=second.occurrence_id
        )
        _crash_after(tenancy.zoom, "update_meeting")
    elif change == "series":
        first = tenancy.store.meetings.get(meeting_id).occurrences[0]
        plan = await sessions.plan_change_series(
            meeting_id, first.occurrence_id, start_time="13:15", duration_minutes=45
        )
        _crash_after(tenancy.zoom, "update_meeting")
    elif change == "delete":
        plan = await sessions.plan_cancel(meeting_id, series=True)
        _crash_after(tenancy.zoom, "delete_meeting")
    else:
        plan = await sessions.plan_cancel(meeting_id, occurrence_id=second.occurrence_id)
        _crash_after(tenancy.zoom, "delete_meeting")
    submitted = await sessions.submit(plan)
    before = _used(tenancy, user)
    with pytest.raises(Crash):
        await tenancy.runtime.services.queue.run_until_idle()
    assert _used(tenancy, user) == before + 1
    assert tenancy.store.schedule.get(submitted.intent_ids[0]).state is IntentState.SENDING
    async with sandbox_client(tenancy.server) as fresh:  # the restart: a new process
        again = build_tenancy(tenancy.server, tenancy.store, fresh)
        report = await again.runtime.services.queue.run_until_idle()
        assert (report.created, report.failed) == (1, 0)
    assert _used(tenancy, user) == before + 1  # found done in Zoom: not sent again
    assert tenancy.store.schedule.get(submitted.intent_ids[0]).state is IntentState.CREATED
    if change == "delete":
        with pytest.raises(NotFound):
            await tenancy.zoom.get_meeting(meeting_id)
        with pytest.raises(NotFoundError):
            tenancy.store.meetings.get(meeting_id)
        return
    stored = {o.occurrence_id: o for o in tenancy.store.meetings.get(meeting_id).occurrences}
    if change == "series":
        local = {o.start_time.astimezone(BERLIN).strftime("%H:%M") for o in stored.values()}
        assert local == {"13:15"} and {o.duration_minutes for o in stored.values()} == {45}
        return
    if change == "move":
        assert stored[second.occurrence_id].start_time == second.start_time + timedelta(hours=2)
    else:
        assert stored[second.occurrence_id].status == "deleted"


async def test_a_hand_over_recreates_each_meeting_for_the_other_host_at_its_price(
    tenancy: Tenancy,
) -> None:
    (old, old_user), (new, new_user) = await _host(tenancy, 2)
    await _series(tenancy, old)
    sessions = tenancy.runtime.services.sessions
    await _done(tenancy, await sessions.plan_add(old, "Tutoring", _day(tenancy, 2, 16), 30))
    queued = await sessions.plan_add(old, "Queued", _day(tenancy, 3, 16), 30)
    await sessions.submit(queued)  # still in the queue: it moves at no cost
    plan = await sessions.plan_hand_over(old, new)
    costs = {c.email: c.requests for c in plan.charges}
    assert costs == {new: 2, old: 2}  # a create each for the new host, a delete each old
    assert (plan.sessions, plan.queued_moved, plan.requests) == (4 + 1 + 1, 1, 4)
    before = (_used(tenancy, old_user), _used(tenancy, new_user))
    submitted = await sessions.submit(plan, send_now=True)
    assert submitted.done
    await tenancy.runtime.services.queue.run_until_idle()
    assert await zoom_sessions(tenancy.zoom, old_user) == {}
    moved = await zoom_sessions(tenancy.zoom, new_user)
    assert sum(moved.values()) == 6 and set(moved.values()) == {1}
    assert {t for t, _ in moved} == {"Physics", "Tutoring", "Queued"}
    assert (_used(tenancy, old_user), _used(tenancy, new_user)) == (
        before[0] + 2,
        before[1] + 2 + 1,  # and the queued session's create, now the new host's
    )
    with pytest.raises(SessionChangeError, match="Choose another host"):
        await sessions.plan_hand_over(new, new)


async def test_a_hand_over_past_the_quota_waits_for_midnight_and_the_old_meeting_with_it(
    tenancy: Tenancy,
) -> None:
    (old, old_user), (new, new_user) = await _host(tenancy, 2)
    sessions = tenancy.runtime.services.sessions
    for n in range(3):
        await _done(tenancy, await sessions.plan_add(old, f"One {n}", _day(tenancy, 2, 9 + n), 30))
    today = tenancy.zoom.transport.today()
    for _ in range(99):  # the new host spent 99 of its 100 elsewhere today
        await tenancy.zoom.transport.ledger.record_request(new_user, today)
    plan = await sessions.plan_hand_over(old, new)
    charge = {c.email: c for c in plan.charges}[new]
    midnight = datetime.combine(today + timedelta(days=1), datetime.min.time(), UTC)
    assert (charge.requests, charge.left_today, charge.goes_now) == (3, 1, False)
    assert charge.last_at == midnight and "2 wait for" in plan.summary
    submitted = await sessions.submit(plan, send_now=True)
    assert not submitted.done
    states = [tenancy.store.schedule.get(i) for i in submitted.intent_ids]
    waiting = [i for i in states if i.state is IntentState.WAITING]
    assert {i.wait_until for i in waiting} == {midnight} and len(waiting) == 2
    # Each meeting not copied yet stays with the old host: two of three are still there.
    assert sum((await zoom_sessions(tenancy.zoom, old_user)).values()) == 2
    tenancy.admin("POST", "/clock", json={"now": (midnight + timedelta(minutes=1)).isoformat()})
    for _ in range(3):
        await tenancy.runtime.services.queue.run_until_idle()
    assert await zoom_sessions(tenancy.zoom, old_user) == {}
    assert sum((await zoom_sessions(tenancy.zoom, new_user)).values()) == 3


async def test_cancel_all_deletes_each_coming_meeting_and_drops_the_queued(
    tenancy: Tenancy,
) -> None:
    ((email, user),) = await _host(tenancy)
    await _series(tenancy, email)
    sessions = tenancy.runtime.services.sessions
    await _done(tenancy, await sessions.plan_add(email, "One", _day(tenancy, 2, 16), 30))
    await sessions.submit(await sessions.plan_add(email, "Queued", _day(tenancy, 3, 16), 30))
    plan = await sessions.plan_cancel_all(email)
    assert (plan.requests, plan.sessions, len(plan.drop_intents)) == (2, 6, 1)
    before = _used(tenancy, user)
    assert (await sessions.submit(plan, send_now=True)).done
    await tenancy.runtime.services.queue.run_until_idle()
    assert await zoom_sessions(tenancy.zoom, user) == {}
    assert _used(tenancy, user) == before + 2
    assert await sessions.coming(email) == []


async def test_a_pass_sent_for_a_waiting_person_and_the_queue_job_at_once_send_once(
    tenancy: Tenancy,
) -> None:
    ((email, user),) = await _host(tenancy)
    sessions, queue = tenancy.runtime.services.sessions, tenancy.runtime.services.queue
    plans = [
        await sessions.plan_add(email, f"Drop-in {n}", _day(tenancy, 2, 9 + n), 30)
        for n in range(3)
    ]
    for plan in plans:
        await sessions.submit(plan)
    # The job's pass and a pass for a person waiting (same process) overlap.
    await asyncio.gather(queue.run_once(), queue.run_hosts([user]), queue.run_once())
    found = await zoom_sessions(tenancy.zoom, user)
    assert sum(found.values()) == 3 and set(found.values()) == {1}
    assert _used(tenancy, user) == 3


async def test_a_change_waiting_for_quota_shows_in_the_queue_counts(tenancy: Tenancy) -> None:
    ((email, user),) = await _host(tenancy)
    sessions, queue = tenancy.runtime.services.sessions, tenancy.runtime.services.queue
    meeting_id = await _series(tenancy, email)
    today = tenancy.zoom.transport.today()
    for _ in range(100 - _used(tenancy, user)):
        await tenancy.zoom.transport.ledger.record_request(user, today)
    first = tenancy.store.meetings.get(meeting_id).occurrences[0]
    plan = await sessions.plan_cancel(meeting_id, occurrence_id=first.occurrence_id)
    assert not plan.goes_now and "1 wait for" in plan.summary
    await sessions.submit(plan)
    await queue.run_until_idle()
    counts = await queue.counts()
    assert counts.waiting == 1 and counts.wait_until is not None
    assert "1 wait for" in counts.text


async def test_a_session_overlapping_another_of_its_host_is_noted_in_the_plan(
    tenancy: Tenancy,
) -> None:
    ((email, _),) = await _host(tenancy)
    meeting_id = await _series(tenancy, email)
    sessions = tenancy.runtime.services.sessions
    clash = await sessions.plan_add(
        email, "Drop-in", _day(tenancy, 1, 9) + timedelta(minutes=20), 30
    )
    assert len(clash.notes) == 1 and "overlaps “Physics”" in clash.notes[0]
    assert clash.to_json()["notes"] == list(clash.notes)
    free = await sessions.plan_add(email, "Drop-in", _day(tenancy, 1, 11), 30)
    assert free.notes == ()
    first = tenancy.store.meetings.get(meeting_id).occurrences[0]
    nudge = await sessions.plan_move(
        meeting_id, first.start_time + timedelta(minutes=10), occurrence_id=first.occurrence_id
    )
    assert nudge.notes == ()  # its own series is no clash


async def test_start_now_is_refused_when_the_host_has_no_request_left_today(
    tenancy: Tenancy,
) -> None:
    ((email, user),) = await _host(tenancy)
    sessions, queue = tenancy.runtime.services.sessions, tenancy.runtime.services.queue
    today = tenancy.zoom.transport.today()
    for _ in range(99):
        await tenancy.zoom.transport.ledger.record_request(user, today)
    plan = await sessions.plan_start_now(email, "Drop-in")
    await tenancy.zoom.transport.ledger.record_request(user, today)  # spent meanwhile
    with pytest.raises(SessionChangeError, match="could not be started now"):
        await sessions.submit(plan)
    assert await queue.intents([IntentState.QUEUED, IntentState.WAITING]) == []
    with pytest.raises(SessionChangeError, match="no Zoom requests left today"):
        await sessions.plan_start_now(email, "Drop-in")
