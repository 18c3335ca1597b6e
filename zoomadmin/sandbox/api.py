"""The ``/v2`` endpoint wrapper: token and scope checks, rate limits, body parsing, Zoom errors."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from zoomadmin.sandbox import errors
from zoomadmin.sandbox.errors import ZoomError
from zoomadmin.sandbox.ratelimit import per_second_error
from zoomadmin.sandbox.state import Token

if TYPE_CHECKING:
    from zoomadmin.sandbox.world import Sandbox

_log = logging.getLogger(__name__)
_BODY_METHODS = frozenset({"POST", "PATCH", "PUT"})
#: Zoom's request bodies nest a few levels deep; anything deeper is refused before handling.
MAX_BODY_DEPTH = 32
#: Scope key telling an endpoint to answer with an injected per-second 429.
BURST_KEY = "sandbox.burst429"


@dataclass(slots=True)
class ApiRequest:
    """What a handler sees: the sandbox, path parameters, query, parsed JSON body."""

    sandbox: Sandbox
    request: Request
    params: Mapping[str, str]
    query: QueryParams
    body: dict[str, Any]
    category: str
    headers: dict[str, str] = field(default_factory=dict)

    def now(self) -> datetime:
        """The sandbox clock's now."""
        return self.sandbox.clock.now()

    def take_host_quota(self, host_id: str) -> None:
        """Count a meeting create/update against ``host_id``'s daily limit (429 when spent)."""
        self.sandbox.limiter.take_host(host_id, self.category)


Handler = Callable[[ApiRequest], Response]


@dataclass(frozen=True, slots=True)
class ApiRoute:
    """One ``/v2`` endpoint: path (Starlette syntax), method, handler, rate category, scopes.

    ``scopes`` are alternatives (any one grants access); the last is named in 4711 answers.
    """

    path: str
    method: str
    handler: Handler
    category: str
    scopes: tuple[str, ...]


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if any."""
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def check_token(
    sandbox: Sandbox, value: str | None, *, kinds: tuple[str, ...] = ("access",)
) -> Token:
    """The live token named ``value`` or Zoom's 401/124 answer."""
    if value is None:
        raise errors.invalid_token()
    token = sandbox.state.tokens.get(value)
    if token is None or token.kind not in kinds:
        raise errors.invalid_token()
    if token.expires_at <= sandbox.clock.now():
        raise errors.expired_token()
    return token


def authenticate(sandbox: Sandbox, request: Request, scopes: tuple[str, ...]) -> Token:
    """Check the Bearer token (never from the query string) and the endpoint's scopes."""
    value = bearer_token(request)
    if value is None and "access_token" in request.query_params:
        raise errors.token_in_query()
    token = check_token(sandbox, value)
    if scopes and token.scopes.isdisjoint(scopes):
        raise errors.missing_scope(scopes[-1])
    return token


def _no_constant(name: str) -> Any:
    """``parse_constant`` hook: JSON has no ``NaN``/``Infinity`` (Python's parser takes them)."""
    raise ValueError(f"{name} is not a JSON number")


def _depth(value: Any, limit: int) -> int:
    """How deeply ``value`` nests lists and objects (counting stops past ``limit``)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if not isinstance(node, dict | list) or level > limit + 1:
            continue
        deepest = max(deepest, level)
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, level + 1) for child in children)
    return deepest


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """A request body as a JSON object ({} when empty): finite numbers, nesting bounded.

    400/300 (Zoom's "Request Body should be a valid JSON object.") for anything else,
    including ``NaN``/``Infinity`` and bodies nested deeper than :data:`MAX_BODY_DEPTH`.
    """
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise errors.bad_json() from exc
    if not isinstance(data, dict) or _depth(data, MAX_BODY_DEPTH) > MAX_BODY_DEPTH:
        raise errors.bad_json()
    return data


async def read_json_body(request: Request) -> dict[str, Any]:
    """The request body as a JSON object ({} when empty); 400/300 when it is not one."""
    if request.method not in _BODY_METHODS:
        return {}
    return parse_json_object(await request.body())


def _with_headers(response: Response, headers: Mapping[str, str]) -> Response:
    for key, value in headers.items():
        response.headers[key] = value
    return response


def make_endpoint(sandbox: Sandbox, route: ApiRoute) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint running ``route`` with Zoom's checks around it."""
    limiter = sandbox.limiter

    async def endpoint(request: Request) -> Response:
        rate: dict[str, str] = limiter.peek(route.category)
        try:
            authenticate(sandbox, request, route.scopes)
            if request.scope.get(BURST_KEY):
                raise per_second_error(route.category, int(rate["X-RateLimit-Limit"]))
            rate = limiter.check(route.category)
            body = await read_json_body(request)
            api = ApiRequest(
                sandbox,
                request,
                request.path_params,
                request.query_params,
                body,
                route.category,
                rate,
            )
            with sandbox.state.lock:
                response = route.handler(api)
        except ZoomError as exc:
            return _with_headers(exc.response(), {**rate, **exc.headers})
        except Exception:  # a sandbox bug: log it, and still answer as Zoom does (JSON)
            _log.exception("%s %s failed inside the sandbox", request.method, request.url.path)
            return _with_headers(errors.internal_error().response(), rate)
        return _with_headers(response, api.headers)

    return endpoint


def starlette_routes(sandbox: Sandbox, routes: list[ApiRoute]) -> list[Route]:
    """Starlette routes under ``/v2`` for the given endpoint table."""
    return [Route("/v2" + r.path, make_endpoint(sandbox, r), methods=[r.method]) for r in routes]
