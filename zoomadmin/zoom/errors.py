"""Typed Zoom errors with a plain message for the UI, and the mapping from a response to one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

import httpx

from zoomadmin.core.errors import EnvironmentFault
from zoomadmin.core.redaction import redact
from zoomadmin.zoom.wire import json_object

_MISSING_SCOPE = re.compile(r"scopes?\s*:?\s*\[([^\]]*)\]", re.IGNORECASE)
_SECRETISH = re.compile(r"(access_token|token|secret|password)=([^&\s]+)", re.IGNORECASE)


def scrub(text: str) -> str:
    """Text bound for a message or log without a token or secret: every secret and token
    the app holds (registered as they appear), bearer values, and anything like ``token=``.
    """
    return _SECRETISH.sub(r"\1=***", redact(text))


class ZoomError(EnvironmentFault):
    """Zoom (or the way to it) refused or failed a request.

    ``user_message`` is in plain words for the person at the screen; ``str()`` adds the
    Zoom code for support. Neither ever holds a token, secret or URL query.
    """

    default_message = "Zoom refused the request."

    def __init__(
        self,
        user_message: str | None = None,
        *,
        code: int | None = None,
        http_status: int | None = None,
        zoom_message: str = "",
    ) -> None:
        self.code = code
        self.http_status = http_status
        self.zoom_message = scrub(zoom_message)
        super().__init__(scrub(user_message or self.default_message))
        self.args = (self._describe(),)

    def _describe(self) -> str:
        parts = [self.user_message]
        if self.code is not None or self.http_status is not None:
            parts.append(f"(Zoom code {self.code}, HTTP {self.http_status})")
        return " ".join(parts)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, http_status={self.http_status!r})"


class NotFound(ZoomError):
    """The user, meeting or recording does not exist (1001, 3001, 3301)."""

    default_message = "Zoom has no such item; it may have been deleted."


class AlreadyExists(ZoomError):
    """The item already exists, e.g. a user with that email (1005)."""

    default_message = "This already exists in the Zoom account."


@dataclass(frozen=True)
class FieldError:
    """One field Zoom rejected (from the ``errors`` list of a code 300 answer)."""

    field: str
    message: str


class ValidationFailed(ZoomError):
    """Zoom rejected some fields (code 300)."""

    default_message = "Zoom rejected some of the values."

    def __init__(self, user_message: str | None = None, **kwargs: Any) -> None:
        field_errors: list[FieldError] = kwargs.pop("field_errors", [])
        self.field_errors = field_errors
        if user_message is None and field_errors:
            listed = "; ".join(f"{e.field}: {e.message}" for e in field_errors)
            user_message = f"Zoom rejected some of the values ({listed})."
        super().__init__(user_message, **kwargs)


class SeatLimitReached(ZoomError):
    """No paid seat is free ("You can add max N paid users")."""

    default_message = (
        "All paid (Licensed) seats of the Zoom account are in use. "
        "Free a seat or buy more, then try again."
    )


class LicenseMovesLimited(ZoomError):
    """Zoom refuses more license assignments for a while ("You have exceeded the limit of
    license assignments for your account. Please try again after N minutes"); Zoom
    publishes neither the numbers nor a code. ``retry_after`` is Zoom's wait, in seconds."""

    def __init__(self, user_message: str | None = None, **kwargs: Any) -> None:
        self.retry_after: float = kwargs.pop("retry_after", LICENSE_COOLDOWN_SECONDS)
        minutes = max(1, round(self.retry_after / 60))
        super().__init__(
            user_message
            or "Zoom limits how often the account may move licenses and asks to wait "
            f"about {minutes} minutes. Seats stay where they are until then.",
            **kwargs,
        )


class NoPrivilege(ZoomError):
    """The account or app may not do this (code 200, HTTP 403)."""

    default_message = "The Zoom account or app is not allowed to do this."


class MissingScope(ZoomError):
    """The app's token lacks a scope the call needs (4711 or caught before sending)."""

    def __init__(self, scope: str, **kwargs: Any) -> None:
        self.scope = scope
        super().__init__(
            f"The Zoom app lacks the permission (scope) '{scope}'. Add it to the "
            "Server-to-Server OAuth app in the Zoom Marketplace, then try again.",
            **kwargs,
        )


class RateLimited(ZoomError):
    """Zoom's per-second limit was hit and retries ran out."""

    retryable: ClassVar[bool] = True

    default_message = "Zoom is receiving too many requests right now. Try again in a moment."

    def __init__(self, user_message: str | None = None, **kwargs: Any) -> None:
        self.retry_after: float | None = kwargs.pop("retry_after", None)
        super().__init__(user_message, **kwargs)


class DailyQuotaExceeded(ZoomError):
    """A daily limit is spent: for one host's meeting writes, or the account's category."""

    def __init__(self, host_id: str | None, resets_at: datetime, **kwargs: Any) -> None:
        self.host_id = host_id
        self.resets_at = resets_at
        when = resets_at.strftime("%Y-%m-%d %H:%M UTC")
        who = f"host {host_id}" if host_id else "the Zoom account"
        super().__init__(
            f"Zoom's daily limit for {who} is used up. It resets at {when}; "
            "the remaining work waits until then.",
            **kwargs,
        )


class ZoomUnavailable(ZoomError):
    """Zoom could not be reached or answered with a server error (5xx, network)."""

    retryable: ClassVar[bool] = True

    default_message = "Zoom cannot be reached right now. Check the connection and try again."


class OutcomeUnknown(ZoomError):
    """A create was sent but its answer never arrived: it may or may not exist now."""

    default_message = (
        "The connection broke before Zoom answered, so it is not known whether the item "
        "was created. It will be checked before trying again."
    )


class AuthenticationFailed(ZoomError):
    """The account id, client id or client secret was refused by Zoom's token endpoint."""

    default_message = (
        "Zoom refused the account id, client id or client secret. Check them in the "
        "Server-to-Server OAuth app in the Zoom Marketplace."
    )


class UserPending(ZoomError):
    """The user has not accepted the invitation yet (1000 on settings)."""

    default_message = (
        "This user has not yet accepted the Zoom invitation, so its settings cannot be read "
        "or changed. Ask them to accept it, or resend the invitation."
    )


_NOT_FOUND_CODES = {1001, 3001, 3301, 1010, 1120}
_SEAT_PHRASES = ("paid users", "paid user", "free users")
_LICENSE_LIMIT = re.compile(r"limit of license assignments", re.IGNORECASE)
_WAIT_MINUTES = re.compile(r"after\s+(\d+)\s+minute", re.IGNORECASE)
LICENSE_COOLDOWN_SECONDS = 15 * 60.0
"""The wait after Zoom's license-assignment refusal when its message names none."""


def _field_errors(body: dict[str, Any]) -> list[FieldError]:
    raw = body.get("errors") or []
    return [
        FieldError(str(e.get("field", "")), str(e.get("message", "")))
        for e in raw
        if isinstance(e, dict)
    ]


def missing_scope_in(message: str) -> str:
    """The scope named in Zoom's 4711 message ("does not contain scopes:[x]")."""
    found = _MISSING_SCOPE.search(message)
    if not found:
        return "unknown"
    return found.group(1).strip() or "unknown"


def error_from_response(response: httpx.Response) -> ZoomError:
    """The typed error for a non-success Zoom answer (429 is handled by the transport)."""
    body = json_object(response)
    code = body.get("code")
    code = code if isinstance(code, int) else None
    message = str(body.get("message", ""))
    status = response.status_code
    kwargs: dict[str, Any] = {"code": code, "http_status": status, "zoom_message": message}
    return _classify(status, code, message, body, kwargs)


def _classify(
    status: int, code: int | None, message: str, body: dict[str, Any], kwargs: dict[str, Any]
) -> ZoomError:
    lowered = message.lower()
    error: ZoomError
    if code in (4711, 4700) or "does not contain scope" in lowered:
        error = MissingScope(missing_scope_in(message), **kwargs)
    elif status == 404 or code in _NOT_FOUND_CODES:
        error = NotFound(_not_found_message(code), **kwargs)
    elif status == 409 or code in (1005, 1009):
        error = AlreadyExists(_exists_message(message), **kwargs)
    elif code == 300:
        error = ValidationFailed(field_errors=_field_errors(body), **kwargs)
    elif code == 1000 and "pending" in lowered:
        error = UserPending(**kwargs)
    elif any(phrase in lowered for phrase in _SEAT_PHRASES):
        error = SeatLimitReached(**kwargs)
    elif _LICENSE_LIMIT.search(message):
        wait = _WAIT_MINUTES.search(message)
        retry = int(wait.group(1)) * 60.0 if wait else LICENSE_COOLDOWN_SECONDS
        error = LicenseMovesLimited(retry_after=retry, **kwargs)
    elif status == 403 or code == 200:
        error = NoPrivilege(_privilege_message(message), **kwargs)
    elif status >= 500:
        error = ZoomUnavailable(server_error_message(status), **kwargs)
    elif status == 401 or code == 124:
        error = AuthenticationFailed(**kwargs)
    else:
        error = ZoomError(f"Zoom refused the request: {message}" if message else None, **kwargs)
    return error


def server_error_message(status: int) -> str:
    """Zoom answered, with a server error: its side, not the network's."""
    return (
        f"Zoom is having trouble on its side (it answered with a server error, HTTP {status}). "
        "Nothing was lost; try again in a few minutes."
    )


def _not_found_message(code: int | None) -> str:
    if code in (1001, 1010):
        return "This user is not in the Zoom account (it may have been removed)."
    if code == 3001:
        return "This meeting does not exist in Zoom any more (it may have been deleted)."
    if code == 3301:
        return "Zoom has no recording for this meeting."
    return NotFound.default_message


def _exists_message(message: str) -> str:
    email = re.search(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+", message)
    if email:
        return f"{email.group(0)} is already a user in this Zoom account. You can link it instead."
    return AlreadyExists.default_message


def _privilege_message(message: str) -> str:
    if message:
        return f"The Zoom account or app is not allowed to do this (Zoom says: {message})"
    return NoPrivilege.default_message


def oauth_error(response: httpx.Response) -> ZoomError:
    """The typed error for a refused token request (HTTP 400 with an OAuth body)."""
    body = json_object(response)
    error = str(body.get("error", ""))
    reason = str(body.get("reason", ""))
    kwargs: dict[str, Any] = {"http_status": response.status_code, "zoom_message": reason}
    if response.status_code >= 500:
        return ZoomUnavailable(**kwargs)
    if error in ("invalid_client", "invalid_grant") or response.status_code in (400, 401):
        return AuthenticationFailed(**kwargs)
    return ZoomError(f"Zoom refused the sign-in: {reason or error}", **kwargs)
