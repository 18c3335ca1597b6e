"""The root of every error a person may see, with the words they can act on."""

from __future__ import annotations

import enum
from typing import ClassVar


class Fault(enum.Enum):
    """Whose doing an error is, which decides how it is shown and whether to offer Retry."""

    ENVIRONMENT = "environment"
    """The network, the disk, the keyring or Zoom said no: fixing it lies outside the request."""
    REFUSAL = "refusal"
    """What was asked cannot be done as asked (a name taken, a tenant still in use)."""


class AppError(Exception):
    """An error a person may see: ``user_message`` says what happened and what to do.

    Anything raised that is not an ``AppError`` is a bug of ours and goes to the error
    dialog. ``retryable`` says whether trying the same thing again later may work.
    """

    fault: ClassVar[Fault] = Fault.REFUSAL
    retryable: ClassVar[bool] = False

    def __init__(self, user_message: str) -> None:
        self.user_message = user_message
        super().__init__(user_message)


class EnvironmentFault(AppError):
    """An error caused by the world outside the request (network, disk, keyring)."""

    fault: ClassVar[Fault] = Fault.ENVIRONMENT


class InvalidValue(AppError, ValueError):
    """A value zoomadmin cannot keep or use, such as an email scheme with an unknown field."""
