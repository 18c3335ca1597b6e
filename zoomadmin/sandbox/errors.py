"""Zoom-shaped error answers: ``{code, message}`` bodies (plus ``errors[]`` for validation)."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send


class ZoomError(Exception):
    """An error the sandbox answers exactly as Zoom would: HTTP status, Zoom code and message."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Build the error; ``errors`` lists field problems for code 300 validation answers."""
        super().__init__(f"{status}/{code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The JSON body Zoom sends."""
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors is not None:
            out["errors"] = self.errors
        return out

    def response(self) -> Response:
        """The HTTP answer."""
        return json_response(self.body(), self.status, headers=self.headers)

    async def asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send the answer straight over ASGI (used outside the router)."""
        await self.response()(scope, receive, send)


def json_response(
    body: Any, status: int = 200, *, headers: dict[str, str] | None = None
) -> Response:
    """A compact JSON answer with Zoom's content type."""
    data = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return Response(data, status, headers=headers, media_type="application/json;charset=UTF-8")


def no_content() -> Response:
    """204 No Content."""
    return Response(status_code=204)


# Zoom's answers, worded as FACTS records them.


def invalid_token() -> ZoomError:
    """401/124 for a missing or unknown token."""
    return ZoomError(401, 124, "Invalid access token.")


def expired_token() -> ZoomError:
    """401/124 for an expired token."""
    return ZoomError(401, 124, "Access token is expired.")


def token_in_query() -> ZoomError:
    """401/124 for a token passed in the query string (refused since Feb 2023)."""
    return ZoomError(
        401,
        124,
        "Invalid access token, this access token is not supported as query parameter string.",
    )


def missing_scope(scope: str) -> ZoomError:
    """400/4711 when the token lacks the endpoint's scope."""
    return ZoomError(400, 4711, f"Invalid access token, does not contain scopes:[{scope}].")


def user_not_found(user_id: str) -> ZoomError:
    """404/1001."""
    return ZoomError(404, 1001, f"User does not exist: {user_id}.")


def meeting_not_found(meeting_id: str | int) -> ZoomError:
    """404/3001."""
    return ZoomError(404, 3001, f"Meeting does not exist: {meeting_id}.")


def no_recording() -> ZoomError:
    """404/3301."""
    return ZoomError(404, 3301, "There is no recording for this meeting.")


def validation(field: str, message: str = "Invalid field.") -> ZoomError:
    """400/300 "Validation Failed." naming the offending field."""
    return ZoomError(400, 300, "Validation Failed.", errors=[{"field": field, "message": message}])


def invalid_parameter(message: str) -> ZoomError:
    """400/300 with a plain message (e.g. a bad query parameter)."""
    return ZoomError(400, 300, message)


def no_privilege() -> ZoomError:
    """400/200 "No privilege."."""
    return ZoomError(400, 200, "No privilege.")


def bad_json() -> ZoomError:
    """400/300 for a body that is not a JSON object."""
    return ZoomError(400, 300, "Request Body should be a valid JSON object.")


def internal_error() -> ZoomError:
    """500 with Zoom's body, for a failure inside the sandbox itself (it is logged too)."""
    return ZoomError(500, 500, "Internal server error. Please try again later.")
