"""Webhook receiver: Zoom's signature and timestamp checks, URL validation, dedupe, replays."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from zoomadmin.zoom.events.cache import ExpiringSet
from zoomadmin.zoom.events.model import Event, MalformedEventError, decode_envelope, parse_event

log = logging.getLogger(__name__)

URL_VALIDATION = "endpoint.url_validation"
#: Zoom signs each request with the epoch-second time it was sent; older or newer is refused.
DEFAULT_WINDOW_SECONDS = 300.0
#: Zoom's largest events (recording.completed with many files) are a few tens of KB.
DEFAULT_MAX_BODY = 256 * 1024


@dataclass(frozen=True)
class WebhookResponse:
    """What to answer: HTTP status, a JSON body, and the new event (None if nothing new)."""

    status: int
    json_body: dict[str, Any]
    event: Event | None = field(default=None)
    reason: str = ""


def _replay_key(headers: Mapping[str, str]) -> str:
    # Zoom quirk: two deliveries of one event in the same second carry the same signature; each
    # delivery has its own x-zm-trackingid, so only signature and tracking id together mark a
    # replay. Changing the (unsigned) tracking id gains an attacker nothing: the event dedupe
    # still holds it back.
    return headers["x-zm-signature"] + "|" + headers.get("x-zm-trackingid", "")


def _reject(status: int, reason: str) -> WebhookResponse:
    log.warning("Refused a webhook request: %s", reason)
    return WebhookResponse(status, {"error": reason}, None, reason)


class WebhookReceiver:
    """Checks and reads Zoom webhook requests; ``handle`` is pure apart from two caches.

    A request is refused (4xx, nothing remembered) when it is too big, lacks the signature
    headers, is signed outside ``window`` seconds of now, carries a wrong ``x-zm-signature``
    or is not JSON. A request seen before with the same signature and tracking id is a replay:
    refused (401). The same event again in another delivery (Zoom's duplicate or retry)
    answers 200 but yields no event.
    """

    def __init__(
        self,
        secret_token: str,
        *,
        clock: Callable[[], float] = time.time,
        window: float = DEFAULT_WINDOW_SECONDS,
        max_body: int = DEFAULT_MAX_BODY,
        dedupe_ttl: float = 6 * 3600.0,
    ) -> None:
        """Verify with the app's ``secret_token``; ``clock`` gives epoch seconds."""
        if not secret_token:
            raise ValueError("The webhook secret token is empty; copy it from the Zoom app.")
        self._secret = secret_token.encode("utf-8")
        self._clock = clock
        self.window = window
        self.max_body = max_body
        # A replayed request is only accepted-looking inside the window, so remember 2 windows.
        self._signatures = ExpiringSet(2 * window, clock=clock)
        # Zoom retries up to 85 minutes after the first try; remember events well past that.
        self._events = ExpiringSet(dedupe_ttl, clock=clock)

    def __repr__(self) -> str:
        return f"WebhookReceiver(window={self.window!r}, max_body={self.max_body!r})"

    def _expected(self, timestamp: str, body: bytes) -> str:
        message = b"v0:" + timestamp.encode("ascii") + b":" + body
        return "v0=" + hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def _check_signature(self, headers: Mapping[str, str], body: bytes) -> str:
        """The reason to refuse (empty when the request is Zoom's and fresh)."""
        timestamp = headers.get("x-zm-request-timestamp", "")
        signature = headers.get("x-zm-signature", "")
        if not timestamp or not signature:
            return "missing x-zm-request-timestamp or x-zm-signature header"
        if not timestamp.isascii() or not timestamp.isdigit():
            return "x-zm-request-timestamp is not epoch seconds"
        if abs(self._clock() - int(timestamp)) > self.window:
            return "x-zm-request-timestamp is outside the accepted window"
        if not hmac.compare_digest(self._expected(timestamp, body), signature):
            return "x-zm-signature does not match"
        if _replay_key(headers) in self._signatures:
            return "replayed request"
        return ""

    def handle(self, headers: Mapping[str, str], body: bytes) -> WebhookResponse:
        """Answer one request; ``headers`` with lower-case names, ``body`` the raw bytes."""
        if len(body) > self.max_body:
            return _reject(413, "request body too large")
        reason = self._check_signature(headers, body)
        if reason:
            return _reject(401, reason)
        try:
            envelope = decode_envelope(body)
            if envelope.get("event") == URL_VALIDATION:
                answer = self._url_validation(envelope)
                event = None
            else:
                answer, event = {}, parse_event(envelope, "webhook")
        except MalformedEventError as exc:
            return _reject(400, str(exc))
        # Only a request that passed every check is remembered.
        self._signatures.add(_replay_key(headers))
        if event is None:
            return WebhookResponse(200, answer)
        if not self._events.add(event.dedupe_key):
            log.info("Ignored a duplicate %s webhook", event.kind)
            return WebhookResponse(200, {}, None, "duplicate event")
        return WebhookResponse(200, {}, event)

    def _url_validation(self, envelope: Mapping[str, Any]) -> dict[str, Any]:
        payload = envelope.get("payload")
        plain = payload.get("plainToken") if isinstance(payload, dict) else None
        if not isinstance(plain, str) or not plain:
            raise MalformedEventError("endpoint.url_validation has no plainToken.")
        digest = hmac.new(self._secret, plain.encode("utf-8"), hashlib.sha256).hexdigest()
        return {"plainToken": plain, "encryptedToken": digest}
