"""Zoom's user vocabulary as zoomadmin stores and shows it, and the per-host daily limit."""

from __future__ import annotations

import enum

HOST_DAILY_LIMIT = 100
"""Zoom allows each host user this many meeting create/update/delete requests per UTC day."""


class UserType(enum.IntEnum):
    """Zoom's user ``type``."""

    BASIC = 1
    LICENSED = 2
    UNASSIGNED = 4
    NONE = 99


class UserStatus(enum.StrEnum):
    """Zoom's user ``status`` (also the ``status`` filter of the user list)."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    PENDING = "pending"


class CreateAction(enum.StrEnum):
    """How ``POST /users`` creates a user."""

    CREATE = "create"
    AUTO_CREATE = "autoCreate"
    CUST_CREATE = "custCreate"
    SSO_CREATE = "ssoCreate"
