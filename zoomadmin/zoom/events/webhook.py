"""Webhook receiver: Zoom's signature and timestamp checks, URL validation, dedupe, replays."""

from __future__ import annotations

import hashlib
import heapq
import hmac
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from zoomadmin.zoom.events.model import Event, MalformedEventError, decode_envelope, parse_event

log = logging.getLogger(__name__)

URL_VALIDATION = "endpoint.url_validation"
#: Zoom signs each request with the epoch-second time it was sent; older or newer is refused.
DEFAULT_WINDOW_SECONDS = 300.0
#: Zoom's largest events (recording.completed with many files) are a few tens of KB.
DEFAULT_MAX_BODY = 256 * 1024
#: Zoom retries a delivery for up to 85 minutes; its event is remembered well past that.
DEFAULT_DEDUPE_TTL = 6 * 3600.0
#: At most this many accepted requests (and as many events) are remembered at once (about
#: 200 bytes each); when either memory is full, requests are answered 503 for Zoom to retry.
DEFAULT_MAX_REMEMBERED = 200_000

# Epoch seconds have 10 digits until 2286; anything longer is outside the window anyway.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


@dataclass(frozen=True)
class WebhookResponse:
    """What to answer: HTTP status, a JSON body, and the new event (None if nothing new)."""

    status: int
    json_body: dict[str, Any]
    event: Event | None = field(default=None)
    reason: str = ""


def _digest(text: str) -> bytes:
    """A fixed 16 bytes per remembered key, however long the (unsigned) tracking id is."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _replay_key(headers: Mapping[str, str]) -> bytes:
    # Zoom quirk: two deliveries of one event in the same second carry the same signature; each
    # delivery has its own x-zm-trackingid, so only signature and tracking id together mark a
    # replay. Changing the (unsigned) tracking id gains an attacker nothing: the event dedupe
    # still holds it back.
    return _digest(headers["x-zm-signature"] + "|" + headers.get("x-zm-trackingid", ""))


class _Memory:
    """Keys each remembered until its own expiry time, never more than ``capacity`` at once.

    Nothing is ever forgotten early: when full, the caller refuses instead.
    """

    def __init__(self, capacity: int, clock: Callable[[], float]) -> None:
        self._capacity = capacity
        self._clock = clock
        self._until: dict[bytes, float] = {}
        self._expiries: list[tuple[float, bytes]] = []  # a heap, soonest first

    def __len__(self) -> int:
        self._forget_expired()
        return len(self._until)

    def __contains__(self, key: bytes) -> bool:
        self._forget_expired()
        return key in self._until

    def full(self) -> bool:
        """Whether one more key would pass the capacity."""
        return len(self) >= self._capacity

    def add(self, key: bytes, until: float) -> None:
        """Remember ``key`` until the clock passes ``until`` (room checked by the caller)."""
        self._until[key] = until
        heapq.heappush(self._expiries, (until, key))

    def _forget_expired(self) -> None:
        now = self._clock()
        while self._expiries and self._expiries[0][0] < now:
            until, key = heapq.heappop(self._expiries)
            if self._until.get(key) == until:
                del self._until[key]


def _reject(status: int, reason: str) -> WebhookResponse:
    log.warning("Refused a webhook request: %s", reason)
    return WebhookResponse(status, {"error": reason}, None, reason)


class WebhookReceiver:
    """Checks and reads Zoom webhook requests; ``handle`` is pure apart from two memories.

    A request is refused (4xx, nothing remembered) when it is too big, lacks well-formed
    signature headers (epoch seconds, ``v0=`` and 64 hex digits), is signed outside
    ``window`` seconds of now, carries a wrong ``x-zm-signature`` or is not JSON (or nests
    too deeply to read). A request seen before with the same signature and tracking id is a
    replay: refused (401). The same event again in another delivery (Zoom's duplicate or
    retry) answers 200 but yields no event.

    A request is remembered until its timestamp leaves the window (from then on the
    timestamp alone refuses it), its event for ``dedupe_ttl`` seconds; nothing is forgotten
    early. When ``max_remembered`` requests or events are remembered, a new one is answered
    503 (nothing remembered), and Zoom retries it later.
    """

    def __init__(
        self,
        secret_token: str,
        *,
        clock: Callable[[], float] = time.time,
        window: float = DEFAULT_WINDOW_SECONDS,
        max_body: int = DEFAULT_MAX_BODY,
        dedupe_ttl: float = DEFAULT_DEDUPE_TTL,
        max_remembered: int = DEFAULT_MAX_REMEMBERED,
    ) -> None:
        """Verify with the app's ``secret_token``; ``clock`` gives epoch seconds."""
        if not secret_token:
            raise ValueError("The webhook secret token is empty; copy it from the Zoom app.")
        self._secret = secret_token.encode("utf-8")
        self._clock = clock
        self.window = window
        self.max_body = max_body
        self.dedupe_ttl = dedupe_ttl
        self._requests = _Memory(max_remembered, clock)
        self._events = _Memory(max_remembered, clock)

    def __repr__(self) -> str:
        return f"WebhookReceiver(window={self.window!r}, max_body={self.max_body!r})"

    def _expected(self, timestamp: str, body: bytes) -> str:
        message = b"v0:" + timestamp.encode("ascii") + b":" + body
        return "v0=" + hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def refuse_headers(self, headers: Mapping[str, str]) -> WebhookResponse | None:
        """A 401 for missing or malformed signature headers (before the body is read)."""
        timestamp = headers.get("x-zm-request-timestamp", "")
        signature = headers.get("x-zm-signature", "")
        if not timestamp or not signature:
            return _reject(401, "missing x-zm-request-timestamp or x-zm-signature header")
        if not _TIMESTAMP.fullmatch(timestamp):
            return _reject(401, "x-zm-request-timestamp is not epoch seconds")
        if not _SIGNATURE.fullmatch(signature):
            return _reject(401, "x-zm-signature is not v0= and 64 hex digits")
        return None

    def _check_signature(self, headers: Mapping[str, str], body: bytes) -> str:
        """The reason to refuse a well-formed request (empty when it is Zoom's and fresh)."""
        timestamp = headers["x-zm-request-timestamp"]
        if abs(self._clock() - int(timestamp)) > self.window:
            return "x-zm-request-timestamp is outside the accepted window"
        if not hmac.compare_digest(self._expected(timestamp, body), headers["x-zm-signature"]):
            return "x-zm-signature does not match"
        if _replay_key(headers) in self._requests:
            return "replayed request"
        return ""

    def _read(self, body: bytes) -> tuple[dict[str, Any], Event | None, bytes | None]:
        """The answer's JSON body, the event and its dedupe key (None for URL validation and
        event names zoomadmin ignores)."""
        try:
            envelope = decode_envelope(body)
            if envelope.get("event") == URL_VALIDATION:
                return self._url_validation(envelope), None, None
            event = parse_event(envelope, "webhook")
            return {}, event, None if event is None else _digest(event.dedupe_key)
        except RecursionError:
            raise MalformedEventError("The event is nested too deeply to read.") from None
        except OverflowError:  # JSON allows 1e999, which reads as infinity
            raise MalformedEventError("The event holds a number out of range.") from None

    def _refuse(self, headers: Mapping[str, str], body: bytes) -> WebhookResponse | None:
        """The 413 or 401 for a request that is not Zoom's, fresh and new; None if it is."""
        if len(body) > self.max_body:
            return _reject(413, "request body too large")
        refused = self.refuse_headers(headers)
        if refused is not None:
            return refused
        reason = self._check_signature(headers, body)
        return _reject(401, reason) if reason else None

    def handle(self, headers: Mapping[str, str], body: bytes) -> WebhookResponse:
        """Answer one request; ``headers`` with lower-case names, ``body`` the raw bytes."""
        refused = self._refuse(headers, body)
        if refused is not None:
            return refused
        try:
            answer, event, event_key = self._read(body)
        except MalformedEventError as exc:
            return _reject(400, str(exc))
        new_event = event_key is not None and event_key not in self._events
        if self._requests.full() or (new_event and self._events.full()):
            return _reject(503, "too many recent deliveries to remember; retry later")
        # Only a request that passed every check is remembered, until its timestamp is stale.
        until = int(headers["x-zm-request-timestamp"]) + self.window
        self._requests.add(_replay_key(headers), until)
        if event is None or event_key is None:
            return WebhookResponse(200, answer)
        if not new_event:
            log.info("Ignored a duplicate %s webhook", event.kind)
            return WebhookResponse(200, {}, None, "duplicate event")
        self._events.add(event_key, self._clock() + self.dedupe_ttl)
        return WebhookResponse(200, {}, event)

    def _url_validation(self, envelope: Mapping[str, Any]) -> dict[str, Any]:
        payload = envelope.get("payload")
        plain = payload.get("plainToken") if isinstance(payload, dict) else None
        if not isinstance(plain, str) or not plain:
            raise MalformedEventError("endpoint.url_validation has no plainToken.")
        digest = hmac.new(self._secret, plain.encode("utf-8"), hashlib.sha256).hexdigest()
        return {"plainToken": plain, "encryptedToken": digest}
