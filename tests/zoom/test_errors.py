"""Mapping Zoom's answers to typed errors with plain messages, never leaking a token."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from zoomadmin.core.redaction import register_secret
from zoomadmin.zoom.downloads import DestinationExists, IncompleteDownload, NotARecordingFile
from zoomadmin.zoom.errors import (
    AlreadyExists,
    AuthenticationFailed,
    DailyQuotaExceeded,
    LicenseMovesLimited,
    MissingScope,
    NoPrivilege,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    SeatLimitReached,
    UserPending,
    ValidationFailed,
    ZoomError,
    ZoomUnavailable,
    error_from_response,
    oauth_error,
)

SCOPE_MESSAGE = "Invalid access token, does not contain scopes:[user:read:list_users:admin]."


def _response(status: int, body: dict[str, Any]) -> httpx.Response:
    return httpx.Response(status, json=body)


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (404, {"code": 1001, "message": "User does not exist: abc."}, NotFound),
        (404, {"code": 3001, "message": "Meeting does not exist: 123."}, NotFound),
        (404, {"code": 3301, "message": "There is no recording for this meeting."}, NotFound),
        (409, {"code": 1005, "message": "User already in the account: a@b.org"}, AlreadyExists),
        (400, {"code": 200, "message": "You can add max 5 paid users."}, SeatLimitReached),
        (
            400,
            {
                "code": 200,
                "message": "You have exceeded the limit of license assignments for your account. "
                "Please try again after 40 minutes.",
            },
            LicenseMovesLimited,
        ),
        (400, {"code": 200, "message": "No privilege."}, NoPrivilege),
        (
            400,
            {
                "code": 1000,
                "message": "You can not access settings of users that are still in pending state.",
            },
            UserPending,
        ),
        (
            400,
            {
                "code": 4711,
                "message": "Invalid access token, does not contain scopes:[user:read:admin]",
            },
            MissingScope,
        ),
        (503, {"code": 503, "message": "Service unavailable"}, ZoomUnavailable),
    ],
)
def test_answers_map_to_typed_errors(status: int, body: dict[str, Any], kind: type) -> None:
    error = error_from_response(_response(status, body))
    assert type(error) is kind
    assert error.http_status == status
    assert error.code == body["code"]
    assert error.user_message


def test_already_exists_names_the_email_and_offers_linking() -> None:
    body = {"code": 1005, "message": "User already in the account: teacher+acme-3@school.org"}
    error = error_from_response(_response(409, body))
    assert error.user_message == (
        "teacher+acme-3@school.org is already a user in this Zoom account. You can link it instead."
    )


def test_validation_keeps_field_errors() -> None:
    body = {
        "code": 300,
        "message": "Validation Failed.",
        "errors": [{"field": "user_info.email", "message": "Invalid field."}],
    }
    error = error_from_response(_response(400, body))
    assert isinstance(error, ValidationFailed)
    assert [(e.field, e.message) for e in error.field_errors] == [
        ("user_info.email", "Invalid field.")
    ]
    assert "user_info.email" in error.user_message


def test_missing_scope_names_the_scope() -> None:
    body = {
        "code": 4711,
        "message": SCOPE_MESSAGE,
    }
    error = error_from_response(_response(400, body))
    assert isinstance(error, MissingScope)
    assert error.scope == "user:read:list_users:admin"
    assert "user:read:list_users:admin" in error.user_message


def test_token_endpoint_refusal_is_authentication_failed() -> None:
    body = {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
    error = oauth_error(_response(400, body))
    assert isinstance(error, AuthenticationFailed)
    assert "client secret" in error.user_message


def test_daily_quota_message_names_host_and_reset() -> None:
    resets = datetime(2026, 3, 5, tzinfo=UTC)
    error = DailyQuotaExceeded("host-1", resets)
    assert error.host_id == "host-1"
    assert error.resets_at == resets
    assert "host-1" in error.user_message
    assert "2026-03-05 00:00 UTC" in error.user_message


def test_messages_and_reprs_never_carry_tokens() -> None:
    secret = "eyJzZWNyZXQiOiJ0b3Agc2VjcmV0In0"
    error = ZoomError(f"Failed GET /x?access_token={secret}", zoom_message=f"token={secret}")
    assert secret not in str(error)
    assert secret not in repr(error)
    assert secret not in error.user_message
    assert secret not in error.zoom_message


#: A token as the token endpoint hands it out (registered with the redactor, as auth does).
LEAKY_TOKEN = "eyJhbGciOiJIUzUxMiJ9.leaky-access-token-7f3c"


def _leaky(message: str) -> str:
    """A Zoom message that echoes the token in every shape a careless server might."""
    return f"{message} Bearer {LEAKY_TOKEN} access_token={LEAKY_TOKEN} ({LEAKY_TOKEN})"


def _every_error_type() -> list[ZoomError]:
    register_secret(LEAKY_TOKEN)
    mapped = [
        error_from_response(_response(status, {**body, "message": _leaky(body["message"])}))
        for status, body in [
            (404, {"code": 1001, "message": "User does not exist."}),
            (409, {"code": 1005, "message": "User already in the account: a@b.org"}),
            (
                400,
                {
                    "code": 300,
                    "message": "Invalid field.",
                    "errors": [{"field": "email", "message": _leaky("bad")}],
                },
            ),
            (400, {"code": 200, "message": "You can add max 5 paid users."}),
            (
                400,
                {
                    "code": 200,
                    "message": "You have exceeded the limit of license assignments for your "
                    "account. Please try again after 40 minutes.",
                },
            ),
            (403, {"code": 200, "message": "No privilege."}),
            (400, {"code": 1000, "message": "User still in pending state."}),
            (400, {"code": 4711, "message": "does not contain scopes:[user:read:admin]"}),
            (401, {"code": 124, "message": "Invalid access token."}),
            (503, {"code": 503, "message": "Service unavailable"}),
            (400, {"code": 9999, "message": "Something else."}),
        ]
    ]
    reason = _leaky("Invalid client_id or client_secret")
    leak = _leaky("")
    return [
        *mapped,
        oauth_error(_response(400, {"error": "invalid_client", "reason": reason})),
        RateLimited(http_status=429, code=429, zoom_message=leak, retry_after=1.0),
        DailyQuotaExceeded("host-1", datetime(2026, 3, 5, tzinfo=UTC), zoom_message=leak),
        OutcomeUnknown(zoom_message=leak),
        IncompleteDownload(zoom_message=leak),
        NotARecordingFile(zoom_message=leak),
        DestinationExists(zoom_message=leak),
        ZoomUnavailable(f"Zoom cannot be reached ({leak})."),
    ]


def test_no_error_type_carries_a_token_in_any_text() -> None:
    errors = _every_error_type()
    kinds = {type(e) for e in errors}
    assert kinds == {ZoomError, *ZoomError.__subclasses__()}
    for error in errors:
        texts = [str(error), repr(error), error.user_message, error.zoom_message, *error.args]
        for text in texts:
            assert LEAKY_TOKEN not in str(text), f"{type(error).__name__} leaks the token"
