"""Webhook receiver over loopback: a real sandbox subscription, and forged, stale, replayed,
malformed and oversized requests refused without emitting anything."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass

import httpx
import pytest

from tests.zoom.events.events_support import advance, eventually, schedule, served
from zoomadmin.sandbox import SandboxServer
from zoomadmin.sandbox.events import encode, sign
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.events.model import Event, EventKind
from zoomadmin.zoom.events.stream import EventStream
from zoomadmin.zoom.events.webhook import WebhookReceiver
from zoomadmin.zoom.events.webhook_app import WebhookEventSource

SECRET = "receiver-secret-token"
MAX_BODY = 4096
MEETING_EVENTS = ["meeting.started", "meeting.ended"]


def envelope(name: str = "meeting.started", uuid: str = "abcdefghijklmnopqrstuv==") -> bytes:
    obj = {
        "id": 81234567890,
        "uuid": uuid,
        "host_id": "h" * 22,
        "start_time": "2026-03-02T09:00:00Z",
    }
    return encode(
        {"event": name, "event_ts": 1772442000000, "payload": {"account_id": "a", "object": obj}}
    )


def signed(body: bytes, *, secret: str = SECRET, at: float | None = None) -> dict[str, str]:
    timestamp = str(int(time.time() if at is None else at))
    return {
        "content-type": "application/json; charset=utf-8",
        "x-zm-request-timestamp": timestamp,
        "x-zm-signature": sign(secret, timestamp, body),
        "x-zm-trackingid": secrets.token_urlsafe(16),
    }


@dataclass
class Endpoint:
    url: str
    source: WebhookEventSource
    got: list[Event]

    async def post(self, body: bytes, headers: Mapping[str, str | bytes]) -> httpx.Response:
        async with httpx.AsyncClient(trust_env=False) as client:
            return await client.post(self.url, content=body, headers=headers)


@pytest.fixture
async def endpoint() -> AsyncIterator[Endpoint]:
    """The receiver's ASGI app under uvicorn, its events collected by an EventStream."""
    source = WebhookEventSource(WebhookReceiver(SECRET, max_body=MAX_BODY))
    stream = EventStream([source])
    got: list[Event] = []

    async def collect(event: Event) -> None:
        got.append(event)

    stream.subscribe(collect)
    runner = asyncio.create_task(stream.run())
    try:
        async with served(source.app) as base:
            yield Endpoint(base + "/zoom/events", source, got)
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)


async def test_signed_event_arrives_once_and_its_duplicate_is_acknowledged(
    endpoint: Endpoint,
) -> None:
    body = envelope()
    first = await endpoint.post(body, signed(body))
    await eventually(lambda: len(endpoint.got) == 1, "the event")
    # Zoom's retry of the same event: a new timestamp, so a new signature; 200, no new event.
    again = await endpoint.post(body, signed(body, at=time.time() - 2))
    assert (first.status_code, again.status_code) == (200, 200)
    await asyncio.sleep(0.05)
    assert [e.kind for e in endpoint.got] == [EventKind.MEETING_STARTED]
    assert endpoint.got[0].source == "webhook"


async def test_url_validation_answers_the_hmac_of_the_plain_token(endpoint: Endpoint) -> None:
    body = encode(
        {"event": "endpoint.url_validation", "event_ts": 1, "payload": {"plainToken": "pt-1"}}
    )
    response = await endpoint.post(body, signed(body))
    expected = hmac.new(SECRET.encode(), b"pt-1", hashlib.sha256).hexdigest()
    assert response.status_code == 200
    assert response.json() == {"plainToken": "pt-1", "encryptedToken": expected}


def _bad_requests() -> Iterator[tuple[str, bytes, Mapping[str, str | bytes], int]]:
    body = envelope()
    # Malformed headers, each once a 500 with a traceback: refused before any other work.
    yield "400-digit timestamp", body, {**signed(body), "x-zm-request-timestamp": "9" * 400}, 401
    yield "5000-digit timestamp", body, {**signed(body), "x-zm-request-timestamp": "1" * 5000}, 401
    non_ascii = b"v0=\xff" + b"0" * 63
    yield "non-ASCII signature", body, {**signed(body), "x-zm-signature": non_ascii}, 401
    yield "short signature", body, {**signed(body), "x-zm-signature": "v0=abc"}, 401
    yield "forged", body, signed(body, secret="not-the-secret"), 401
    yield "stale", body, signed(body, at=time.time() - 900), 401
    yield "from the future", body, signed(body, at=time.time() + 900), 401
    yield "unsigned", body, {"content-type": "application/json"}, 401
    no_ts = signed(body)
    del no_ts["x-zm-request-timestamp"]
    yield "no timestamp", body, no_ts, 401
    tampered = body.replace(b"81234567890", b"81234567891")
    yield "tampered body", tampered, signed(body), 401
    yield "not JSON", b"{nope", signed(b"{nope"), 400
    infinite = b'{"event": "meeting.ended", "event_ts": 1, "payload": {"object": {"id": 1e999}}}'
    yield "infinite meeting id", infinite, signed(infinite), 400
    no_object = encode({"event": "meeting.ended", "event_ts": 1, "payload": {}})
    yield "no payload.object", no_object, signed(no_object), 400
    big = envelope(uuid="x" * MAX_BODY)
    yield "oversized", big, signed(big), 413


# Parametrized by name and signed when the test runs: a request signed at collection time
# would be stale (over five minutes old) by the time a long suite gets to it.
@pytest.mark.parametrize("what", [case[0] for case in _bad_requests()])
async def test_bad_requests_are_refused_without_an_event(endpoint: Endpoint, what: str) -> None:
    body, headers, status = next(c[1:] for c in _bad_requests() if c[0] == what)
    response = await endpoint.post(body, headers)
    assert response.status_code == status, what
    # The same event, genuinely signed, still gets through: the refusal changed nothing
    # (it was not remembered as seen, nor its signature as used).
    good = envelope()
    assert (await endpoint.post(good, signed(good))).status_code == 200
    await eventually(lambda: len(endpoint.got) == 1, "the good event")
    assert endpoint.got[0].meeting_uuid == "abcdefghijklmnopqrstuv=="


async def test_replayed_request_is_refused(endpoint: Endpoint) -> None:
    body = envelope()
    headers = signed(body)
    assert (await endpoint.post(body, headers)).status_code == 200
    replay = await endpoint.post(body, headers)
    assert replay.status_code == 401
    assert "replayed" in replay.json()["error"]
    # Zoom's second delivery of one event in the same second: same signature, own tracking id.
    other = {**headers, "x-zm-trackingid": "another-delivery"}
    assert (await endpoint.post(body, other)).status_code == 200
    await asyncio.sleep(0.05)
    assert len(endpoint.got) == 1


async def test_oversized_body_without_length_is_cut_off(endpoint: Endpoint) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(64):
            yield b"x" * 1024

    async with httpx.AsyncClient(trust_env=False) as client:
        response = await client.post(endpoint.url, content=chunks(), headers=signed(b""))
    assert response.status_code == 413
    assert endpoint.got == []


async def test_get_is_not_allowed(endpoint: Endpoint) -> None:
    async with httpx.AsyncClient(trust_env=False) as client:
        assert (await client.get(endpoint.url)).status_code == 405


async def test_sandbox_subscription_validates_and_events_arrive_once_despite_duplicates(
    sandbox: SandboxServer, endpoint: Endpoint, zoom: ZoomClient
) -> None:
    admin = sandbox.info.admin_url
    async with httpx.AsyncClient(trust_env=False) as client:
        (await client.put(admin + "/faults", json={"spec": "webhook_dup=1.0"})).raise_for_status()
        sub = (
            await client.post(
                admin + "/webhooks",
                json={"url": endpoint.url, "secret_token": SECRET, "events": MEETING_EVENTS},
            )
        ).json()
        await schedule(sandbox, zoom, 5)
        advance(sandbox, 5)
        await eventually(lambda: len(endpoint.got) == 1, "meeting.started")
        advance(sandbox, 40)
        await eventually(lambda: len(endpoint.got) == 2, "meeting.ended")
        await eventually(lambda: _all_sent(sandbox), "every delivery acknowledged")
        listed = (await client.get(admin + "/webhooks")).json()["webhooks"]
    assert any(w["id"] == sub["id"] and w["validated"] is True for w in listed)
    assert [e.kind for e in endpoint.got] == [EventKind.MEETING_STARTED, EventKind.MEETING_ENDED]
    assert endpoint.got[0].meeting_uuid == endpoint.got[1].meeting_uuid


def _all_sent(sandbox: SandboxServer) -> bool:
    deliveries = sandbox.sandbox.bus.deliveries()
    return len(deliveries) == 4 and all(d["status"] == "sent" for d in deliveries)


async def test_full_queue_answers_503_and_zooms_retry_is_queued() -> None:
    source = WebhookEventSource(WebhookReceiver(SECRET, max_body=MAX_BODY), max_queued=1)
    first, second = envelope(uuid="first-instance=="), envelope(uuid="second-instance==")
    async with served(source.app) as base:
        endpoint = Endpoint(base + "/zoom/events", source, [])
        accepted = await endpoint.post(first, signed(first))
        refused = await endpoint.post(second, signed(second))
        assert (accepted.status_code, refused.status_code) == (200, 503)
        assert source.queue.get_nowait().meeting_uuid == "first-instance=="
        # Zoom retries the refused delivery (newly signed): it must not count as a duplicate.
        retried = await endpoint.post(second, signed(second, at=time.time() - 1))
        assert retried.status_code == 200
        assert source.queue.get_nowait().meeting_uuid == "second-instance=="


async def test_a_signed_deeply_nested_body_is_a_400() -> None:
    source = WebhookEventSource(WebhookReceiver(SECRET))  # the default 256 KB body limit
    body = b"[" * 100_000 + b"]" * 100_000
    async with served(source.app) as base:
        response = await Endpoint(base + "/zoom/events", source, []).post(body, signed(body))
    assert response.status_code == 400
    assert "nested" in response.json()["error"]
    assert source.queue.empty()


def test_a_replay_is_refused_however_many_deliveries_came_between() -> None:
    now = [1_800_000_000.0]
    receiver = WebhookReceiver(SECRET, clock=lambda: now[0])
    first = envelope(uuid="first-instance==")
    headers = signed(first, at=now[0])
    assert receiver.handle(headers, first).event is not None
    for i in range(10_000):
        other = envelope(uuid=f"other-{i}==")
        assert receiver.handle(signed(other, at=now[0]), other).event is not None
    now[0] += 299  # still inside the 300 s window the timestamp is accepted in
    replay = receiver.handle(headers, first)
    assert (replay.status, replay.event) == (401, None)
    assert "replayed" in replay.reason


async def test_full_memory_answers_503_until_the_window_has_passed() -> None:
    now = [time.time()]
    # Events are remembered as long as requests here, so both memories free up together.
    receiver = WebhookReceiver(SECRET, clock=lambda: now[0], max_remembered=3, dedupe_ttl=300)
    source = WebhookEventSource(receiver)
    bodies = [envelope(uuid=f"instance-{i}==") for i in range(4)]
    async with served(source.app) as base:
        endpoint = Endpoint(base + "/zoom/events", source, [])
        first = signed(bodies[0], at=now[0])
        statuses = [(await endpoint.post(bodies[0], first)).status_code]
        for body in bodies[1:]:
            statuses.append((await endpoint.post(body, signed(body, at=now[0]))).status_code)
        # Full: the fourth is refused for Zoom to retry, nothing remembered was forgotten.
        assert statuses == [200, 200, 200, 503]
        assert (await endpoint.post(bodies[0], first)).status_code == 401
        assert source.queue.qsize() == 3
        # Once the window has passed, what was remembered is refused by its timestamp anyway
        # and forgotten: Zoom's retry of the refused event is accepted.
        now[0] += 301
        retried = await endpoint.post(bodies[3], signed(bodies[3], at=now[0]))
        assert retried.status_code == 200
        assert (await endpoint.post(bodies[0], first)).status_code == 401  # stale now
    assert [source.queue.get_nowait().meeting_uuid for _ in range(4)][-1] == "instance-3=="
