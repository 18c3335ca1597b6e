"""Typed store errors with messages a person can act on."""

from __future__ import annotations

from zoomadmin.core.errors import AppError, InvalidValue


class StoreError(AppError):
    """Anything the store refuses; ``user_message`` (and ``str(error)``) is fit to show the user."""


class NotFoundError(StoreError):
    """The row asked for does not exist (any more)."""


class AlreadyExistsError(StoreError):
    """A unique value (a name, an email, a Zoom id) is already taken."""


class TenantExistsError(AlreadyExistsError):
    """A tenant with this name already exists."""


class HostExistsError(AlreadyExistsError):
    """A host with this email or Zoom user id already exists."""


class InvalidValueError(StoreError, InvalidValue):
    """A value the store cannot keep, such as an unknown time zone."""
