"""A local server that behaves like Zoom: the app's embedded default and every test's peer."""

from zoomadmin.sandbox.server import Sandbox, SandboxInfo, SandboxServer, SandboxStartError

__all__ = ["Sandbox", "SandboxInfo", "SandboxServer", "SandboxStartError"]
