"""Meetings: saving replaces sessions; calendar queries by window, tenant and host."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from zoomadmin.store.errors import NotFoundError
from zoomadmin.store.hosts import HostData
from zoomadmin.store.meetings import MeetingData, OccurrenceData
from zoomadmin.store.repositories import Store

NOW = datetime(2030, 3, 1, 12, tzinfo=UTC)
BIG_ID = 98_765_432_101  # Zoom meeting ids need 64 bits


def _weekly(n: int, minutes: int = 60) -> list[OccurrenceData]:
    return [
        OccurrenceData(NOW + timedelta(weeks=k), minutes, str(1_900_000_000_000 + k))
        for k in range(n)
    ]


def test_save_get_and_replace(store: Store) -> None:
    host = store.hosts.add(HostData("zu-1", "a@x.org"))
    meeting = MeetingData(BIG_ID, host.id, "Maths", NOW, 60, 8, "Europe/Berlin")
    store.meetings.save(meeting, _weekly(10))
    got = store.meetings.get(BIG_ID)
    assert (got.topic, got.meeting_type, got.timezone) == ("Maths", 8, "Europe/Berlin")
    assert len(got.occurrences) == 10
    assert got.occurrences[0].start_time == NOW
    store.meetings.save(
        MeetingData(BIG_ID, host.id, "Maths II", NOW, 45, 8), _weekly(3, minutes=45)
    )
    again = store.meetings.get(BIG_ID)
    assert again.topic == "Maths II"
    assert again.created_at == got.created_at
    assert [o.duration_minutes for o in again.occurrences] == [45, 45, 45]
    assert [m.id for m in store.meetings.for_host(host.id)] == [BIG_ID]
    store.meetings.delete(BIG_ID)
    with pytest.raises(NotFoundError, match=f"Meeting {BIG_ID}"):
        store.meetings.get(BIG_ID)


def test_one_off_without_start_needs_occurrences(store: Store) -> None:
    host = store.hosts.add(HostData("zu-1", "a@x.org"))
    with pytest.raises(ValueError, match="no start time"):
        store.meetings.save(MeetingData(1, host.id, "x", None, 30))


def test_calendar_queries(store: Store) -> None:
    acme = store.tenants.create(name="Acme", timezone="UTC", mailbox="t", domain="x.org")
    a = store.hosts.add(HostData("zu-1", "a@x.org", tenant_id=acme.id))
    b = store.hosts.add(HostData("zu-2", "b@x.org"))
    store.meetings.save(MeetingData(1, a.id, "Weekly", NOW, 60, 8), _weekly(4))
    store.meetings.save(MeetingData(2, b.id, "Other", NOW + timedelta(days=1), 30))
    week = store.meetings.sessions_between(NOW, NOW + timedelta(days=7))
    assert [(s.meeting_id, s.host_email) for s in week] == [(1, "a@x.org"), (2, "b@x.org")]
    assert [
        s.topic
        for s in store.meetings.sessions_between(NOW, NOW + timedelta(days=30), host_id=b.id)
    ] == ["Other"]
    coming = store.meetings.coming_sessions(acme.id, NOW + timedelta(minutes=1))
    assert [s.occurrence_id for s in coming] == ["1900000000001", "1900000000002", "1900000000003"]
    assert all(s.tenant_id == acme.id for s in coming)
    assert len(store.meetings.coming_sessions(acme.id, NOW, limit=2)) == 2
    assert store.meetings.count_coming_sessions(acme.id, NOW, NOW + timedelta(weeks=2)) == 2
    assert store.meetings.next_session(b.id, NOW + timedelta(days=2)) is None


def test_a_hosts_coming_meetings_and_the_join_link_a_save_keeps(store: Store) -> None:
    host = store.hosts.add(HostData("zu-1", "a@x.org"))
    past = MeetingData(1, host.id, "Past", NOW - timedelta(days=1), 30, join_url="https://j/1")
    store.meetings.save(past)
    gone = [OccurrenceData(NOW + timedelta(days=1), 60, "9", "deleted")]
    store.meetings.save(MeetingData(2, host.id, "Cancelled", NOW, 60, 8), gone)
    store.meetings.save(MeetingData(3, host.id, "Later", NOW, 60, 8), _weekly(3))
    store.meetings.save(MeetingData(4, host.id, "Soon", NOW + timedelta(hours=1), 30))
    coming = store.meetings.coming_for_host(host.id, NOW + timedelta(minutes=1))
    assert [m.id for m in coming] == [4, 3]
    assert len(coming[1].occurrences) == 3
    store.meetings.save(MeetingData(1, host.id, "Past again", NOW - timedelta(days=1), 30))
    assert store.meetings.get(1).join_url == "https://j/1"  # a save that knows no link
    store.meetings.save(MeetingData(1, host.id, "Past", NOW, 30, join_url="https://j/2"))
    assert store.meetings.get(1).join_url == "https://j/2"


def test_heads_reads_many_meetings_at_once_past_the_parameter_limit(store: Store) -> None:
    host = store.hosts.add(HostData("zu-9", "h@x.org"))
    for n in range(1000):  # more ids than one IN (...) may bind on the oldest SQLite
        store.meetings.save(MeetingData(BIG_ID + n, host.id, f"M{n}", NOW, 30, 2, "UTC"))
    heads = store.meetings.heads([BIG_ID + n for n in range(1000)] + [BIG_ID, 1])
    assert len(heads) == 1000 and heads[BIG_ID + 999].topic == "M999"
    assert heads[BIG_ID].occurrences == ()  # no sessions: a head only
    assert store.meetings.heads([]) == {}
