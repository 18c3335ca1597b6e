"""Who acts: the name the audit log gives a change, set per task, not per service."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_acting: ContextVar[str | None] = ContextVar("zoomadmin_actor", default=None)
_default = ["zoomadmin"]


def os_login(fallback: str = "unknown") -> str:
    """The operating system's login name (some containers have none: ``fallback``)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return fallback


def set_default_actor(name: str) -> None:
    """Who acts when no task said otherwise (the desktop's login, the agent's name)."""
    _default[0] = name


def current_actor() -> str:
    """Who the audit log names for a change made now."""
    return _acting.get() or _default[0]


@contextmanager
def acting_as(name: str) -> Iterator[None]:
    """Within the block (and the tasks it starts), changes are made by ``name``."""
    token = _acting.set(name)
    try:
        yield
    finally:
        _acting.reset(token)
