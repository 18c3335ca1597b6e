"""Zoom's refusals of a new host, reworded so education staff know what to do next."""

from __future__ import annotations

from zoomadmin.core.enums import CreateAction, UserType
from zoomadmin.services.tenants import TenancyError
from zoomadmin.zoom.errors import (
    AlreadyExists,
    NoPrivilege,
    SeatLimitReached,
    UserPending,
    ValidationFailed,
    ZoomError,
)

#: Zoom's code for an email that belongs to a user of another Zoom account.
OTHER_ACCOUNT_CODE = 1009


class EmailInAccountError(TenancyError):
    """The email is already a Zoom user; ``linkable`` when it is in this account."""

    def __init__(self, email: str, *, linkable: bool) -> None:
        self.email = email
        self.linkable = linkable
        if linkable:
            message = (
                f"{email} is already a user in this Zoom account. Link it to the tenant "
                "instead of creating it again."
            )
        else:
            message = (
                f"{email} belongs to a user of another Zoom account. That person must leave "
                "it first, or use another address (for example a new +tag)."
            )
        super().__init__(message)


def explain_create_error(
    exc: BaseException, email: str, action: CreateAction, user_type: UserType
) -> BaseException:
    """The error to show for a failed ``POST /users`` (others pass through unchanged)."""
    if isinstance(exc, AlreadyExists):
        return EmailInAccountError(email, linkable=exc.code != OTHER_ACCOUNT_CODE)
    message: str | None = None
    if isinstance(exc, ValidationFailed):
        fields = {e.field for e in exc.field_errors}
        message = exc.user_message
        if not fields or "user_info.email" in fields:
            message = (
                f"Zoom does not accept “{email}” as an email address. Check it for typos "
                "(it must look like name@school.org)."
            )
    elif isinstance(exc, SeatLimitReached):
        message = _seat_text(user_type)
    elif isinstance(exc, NoPrivilege):
        message = _privilege_text(action)
    return exc if message is None else TenancyError(message)


def _seat_text(user_type: UserType) -> str:
    if user_type == UserType.LICENSED:
        return (
            "Every paid (Licensed) seat of the Zoom account is taken. Add the host as "
            "Basic (it gets a seat shortly before each session), or free a seat first."
        )
    return (
        "The Zoom account has reached its limit of users. Remove hosts that are no "
        "longer needed, or raise the limit with Zoom."
    )


def _privilege_text(action: CreateAction) -> str:
    if action == CreateAction.CUST_CREATE:
        return (
            "This Zoom account may not create API-only users (custCreate): that needs "
            "Zoom's ISV partner programme. Choose “Send an invitation” instead."
        )
    return (
        "The Zoom account or app may not create users. Creating users needs a Pro or higher "
        "plan and the scope user:write:admin on the Server-to-Server OAuth app."
    )


def pending_refusal(email: str, what: str) -> ZoomError:
    """A pending user cannot be ``what`` yet: say so before Zoom does, less cryptically."""
    return UserPending(
        f"{email} has not accepted the Zoom invitation yet, so it cannot be {what}. "
        "Ask them to accept it (check the mailbox), or remove the host instead."
    )
