"""Event bus: Zoom's signature, URL validation, signed deliveries, retries on the sandbox clock."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from webhook_receiver import WebhookReceiver, eventually

from zoomadmin.sandbox.clock import SandboxClock
from zoomadmin.sandbox.events import EventBus, encode, sign, url_validation_response
from zoomadmin.sandbox.state import AccountConfig, SandboxState

START = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
SECRET = "s3cr3t-token"


def test_signature_matches_hmac_computed_directly() -> None:
    body = b'{"event":"meeting.started","event_ts":1700000000000}'
    expected = hmac.new(b"abc", b"v0:1700000000:" + body, hashlib.sha256).hexdigest()
    assert sign("abc", "1700000000", body) == "v0=" + expected
    # A fixed known answer guards the message layout itself.
    assert sign("key", "1", b"{}") == "v0=" + hmac.new(b"key", b"v0:1:{}", "sha256").hexdigest()


def test_url_validation_response() -> None:
    answer = url_validation_response("secret", "qgg8vlvZRS6UYooatFL8Aw")
    assert answer == {
        "plainToken": "qgg8vlvZRS6UYooatFL8Aw",
        "encryptedToken": hmac.new(b"secret", b"qgg8vlvZRS6UYooatFL8Aw", "sha256").hexdigest(),
    }


def test_body_is_compact_utf8_json() -> None:
    body = encode({"event": "x", "payload": {"object": {"topic": "Café ☕"}}})
    assert body == '{"event":"x","payload":{"object":{"topic":"Café ☕"}}}'.encode()
    assert encode(json.loads(body)) == body  # a receiver that re-serialises gets the same bytes


class World:
    """A bus on a stepped clock, its delivery worker running on the test's loop."""

    def __init__(self) -> None:
        account = AccountConfig("acct", "cid", "csecret", SECRET, "wsSub")
        self.state = SandboxState(account)
        self.clock = SandboxClock(START, speed=0)
        self.bus = EventBus(self.state, self.clock, random.Random(1))

    async def subscribe(self, receiver: WebhookReceiver, events: list[str] | None = None) -> str:
        sub_id = self.bus.add_subscription(receiver.url, None, events)
        await eventually(lambda: self.subscription(sub_id)["validated"] is not None, "validation")
        return sub_id

    def subscription(self, sub_id: str) -> dict[str, object]:
        return next(s for s in self.bus.list_subscriptions() if s["id"] == sub_id)

    async def settle(self) -> None:
        """Give the worker a few rounds to act on anything already due."""
        for _ in range(20):
            await asyncio.sleep(0.01)


@pytest.fixture
async def world() -> AsyncIterator[World]:
    world = World()
    task = asyncio.create_task(world.bus.run())
    yield world
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_delivery_is_signed_and_shaped_like_zoom(world: World) -> None:
    async with WebhookReceiver(SECRET) as receiver:
        sub_id = await world.subscribe(receiver)
        assert world.subscription(sub_id)["validated"] is True
        world.bus.publish("meeting.started", {"id": 81234567890, "topic": "Évaluation"})
        await receiver.wait_for(1)
    got = receiver.events()[0]
    ts = got.headers["x-zm-request-timestamp"]
    expected = hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + got.body, "sha256").hexdigest()
    assert got.headers["x-zm-signature"] == "v0=" + expected
    assert got.headers["content-type"] == "application/json; charset=utf-8"
    assert got.headers["user-agent"] == "Zoom Marketplace/1.0a"
    assert got.headers["x-zm-trackingid"]
    assert got.json() == {
        "event": "meeting.started",
        "event_ts": int(START.timestamp() * 1000),
        "payload": {"account_id": "acct", "object": {"id": 81234567890, "topic": "Évaluation"}},
    }
    validation = receiver.requests[0].json()
    assert validation["event"] == "endpoint.url_validation"
    await eventually(lambda: world.bus.deliveries()[0]["status"] == "sent", "delivery logged")


async def test_top_level_and_extra_payload_fields(world: World) -> None:
    async with WebhookReceiver(SECRET) as receiver:
        await world.subscribe(receiver, events=["recording.completed"])
        world.bus.publish("meeting.started", {"id": 1})
        world.bus.publish(
            "recording.completed",
            {"uuid": "u=="},
            extra_payload={"operator": "owner@x.example"},
            top_level={"download_token": "dl"},
        )
        await receiver.wait_for(1)
        await world.settle()
    assert [r.json()["event"] for r in receiver.events()] == ["recording.completed"]
    message = receiver.events()[0].json()
    assert message["download_token"] == "dl"
    assert message["payload"] == {
        "account_id": "acct",
        "object": {"uuid": "u=="},
        "operator": "owner@x.example",
    }


async def test_failing_receiver_gets_retries_at_5_20_60_minutes(world: World) -> None:
    async with WebhookReceiver(SECRET, status_for=lambda _e: 500) as receiver:
        await world.subscribe(receiver)
        world.bus.publish("meeting.ended", {"id": 1})
        await receiver.wait_for(1)
        for step, expected in ((4, 1), (1, 2), (19, 2), (1, 3), (59, 3), (1, 4), (600, 4)):
            world.clock.advance(timedelta(minutes=step))
            await world.settle()
            await receiver.wait_for(expected)
            assert len(receiver.events()) == expected, f"after +{step} min"
    (log,) = world.bus.deliveries()
    assert log["status"] == "failed"
    assert [a["status_code"] for a in log["attempts"]] == [500] * 4
    offsets = [datetime.fromisoformat(a["at"]) - START for a in log["attempts"]]
    assert offsets == [
        timedelta(0),
        timedelta(minutes=5),
        timedelta(minutes=25),
        timedelta(minutes=85),
    ]
    bodies = {r.body for r in receiver.events()}
    assert len(bodies) == 1  # every retry carries the same event


async def test_big_clock_jump_replays_retries_then_succeeds(world: World) -> None:
    answers = iter([500, 503, 200])
    async with WebhookReceiver(SECRET, status_for=lambda _e: next(answers)) as receiver:
        await world.subscribe(receiver)
        world.bus.publish("meeting.ended", {"id": 1})
        await receiver.wait_for(1)
        world.clock.advance(timedelta(days=3))
        await receiver.wait_for(3)
        await world.settle()
    (log,) = world.bus.deliveries()
    assert log["status"] == "sent"
    assert [a["status_code"] for a in log["attempts"]] == [500, 503, 200]


async def test_endpoint_failing_validation_gets_no_events(world: World) -> None:
    async with WebhookReceiver(SECRET, validate=False) as receiver:
        sub_id = await world.subscribe(receiver)
        world.bus.publish("meeting.started", {"id": 1})
        await world.settle()
    check = world.subscription(sub_id)
    assert check["validated"] is False
    assert "URL validation failed" in str(check["validation_error"])
    assert receiver.events() == []
    assert world.bus.deliveries()[0]["status"] == "unvalidated"


async def test_lost_and_duplicated_faults(world: World) -> None:
    async with WebhookReceiver(SECRET) as receiver:
        await world.subscribe(receiver)
        world.bus.set_faults(1.0, 0.0, random.Random(3))
        world.bus.publish("meeting.started", {"id": 1})
        world.bus.set_faults(0.0, 1.0, random.Random(3))
        world.bus.publish("meeting.started", {"id": 2})
        await receiver.wait_for(2)
        await world.settle()
    assert [r.json()["payload"]["object"]["id"] for r in receiver.events()] == [2, 2]  # type: ignore[index]
    assert [d["status"] for d in world.bus.deliveries()] == ["lost", "sent", "sent"]


async def test_removed_subscription_gets_nothing(world: World) -> None:
    async with WebhookReceiver(SECRET) as receiver:
        sub_id = await world.subscribe(receiver)
        world.bus.remove_subscription(sub_id)
        world.bus.publish("meeting.started", {"id": 1})
        await world.settle()
    assert receiver.events() == []
    assert world.bus.list_subscriptions() == []
