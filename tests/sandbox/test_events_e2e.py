"""Events end to end over loopback: signed webhooks, retries as the clock moves, the WebSocket."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
import websockets
from webhook_receiver import WebhookReceiver, eventually

from zoomadmin.sandbox.server import SandboxServer

SECRET = "receiver-secret"


async def token(sandbox: SandboxServer) -> str:
    info = sandbox.info
    async with httpx.AsyncClient() as client:
        response = await client.post(
            info.oauth_url,
            params={"grant_type": "account_credentials", "account_id": info.account_id},
            auth=(info.client_id, info.client_secret),
        )
    response.raise_for_status()
    value: str = response.json()["access_token"]
    return value


async def admin(sandbox: SandboxServer, method: str, path: str, body: Any = None) -> Any:
    async with httpx.AsyncClient() as client:
        response = await client.request(method, sandbox.info.admin_url + path, json=body)
    response.raise_for_status()
    return response.json() if response.content else None


async def schedule(sandbox: SandboxServer, access: str, minutes_ahead: int) -> int:
    """A 30-minute meeting for the (Licensed) owner, starting ``minutes_ahead`` from now."""
    now = datetime.fromisoformat((await admin(sandbox, "GET", "/clock"))["now"])
    start = (now + timedelta(minutes=minutes_ahead)).strftime("%Y-%m-%dT%H:%M:%SZ")
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{sandbox.info.api_url}/users/me/meetings",
            json={"topic": "Café check-in", "type": 2, "start_time": start, "duration": 30},
            headers={"Authorization": f"Bearer {access}"},
        )
    assert response.status_code == 201, response.text
    meeting_id: int = response.json()["id"]
    return meeting_id


async def advance(sandbox: SandboxServer, minutes: float) -> None:
    await admin(sandbox, "POST", "/clock", {"advance_seconds": minutes * 60})


async def test_signed_webhooks_arrive_and_verify(sandbox: SandboxServer) -> None:
    access = await token(sandbox)
    async with WebhookReceiver(SECRET) as receiver:
        sub = await admin(
            sandbox, "POST", "/webhooks", {"url": receiver.url, "secret_token": SECRET}
        )
        meeting_id = await schedule(sandbox, access, 5)
        await advance(sandbox, 5)
        await receiver.wait_for(1, "meeting.started")
        await advance(sandbox, 40)
        await receiver.wait_for(1, "meeting.ended")
    validation = receiver.requests[0].json()
    assert validation["event"] == "endpoint.url_validation"
    listed = (await admin(sandbox, "GET", "/webhooks"))["webhooks"]
    assert any(w["id"] == sub["id"] and w["validated"] is True for w in listed)
    for got in receiver.events():
        ts = got.headers["x-zm-request-timestamp"]
        digest = hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + got.body, hashlib.sha256)
        assert got.headers["x-zm-signature"] == "v0=" + digest.hexdigest()
        # A receiver that parses and re-serialises compactly still verifies.
        reserialised = json.dumps(json.loads(got.body), separators=(",", ":"), ensure_ascii=False)
        assert reserialised.encode() == got.body
        assert got.json()["payload"]["object"]["id"] == meeting_id  # type: ignore[index]
    ended = receiver.events("meeting.ended")[0].json()["payload"]["object"]
    assert ended["topic"] == "Café check-in" and ended["end_time"]  # type: ignore[index]


async def test_failing_receiver_is_retried_as_the_clock_advances(sandbox: SandboxServer) -> None:
    access = await token(sandbox)
    async with WebhookReceiver(SECRET, status_for=lambda _e: 503) as receiver:
        await admin(
            sandbox,
            "POST",
            "/webhooks",
            {"url": receiver.url, "secret_token": SECRET, "events": ["meeting.started"]},
        )
        await schedule(sandbox, access, 1)
        await advance(sandbox, 1)
        await receiver.wait_for(1)
        await advance(sandbox, 5)
        await receiver.wait_for(2)
        await advance(sandbox, 20)
        await receiver.wait_for(3)
        await advance(sandbox, 60)
        await receiver.wait_for(4)

        def failed() -> bool:
            log = sandbox.sandbox.bus.deliveries()
            return bool(log) and log[0]["status"] == "failed"

        await eventually(failed, "the delivery to be given up")
    assert len(receiver.events()) == 4
    counts = await admin(sandbox, "GET", "/state")
    assert counts["webhook_deliveries"]["failed"] == 1


async def test_endpoint_that_fails_url_validation_is_marked(sandbox: SandboxServer) -> None:
    async with WebhookReceiver(SECRET, validate=False) as receiver:
        sub = await admin(
            sandbox, "POST", "/webhooks", {"url": receiver.url, "secret_token": SECRET}
        )

        def checked() -> bool:
            return any(
                w["id"] == sub["id"] and w["validated"] is False
                for w in sandbox.sandbox.bus.list_subscriptions()
            )

        await eventually(checked, "validation to fail")
    assert receiver.events() == []


def ws_url(sandbox: SandboxServer, access: str) -> str:
    info = sandbox.info
    return f"{info.ws_url}?subscriptionId={info.subscription_id}&access_token={access}"


async def receive(ws: websockets.ClientConnection) -> dict[str, Any]:
    async with asyncio.timeout(5):
        message: dict[str, Any] = json.loads(await ws.recv())
    return message


async def test_websocket_streams_events_and_answers_heartbeats(sandbox: SandboxServer) -> None:
    access = await token(sandbox)
    async with websockets.connect(ws_url(sandbox, access)) as ws:
        await ws.send(json.dumps({"module": "heartbeat"}))
        assert await receive(ws) == {"module": "heartbeat", "success": True}
        meeting_id = await schedule(sandbox, access, 2)
        await advance(sandbox, 2)
        message = await receive(ws)
    assert message["module"] == "message"
    event = json.loads(message["content"])
    assert event["event"] == "meeting.started"
    assert event["payload"]["object"]["id"] == meeting_id


async def test_websocket_bad_token_closes_with_4001(sandbox: SandboxServer) -> None:
    async with websockets.connect(ws_url(sandbox, "not-a-token")) as ws:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await receive(ws)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001


async def test_new_connection_closes_old_and_missed_events_are_not_replayed(
    sandbox: SandboxServer,
) -> None:
    access = await token(sandbox)
    async with websockets.connect(ws_url(sandbox, access)) as first:
        await first.send(json.dumps({"module": "heartbeat"}))
        await receive(first)
        async with websockets.connect(ws_url(sandbox, access)) as second:
            with pytest.raises(websockets.ConnectionClosed):
                await receive(first)
            await second.send(json.dumps({"module": "heartbeat"}))
            assert (await receive(second))["success"] is True
            await admin(sandbox, "POST", "/ws/drop")
            with pytest.raises(websockets.ConnectionClosed):
                await receive(second)
    # While nobody listens, a meeting starts; a new connection does not get it.
    await schedule(sandbox, access, 1)
    await advance(sandbox, 1)
    async with websockets.connect(ws_url(sandbox, access)) as third:
        await third.send(json.dumps({"module": "heartbeat"}))
        assert await receive(third) == {"module": "heartbeat", "success": True}
        await advance(sandbox, 60)
        ended = json.loads((await receive(third))["content"])
    assert ended["event"] == "meeting.ended"
