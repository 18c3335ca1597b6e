"""A local server that behaves like Zoom: the app's embedded default and every test's peer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zoomadmin.sandbox.server import Sandbox, SandboxInfo, SandboxServer, SandboxStartError

__all__ = ["Sandbox", "SandboxInfo", "SandboxServer", "SandboxStartError"]


def __getattr__(name: str) -> Any:
    # The server pulls in uvicorn and starlette; importing the package (the command line
    # does, to list ``sandbox serve``'s options) must not pay for that before it is used.
    if name in __all__:
        from zoomadmin.sandbox import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
