"""How Zoom's values read on screen: user status, user type, and what changed in Zoom."""

from __future__ import annotations

from zoomadmin.core.records import FieldChange

_STATUS_WORDS = {"active": "Active", "pending": "Pending", "inactive": "Deactivated"}
_TYPE_WORDS = {1: "Basic", 2: "Licensed"}
_FIELD_WORDS = {
    "email": "email",
    "first_name": "first name",
    "last_name": "last name",
    "user_type": "type",
    "status": "status",
}


def status_words(status: str) -> str:
    """Zoom's user status as the administrator reads it (Active / Pending / Deactivated)."""
    return _STATUS_WORDS.get(status, status.title())


def type_words(user_type: int) -> str:
    """Zoom's user type as the administrator reads it (Basic / Licensed, else its number)."""
    return _TYPE_WORDS.get(user_type, f"Type {user_type}")


def _value_words(field: str, value: str | int) -> str:
    if field == "status":
        return status_words(str(value))
    if field == "user_type":
        return type_words(int(value))
    return f"“{value}”" if value else "(empty)"


def changes_words(changes: tuple[FieldChange, ...] | str | None) -> str | None:
    """``type Basic → Licensed; first name (empty) → “Ada”`` (an older note as it was)."""
    if changes is None or isinstance(changes, str):
        return changes
    return "; ".join(
        f"{_FIELD_WORDS.get(c.field, c.field)} {_value_words(c.field, c.old)} → "
        f"{_value_words(c.field, c.new)}"
        for c in changes
    )
