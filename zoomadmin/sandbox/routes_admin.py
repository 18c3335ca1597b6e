"""The ``/_sandbox`` admin API: clock, config, faults, webhooks, reset, counts.

It answers loopback clients only, unless the sandbox has an admin token: then it answers
whoever presents that token, and nobody else (loopback included).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from zoomadmin.sandbox.api import read_json_body
from zoomadmin.sandbox.errors import ZoomError, internal_error, json_response, no_content
from zoomadmin.sandbox.routes_settings import merge_settings
from zoomadmin.sandbox.routes_users import publish_user_updated
from zoomadmin.sandbox.state import SandboxState
from zoomadmin.sandbox.wire import MAX_YEAR, MIN_YEAR
from zoomadmin.sandbox.world import SEEDS, Sandbox

_PLANS = ("free", "pro", "business")
#: Longest single clock move: ten years (a longer jump would also run ten years of sessions).
MAX_ADVANCE_SECONDS = 10 * 366 * 24 * 3600
#: Years the clock may be set to (as for start times).
_CLOCK_YEARS = range(MIN_YEAR, MAX_YEAR + 1)
Endpoint = Callable[[Request], Awaitable[Response]]
_log = logging.getLogger(__name__)


def _bad(message: str) -> ZoomError:
    return ZoomError(400, 300, message)


def _clock_json(sandbox: Sandbox) -> dict[str, Any]:
    now = sandbox.clock.now().astimezone(UTC)
    return {"now": now.isoformat().replace("+00:00", "Z"), "speed": sandbox.clock.speed}


def _move_clock(sandbox: Sandbox, body: dict[str, Any]) -> None:
    if "advance_seconds" in body:
        seconds = body["advance_seconds"]
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | float)
            or not 0 <= seconds <= MAX_ADVANCE_SECONDS
        ):
            raise _bad(f"advance_seconds must be a number from 0 to {MAX_ADVANCE_SECONDS}")
        sandbox.clock.advance(timedelta(seconds=seconds))
    if "now" in body:
        try:
            target = datetime.fromisoformat(str(body["now"]).replace("Z", "+00:00"))
        except ValueError as exc:
            raise _bad(f"now must be an ISO-8601 date-time, got {body['now']!r}") from exc
        if target.year not in _CLOCK_YEARS:
            raise _bad(f"now must be within the years {MIN_YEAR}..{MAX_YEAR}")
        if target.tzinfo is None:
            target = target.replace(tzinfo=UTC)
        sandbox.clock.set(target)
    if "speed" in body:
        speed = body["speed"]
        if not isinstance(speed, int | float) or speed < 0:
            raise _bad("speed must be a number >= 0")
        sandbox.clock.set_speed(float(speed))


def _config_json(sandbox: Sandbox) -> dict[str, Any]:
    account = sandbox.config
    return {
        "account_id": account.account_id,
        "token_lifetime_seconds": account.token_lifetime_seconds,
        "paid_seats": account.paid_seats,
        "plan": account.plan,
        "isv_partner": account.isv_partner,
        "late_join_share": account.late_join_share,
        "no_show_share": account.no_show_share,
        "rate_limits": account.rate_limits,
        "download_rate": account.download_rate,
        "license_moves_per_hour": account.license_moves_per_hour,
        "scopes": sorted(sandbox.state.scopes()),
    }


def _number(body: dict[str, Any], name: str, low: float, high: float) -> float | None:
    if name not in body:
        return None
    value = body[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise _bad(f"{name} must be a number within {low}..{high}")
    return float(value)


def _patch_config(sandbox: Sandbox, body: dict[str, Any]) -> None:
    account = sandbox.config
    lifetime = _number(body, "token_lifetime_seconds", 1, 10**7)
    seats = _number(body, "paid_seats", 0, 10**6)
    late = _number(body, "late_join_share", 0, 1)
    no_show = _number(body, "no_show_share", 0, 1)
    download_rate = _number(body, "download_rate", 0, 10**11)
    license_moves = _number(body, "license_moves_per_hour", 0, 10**6)
    plan = body.get("plan", account.plan)
    if plan not in _PLANS:
        raise _bad(f"plan must be one of {', '.join(_PLANS)}")
    scopes = body.get("scopes", ...)
    if scopes is not ... and scopes is not None and not isinstance(scopes, list):
        raise _bad("scopes must be a list of scope names, or null for the full set")
    limits = body.get("rate_limits", account.rate_limits)
    if not isinstance(limits, bool):
        raise _bad("rate_limits must be true or false")
    account.plan = plan
    account.rate_limits = limits
    account.isv_partner = bool(body.get("isv_partner", account.isv_partner))
    if lifetime is not None:
        account.token_lifetime_seconds = int(lifetime)
    if seats is not None:
        account.paid_seats = int(seats)
    if late is not None:
        account.late_join_share = late
    if no_show is not None:
        account.no_show_share = no_show
    if download_rate is not None:
        account.download_rate = int(download_rate)
    if license_moves is not None:
        account.license_moves_per_hour = int(license_moves)
    if scopes is not ...:
        account.scopes = None if scopes is None else frozenset(map(str, scopes))


def _counts(state: SandboxState, deliveries: list[dict[str, Any]]) -> dict[str, Any]:
    statuses = Counter(str(d.get("status", "")) for d in deliveries)
    return {
        "users": len(state.users),
        "meetings": sum(1 for m in state.meetings.values() if not m.deleted),
        "live": len(state.live),
        "past": len(state.past),
        "recordings": sum(1 for r in state.recordings.values() if not r.deleted),
        "webhook_deliveries": {
            "pending": statuses.get("pending", 0),
            "sent": statuses.get("sent", 0) + statuses.get("delivered", 0),
            "failed": statuses.get("failed", 0),
        },
    }


#: Header carrying the admin token, for clients that cannot set ``Authorization``.
ADMIN_TOKEN_HEADER = "x-sandbox-admin-token"  # noqa: S105 - a header name, not a secret


def _is_loopback(host: str | None) -> bool:
    if host is None:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def _presented_token(request: Request) -> str | None:
    value = request.headers.get(ADMIN_TOKEN_HEADER)
    if value:
        return value.strip()
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def check_admin_access(sandbox: Sandbox, request: Request) -> None:
    """Loopback clients only, or, with an admin token configured, whoever presents it."""
    expected = sandbox.admin_token
    if expected is None:
        client = request.client.host if request.client is not None else None
        if not _is_loopback(client):
            raise ZoomError(
                403,
                403,
                "The sandbox admin API answers loopback clients only; start the sandbox "
                "with --admin-token to reach it from another address.",
            )
        return
    given = _presented_token(request)
    if given is None or not hmac.compare_digest(given.encode(), expected.encode()):
        raise ZoomError(
            401,
            401,
            "The sandbox admin API needs its admin token: send 'Authorization: Bearer "
            f"<token>' or '{ADMIN_TOKEN_HEADER}: <token>'.",
        )


def _endpoint(sandbox: Sandbox, handler: Callable[[Request], Awaitable[Response]]) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        try:
            check_admin_access(sandbox, request)
            return await handler(request)
        except ZoomError as exc:
            return exc.response()
        except ValueError as exc:  # bad clock moves, fault specs, seeds: say why
            return _bad(str(exc)).response()
        except Exception:  # a sandbox bug: log it, and still answer in Zoom's shape
            _log.exception("%s %s failed inside the sandbox", request.method, request.url.path)
            return internal_error().response()

    return endpoint


class _Admin:
    """The admin endpoints bound to one sandbox."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.state = sandbox.state

    async def clock(self, request: Request) -> Response:
        if request.method == "POST":
            _move_clock(self.sandbox, await read_json_body(request))
        return json_response(_clock_json(self.sandbox))

    async def config(self, request: Request) -> Response:
        if request.method == "PATCH":
            body = await read_json_body(request)
            with self.state.lock:
                _patch_config(self.sandbox, body)
        return json_response(_config_json(self.sandbox))

    async def faults(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.sandbox.set_faults("")
            return no_content()
        spec = (await read_json_body(request)).get("spec", "")
        if not isinstance(spec, str):
            raise _bad("spec must be a string like '5xx=0.05,seed=7'")
        self.sandbox.set_faults(spec)
        return json_response({"spec": spec})

    async def webhooks(self, request: Request) -> Response:
        if request.method == "GET":
            return json_response({"webhooks": self.sandbox.bus.list_subscriptions()})
        body = await read_json_body(request)
        url = body.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise _bad("url must be an http(s) URL")
        events = body.get("events")
        sub_id = self.sandbox.bus.add_subscription(url, body.get("secret_token"), events)
        return json_response({"id": sub_id}, 201)

    async def webhook_delete(self, request: Request) -> Response:
        self.sandbox.bus.remove_subscription(request.path_params["sub_id"])
        return no_content()

    async def ws_drop(self, request: Request) -> Response:
        self.sandbox.bus.drop_websockets()
        return no_content()

    async def user_settings(self, request: Request) -> Response:
        body = await read_json_body(request)
        with self.state.lock:
            user = self.state.find_user(request.path_params["userId"])
            if user is None:
                raise ZoomError(404, 1001, f"User does not exist: {request.path_params['userId']}.")
            changed, old = merge_settings(self.state, user, body, honour_locks=False)
        if changed:
            # A change "from outside" (the web portal, another admin) is published all the same.
            publish_user_updated(self.sandbox, user.id, {"settings": changed}, {"settings": old})
        return no_content()

    async def reset(self, request: Request) -> Response:
        body = await read_json_body(request)
        seed = body.get("seed", "empty")
        if seed not in SEEDS:
            raise _bad(f"seed must be one of {', '.join(SEEDS)}")
        self.sandbox.reset(seed, int(body.get("seed_value", 0)))
        return json_response(_counts(self.state, self.sandbox.bus.deliveries()))

    async def counts(self, request: Request) -> Response:
        deliveries = self.sandbox.bus.deliveries()
        error = self.sandbox.last_tick_error
        with self.state.lock:
            counts = _counts(self.state, deliveries)
        counts["last_tick_error"] = error.as_json() if error is not None else None
        simulation = self.sandbox.simulation
        broken = simulation.broken_meetings() if simulation is not None else {}
        counts["broken_meetings"] = [
            {"meeting_id": meeting_id, "error": message} for meeting_id, message in broken.items()
        ]
        return json_response(counts)

    async def deliveries(self, request: Request) -> Response:
        return json_response({"deliveries": self.sandbox.bus.deliveries()})


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    """The admin routes bound to ``sandbox``."""
    admin = _Admin(sandbox)
    base = "/_sandbox"
    table: list[tuple[str, Callable[[Request], Awaitable[Response]], list[str]]] = [
        ("/clock", admin.clock, ["GET", "POST"]),
        ("/config", admin.config, ["GET", "PATCH"]),
        ("/faults", admin.faults, ["PUT", "DELETE"]),
        ("/webhooks", admin.webhooks, ["GET", "POST"]),
        ("/webhooks/{sub_id}", admin.webhook_delete, ["DELETE"]),
        ("/ws/drop", admin.ws_drop, ["POST"]),
        ("/users/{userId}/settings", admin.user_settings, ["PATCH"]),
        ("/reset", admin.reset, ["POST"]),
        ("/state", admin.counts, ["GET"]),
        ("/deliveries", admin.deliveries, ["GET"]),
    ]
    return [
        Route(base + path, _endpoint(sandbox, fn), methods=methods) for path, fn, methods in table
    ]
