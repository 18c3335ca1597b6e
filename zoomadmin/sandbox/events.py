"""Zoom-style events: signed webhooks with Zoom's retry schedule, and the WebSocket stream."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from starlette.websockets import WebSocket

from zoomadmin.sandbox.clock import SandboxClock
from zoomadmin.sandbox.event_stream import EventStream
from zoomadmin.sandbox.state import SandboxState, WebhookSubscription, random_id

#: Zoom waits 3 s for an answer, then retries 5, 20 and 60 minutes later, then drops the event.
DELIVERY_TIMEOUT_SECONDS = 3.0
RETRY_DELAYS = (timedelta(minutes=5), timedelta(minutes=20), timedelta(minutes=60))
#: Longest real pause of the delivery worker between checks for due retries.
_POLL_SECONDS = 0.25
URL_VALIDATION = "endpoint.url_validation"
_HEADERS = {
    "content-type": "application/json; charset=utf-8",
    "user-agent": "Zoom Marketplace/1.0a",
}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Zoom's ``x-zm-signature``: ``v0=`` + hex HMAC-SHA256(secret, ``v0:{ts}:{body}``)."""
    message = b"v0:" + timestamp.encode("ascii") + b":" + body
    return "v0=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def url_validation_response(secret: str, plain_token: str) -> dict[str, str]:
    """The answer Zoom expects to ``endpoint.url_validation``."""
    digest = hmac.new(secret.encode("utf-8"), plain_token.encode("utf-8"), hashlib.sha256)
    return {"plainToken": plain_token, "encryptedToken": digest.hexdigest()}


def encode(envelope: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON, as Zoom sends it (receivers that re-serialise still verify)."""
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _epoch_ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


@dataclass(slots=True)
class Delivery:
    """One event on its way to one webhook subscription, with every attempt made."""

    id: str
    subscription_id: str
    event: str
    body: bytes
    due_at: datetime
    tracking_id: str
    status: str = "pending"  # pending | sent | failed | lost | unvalidated
    attempts: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self, url: str) -> dict[str, Any]:
        """The delivery log entry the admin API shows."""
        return {
            "id": self.id,
            "subscription_id": self.subscription_id,
            "url": url,
            "event": self.event,
            "status": self.status,
            "tracking_id": self.tracking_id,
            "next_attempt_at": self.due_at.isoformat() if self.status == "pending" else None,
            "attempts": list(self.attempts),
            "body": self.body.decode("utf-8"),
        }


@dataclass(slots=True)
class _Validation:
    passed: bool | None = None  # None while the validation request is pending
    error: str = ""


class _LazyClient:
    """The delivery worker's HTTP client, made when its first request goes out: a sandbox
    nobody subscribed to by webhook (the desktop's) never builds one, nor its TLS set-up."""

    def __init__(self) -> None:
        self._client: httpx.AsyncClient | None = None

    def get(self) -> httpx.AsyncClient:
        if self._client is None:
            timeout = httpx.Timeout(DELIVERY_TIMEOUT_SECONDS)
            self._client = httpx.AsyncClient(timeout=timeout, trust_env=False)
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()


class EventBus:
    """Publishes events to webhook subscriptions and the WebSocket stream (thread-safe)."""

    def __init__(self, state: SandboxState, clock: SandboxClock, rng: random.Random) -> None:
        """Deliver ``state``'s events on ``clock``'s time; ``rng`` draws ids and faults."""
        self.state = state
        self.clock = clock
        self.stream = EventStream(state, clock)
        self._rng = rng
        self._fault_rng = random.Random(rng.random())
        self._lost = 0.0
        self._duplicated = 0.0
        self._lock = threading.Lock()
        self._queue: list[Delivery] = []
        self._log: list[Delivery] = []
        self._validations: dict[str, _Validation] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        clock.add_listener(self._poke)

    # -- configuration ----------------------------------------------------------------------

    def set_faults(self, lost: float, duplicated: float, rng: random.Random) -> None:
        """Lose or duplicate that share of webhook deliveries, drawing from ``rng``."""
        with self._lock:
            self._lost, self._duplicated, self._fault_rng = lost, duplicated, rng

    def add_subscription(self, url: str, secret: str | None, events: list[str] | None) -> str:
        """Subscribe ``url``; it is validated (endpoint.url_validation) before any event."""
        with self._lock:
            sub_id = random_id(self._rng)
        sub = WebhookSubscription(id=sub_id, url=url, secret=secret, events=events)
        with self.state.lock:
            self.state.webhook_subscriptions[sub_id] = sub
        self._ensure_validation(sub)
        self._poke()
        return sub_id

    def remove_subscription(self, sub_id: str) -> None:
        """Unsubscribe; its pending deliveries are dropped."""
        with self.state.lock:
            self.state.webhook_subscriptions.pop(sub_id, None)
        with self._lock:
            self._queue = [d for d in self._queue if d.subscription_id != sub_id]
            self._validations.pop(sub_id, None)

    def list_subscriptions(self) -> list[dict[str, Any]]:
        """Subscriptions with their validation outcome (``validated`` None while pending)."""
        with self.state.lock:
            subs = list(self.state.webhook_subscriptions.values())
        with self._lock:
            checks = dict(self._validations)
        result = []
        for sub in subs:
            check = checks.get(sub.id, _Validation())
            result.append(
                {
                    "id": sub.id,
                    "url": sub.url,
                    "events": sub.events,
                    "transport": "webhook" if sub.url else "websocket",
                    "validated": check.passed if sub.url else True,
                    "validation_error": check.error,
                }
            )
        return result

    def deliveries(self) -> list[dict[str, Any]]:
        """The webhook delivery log, oldest first."""
        with self.state.lock:
            urls = {s.id: s.url for s in self.state.webhook_subscriptions.values()}
        with self._lock:
            return [d.as_dict(urls.get(d.subscription_id, "")) for d in self._log]

    # -- publishing -------------------------------------------------------------------------

    def publish(
        self,
        event: str,
        obj: dict[str, Any],
        *,
        extra_payload: dict[str, Any] | None = None,
        top_level: dict[str, Any] | None = None,
    ) -> None:
        """Queue ``event`` for every matching subscription; never blocks on the network."""
        now = self.clock.now()
        payload: dict[str, Any] = {"account_id": self.state.account.account_id, "object": obj}
        payload.update(extra_payload or {})
        envelope: dict[str, Any] = {"event": event, "event_ts": _epoch_ms(now), "payload": payload}
        envelope.update(top_level or {})
        body = encode(envelope)
        with self.state.lock:
            subs = list(self.state.webhook_subscriptions.values())
        stream_id = self.state.account.subscription_id
        if not any(s.id == stream_id for s in subs):
            subs.append(WebhookSubscription(id=stream_id, url="", secret=None))
        for sub in subs:
            if sub.events is not None and event not in sub.events:
                continue
            if sub.url:
                self._enqueue(sub, event, body, now)
            else:
                # Zoom quirk: events that happen while the stream is closed are not replayed.
                self.stream.send(sub.id, body.decode("utf-8"))
        self._poke()

    def _enqueue(self, sub: WebhookSubscription, event: str, body: bytes, now: datetime) -> None:
        self._ensure_validation(sub)
        with self._lock:
            lost = self._fault_rng.random() < self._lost
            copies = 2 if self._fault_rng.random() < self._duplicated else 1
            for _ in range(copies):
                delivery = Delivery(
                    id=random_id(self._rng, 16),
                    subscription_id=sub.id,
                    event=event,
                    body=body,
                    due_at=now,
                    tracking_id=random_id(self._rng, 22),
                )
                self._log.append(delivery)
                if lost:
                    delivery.status = "lost"  # Zoom never sent it: no attempt, no retry
                else:
                    self._queue.append(delivery)

    def _ensure_validation(self, sub: WebhookSubscription) -> None:
        with self._lock:
            if sub.id not in self._validations:
                self._validations[sub.id] = _Validation()

    def _poke(self) -> None:
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            try:
                loop.call_soon_threadsafe(wake.set)
            except RuntimeError:  # the server loop has closed
                self._loop = None

    # -- WebSocket --------------------------------------------------------------------------

    async def websocket_endpoint(self, websocket: WebSocket) -> None:
        """Starlette endpoint for ``/ws?subscriptionId=&access_token=``."""
        await self.stream.endpoint(websocket)

    def drop_websockets(self) -> None:
        """Close every open stream connection."""
        self.stream.drop_all()

    # -- delivery worker --------------------------------------------------------------------

    async def run(self) -> None:
        """Deliver due webhooks until cancelled (runs on the server's loop)."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        client = _LazyClient()
        try:
            while True:
                self._wake.clear()
                await self._validate_pending(client)
                if await self._deliver_due(client):
                    continue  # retries may have become due already (after a clock jump)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=_POLL_SECONDS)
        finally:
            await client.aclose()

    async def _validate_pending(self, client: _LazyClient) -> None:
        with self.state.lock:
            subs = {s.id: s for s in self.state.webhook_subscriptions.values() if s.url}
        with self._lock:
            for sub_id in subs:
                self._validations.setdefault(sub_id, _Validation())
            pending = [i for i, v in self._validations.items() if v.passed is None and i in subs]
        for sub_id in pending:
            outcome = await self._validate(client.get(), subs[sub_id])
            with self._lock:
                self._validations[sub_id] = outcome

    def _secret(self, sub: WebhookSubscription) -> str:
        return sub.secret or self.state.account.webhook_secret

    def _headers(self, secret: str, body: bytes, tracking_id: str) -> dict[str, str]:
        # The header timestamp is transport time (receivers compare it with their own clock to
        # refuse replays); event_ts inside the body is sandbox time.
        timestamp = str(int(time.time()))
        return {
            **_HEADERS,
            "x-zm-request-timestamp": timestamp,
            "x-zm-signature": sign(secret, timestamp, body),
            "x-zm-trackingid": tracking_id,
        }

    async def _validate(self, client: httpx.AsyncClient, sub: WebhookSubscription) -> _Validation:
        secret = self._secret(sub)
        with self._lock:
            plain = random_id(self._rng, 22)
            tracking = random_id(self._rng, 22)
        body = encode(
            {
                "event": URL_VALIDATION,
                "event_ts": _epoch_ms(self.clock.now()),
                "payload": {"plainToken": plain},
            }
        )
        try:
            response = await client.post(
                sub.url, content=body, headers=self._headers(secret, body, tracking)
            )
            answer = response.json() if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError) as exc:
            return _Validation(False, f"URL validation request failed: {exc!r}")
        if answer != url_validation_response(secret, plain):
            return _Validation(
                False,
                f"URL validation failed: HTTP {response.status_code}, expected plainToken and "
                "encryptedToken = hex HMAC-SHA256(secret token, plainToken)",
            )
        return _Validation(True)

    def _take_due(self) -> list[Delivery]:
        now = self.clock.now()
        with self._lock:
            checks = self._validations
            due = []
            for delivery in self._queue:
                passed = checks.get(delivery.subscription_id, _Validation()).passed
                if delivery.due_at <= now and passed is not None:
                    due.append(delivery)
            for delivery in due:
                self._queue.remove(delivery)
        return due

    async def _deliver_due(self, client: _LazyClient) -> bool:
        due = self._take_due()
        if not due:
            return False
        by_sub: dict[str, list[Delivery]] = {}
        for delivery in sorted(due, key=lambda d: d.due_at):
            by_sub.setdefault(delivery.subscription_id, []).append(delivery)
        http = client.get()
        await asyncio.gather(*(self._deliver_all(http, items) for items in by_sub.values()))
        return True

    async def _deliver_all(self, client: httpx.AsyncClient, items: list[Delivery]) -> None:
        """One subscription's due deliveries, in order (Zoom does not promise order; we try)."""
        for delivery in items:
            await self._attempt(client, delivery)

    async def _attempt(self, client: httpx.AsyncClient, delivery: Delivery) -> None:
        with self.state.lock:
            sub = self.state.webhook_subscriptions.get(delivery.subscription_id)
        with self._lock:
            passed = self._validations.get(delivery.subscription_id, _Validation()).passed
        if sub is None or not passed:
            delivery.status = "unvalidated"  # Zoom sends nothing to an endpoint that failed
            return
        record: dict[str, Any] = {
            "at": self.clock.now().isoformat(),
            "status_code": None,
            "error": "",
        }
        headers = self._headers(self._secret(sub), delivery.body, delivery.tracking_id)
        try:
            response = await client.post(sub.url, content=delivery.body, headers=headers)
            record["status_code"] = response.status_code
        except httpx.HTTPError as exc:
            record["error"] = f"{type(exc).__name__}: {exc}"
        ok = record["status_code"] is not None and 200 <= record["status_code"] < 300
        with self._lock:
            delivery.attempts.append(record)
            retry = len(delivery.attempts) - 1
            if ok:
                delivery.status = "sent"
            elif retry < len(RETRY_DELAYS):
                # Each retry is due a fixed time after the previous one was due, so a big clock
                # jump replays the whole schedule in order.
                delivery.due_at += RETRY_DELAYS[retry]
                self._queue.append(delivery)
            else:
                delivery.status = "failed"
