"""The sandbox's ASGI application: routes plus pure-ASGI layers for tracking ids and faults."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from starlette.routing import BaseRoute, Route, Router, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zoomadmin.sandbox import (
    routes_admin,
    routes_groups,
    routes_meetings,
    routes_oauth,
    routes_past,
    routes_recordings,
    routes_settings,
    routes_users,
)
from zoomadmin.sandbox.api import BURST_KEY, starlette_routes
from zoomadmin.sandbox.errors import ZoomError
from zoomadmin.sandbox.ratelimit import LIGHT, per_second_error, per_second_limit
from zoomadmin.sandbox.world import Sandbox

#: Scope key under which the server's HTTP protocol exposes the connection's transport.
TRANSPORT_KEY = "sandbox.transport"


def build_app(sandbox: Sandbox) -> ASGIApp:
    """The whole sandbox as one ASGI app."""
    api = [
        *routes_users.ROUTES,
        *routes_settings.SETTINGS_ROUTES,
        *routes_groups.ROUTES,
        # Recording routes first: "/meetings/{id:path}" would otherwise swallow their paths.
        *routes_recordings.ROUTES,
        *routes_meetings.ROUTES,
        *routes_past.ROUTES,
    ]
    routes: list[BaseRoute] = [
        Route("/oauth/token", routes_oauth.token_endpoint(sandbox), methods=["POST"]),
        *starlette_routes(sandbox, api),
        *routes_recordings.download_routes(sandbox),
        *routes_admin.routes(sandbox),
        WebSocketRoute("/ws", sandbox.bus.websocket_endpoint),
    ]
    router = Router(routes, default=_not_found, redirect_slashes=False)
    return SandboxASGI(sandbox, router)


async def _not_found(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    await ZoomError(404, 404, "Not Found").asgi(scope, receive, send)


class SandboxASGI:
    """Outer layer: trailing slashes, ``x-zm-trackingid`` on every answer, injected faults."""

    def __init__(self, sandbox: Sandbox, app: ASGIApp) -> None:
        """Wrap ``app`` (the router)."""
        self.sandbox = sandbox
        self.app = app
        self._ids = itertools.count(1)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one connection scope."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if len(path) > 1 and path.endswith("/"):
            # Zoom accepts trailing slashes; answer in place instead of redirecting.
            scope["path"] = path.rstrip("/") or "/"
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        tracking = f"v=2.0;clid=sandbox;rid=SBX_{next(self._ids):012d}".encode("ascii")
        send_tracked = _ZoomShapedSend(send, tracking)
        plan = self.sandbox.faults
        if plan.active and _faultable(scope["path"], oauth=plan.oauth):
            handled = await self._fault(scope, receive, send_tracked)
            if handled:
                return
        await self.app(scope, receive, send_tracked)

    async def _fault(self, scope: Scope, receive: Receive, send: Send) -> bool:
        """Apply one drawn fault; True when the request was answered (or dropped) here."""
        fault, delay = self.sandbox.faults.draw()
        if delay:
            await asyncio.sleep(delay)
        if fault == "drop":
            await _drop(scope, receive)
            return True
        if fault == "5xx":
            error = ZoomError(500, 500, "Internal server error. Please try again later.")
            await error.asgi(scope, receive, send)
            return True
        if fault == "burst429":
            if scope["path"].startswith("/v2/"):
                scope[BURST_KEY] = True
                return False
            limit = per_second_limit(self.sandbox.config.plan, LIGHT)
            await per_second_error(LIGHT, limit).asgi(scope, receive, send)
            return True
        return False


#: Starlette answers a wrong method in plain text; Zoom's errors are ``{code, message}``.
_METHOD_NOT_ALLOWED = ZoomError(405, 405, "Method Not Allowed").response().body


class _ZoomShapedSend:
    """``send`` adding ``x-zm-trackingid`` to every answer and giving 405s a Zoom-shaped body."""

    def __init__(self, send: Send, tracking: bytes) -> None:
        self._send = send
        self._tracking = tracking
        self._rewrite_body = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            if (
                message["status"] == 405
                and (b"content-type", b"text/plain; charset=utf-8") in headers
            ):
                self._rewrite_body = True
                drop = (b"content-type", b"content-length")
                headers = [(k, v) for k, v in headers if k.lower() not in drop]
                headers.append((b"content-type", b"application/json;charset=UTF-8"))
                headers.append((b"content-length", str(len(_METHOD_NOT_ALLOWED)).encode()))
            headers.append((b"x-zm-trackingid", self._tracking))
            message = {**message, "headers": headers}
        elif message["type"] == "http.response.body" and self._rewrite_body:
            message = {**message, "body": _METHOD_NOT_ALLOWED, "more_body": False}
        await self._send(message)


def _faultable(path: str, *, oauth: bool) -> bool:
    if path.startswith(("/v2/", "/rec/")):
        return True
    return oauth and path == "/oauth/token"


async def _drop(scope: Scope, receive: Receive) -> None:
    """Close the connection without any answer (a network failure, as the client sees it)."""
    transport: Any = scope.get(TRANSPORT_KEY)
    if transport is None:
        raise ConnectionAbortedError("injected drop: connection closed without an answer")
    transport.abort()
    # Wait until the server has noticed, so it does not try to answer on its own.
    while (await receive())["type"] != "http.disconnect":
        pass
