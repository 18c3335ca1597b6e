"""Parsing Zoom's event envelope into one Event: accessors, secrets, dedupe keys, bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from zoomadmin.zoom.events.cache import ExpiringSet
from zoomadmin.zoom.events.model import (
    Event,
    EventKind,
    MalformedEventError,
    decode_envelope,
    parse_event,
)

STARTED = {
    "event": "meeting.started",
    "event_ts": 1772442000000,
    "payload": {
        "account_id": "acct",
        "object": {
            "id": 81234567890,
            "uuid": "/Ab//cdEfGhIjKlMnOpQr+==",
            "host_id": "h" * 22,
            "topic": "Algebra",
            "type": 2,
            "start_time": "2026-03-02T09:00:00Z",
            "timezone": "UTC",
            "duration": 45,
        },
    },
}


def test_meeting_started_accessors() -> None:
    event = parse_event(STARTED, "websocket")
    assert event is not None
    assert event.kind is EventKind.MEETING_STARTED
    assert event.event_ts == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert (event.meeting_id, event.meeting_uuid) == (81234567890, "/Ab//cdEfGhIjKlMnOpQr+==")
    assert event.host_id == event.user_id == "h" * 22
    assert event.start_time == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert event.end_time is None
    assert event.account_id == "acct"
    with pytest.raises(TypeError):
        event.object["topic"] = "changed"  # type: ignore[index]


def test_same_meeting_from_two_sources_shares_a_key_but_ended_differs() -> None:
    ws = parse_event(STARTED, "websocket")
    polled = Event(
        EventKind.MEETING_STARTED,
        datetime(2026, 3, 2, 9, 0, 30, tzinfo=UTC),
        "acct",
        {"id": 81234567890, "uuid": "/Ab//cdEfGhIjKlMnOpQr+=="},
        "poller",
    )
    ended = parse_event({**STARTED, "event": "meeting.ended"}, "webhook")
    assert ws is not None and ended is not None
    assert ws.dedupe_key == polled.dedupe_key
    assert ended.dedupe_key != ws.dedupe_key


def test_recording_download_token_is_not_in_repr() -> None:
    envelope = {
        "event": "recording.completed",
        "event_ts": 1772442000000,
        "download_token": "secret-download-token",
        "payload": {"account_id": "acct", "object": {"uuid": "u==", "id": 5}},
    }
    event = parse_event(envelope, "webhook")
    assert event is not None
    assert event.download_token == "secret-download-token"
    assert "secret-download-token" not in repr(event)


def test_a_recording_pushed_and_polled_shares_a_key() -> None:
    envelope = {
        "event": "recording.completed",
        "event_ts": 1772442000000,
        "payload": {"account_id": "acct", "object": {"uuid": "u==", "id": 5}},
    }
    pushed = parse_event(envelope, "websocket")
    polled = Event(
        EventKind.RECORDING_COMPLETED,
        datetime(2026, 3, 2, 9, 50, tzinfo=UTC),
        "acct",
        {"uuid": "u==", "id": 5, "recording_files": []},
        "poller",
    )
    assert pushed is not None
    assert pushed.dedupe_key == polled.dedupe_key == "recording.completed:u=="


def test_user_updated_changed_and_old_values() -> None:
    envelope = {
        "event": "user.updated",
        "event_ts": 1772442000123,
        "payload": {
            "account_id": "acct",
            "operator": "admin@school.org",
            "object": {"id": "u1", "type": 2},
            "old_object": {"id": "u1", "type": 1},
        },
    }
    event = parse_event(envelope, "webhook")
    assert event is not None
    assert event.user_id == "u1"
    assert event.meeting_id is None and event.meeting_uuid == ""
    assert event.changed_fields == {"type": 2}
    assert event.old_values == {"type": 1}
    assert event.operator == "admin@school.org"
    assert event.dedupe_key == "user.updated:u1:1772442000123"


def test_unknown_event_names_are_ignored() -> None:
    assert parse_event({"event": "meeting.participant_joined", "payload": {}}, "webhook") is None


@pytest.mark.parametrize(
    ("envelope", "words"),
    [
        ({"payload": {}}, "no event name"),
        ({"event": "meeting.started", "event_ts": 1}, "payload"),
        ({"event": "meeting.started", "event_ts": 1, "payload": {"object": []}}, "object"),
        ({"event": "meeting.started", "payload": {"object": {"uuid": "x"}}}, "event_ts"),
        ({"event": "meeting.ended", "event_ts": 1, "payload": {"object": {"topic": "t"}}}, "id"),
        ({"event": "user.updated", "event_ts": 1, "payload": {"object": {"type": 1}}}, "user id"),
        ({"event": "meeting.ended", "event_ts": 10**30, "payload": {"object": {"id": 1}}}, "range"),
    ],
)
def test_malformed_envelopes_raise_with_words(envelope: dict[str, object], words: str) -> None:
    with pytest.raises(MalformedEventError, match=words):
        parse_event(envelope, "webhook")


def test_decode_refuses_non_json_and_non_objects() -> None:
    with pytest.raises(MalformedEventError):
        decode_envelope(b"\xff{not json")
    with pytest.raises(MalformedEventError):
        decode_envelope(json.dumps([1, 2]))
    assert decode_envelope(json.dumps(STARTED))["event"] == "meeting.started"


def test_expiring_set_forgets_after_ttl_and_stays_bounded() -> None:
    now = [0.0]
    seen = ExpiringSet(10, max_size=3, clock=lambda: now[0])
    assert seen.add("a") and not seen.add("a")
    now[0] = 11
    assert "a" not in seen and seen.add("a")
    for key in "bcd":
        seen.add(key)
    assert len(seen) == 3 and "a" not in seen


def test_a_deeply_nested_message_is_malformed_not_a_crash() -> None:
    from zoomadmin.zoom.events.model import MalformedEventError, decode_envelope

    with pytest.raises(MalformedEventError, match="nested too deeply"):
        decode_envelope("[" * 100_000 + "]" * 100_000)
