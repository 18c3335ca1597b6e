"""Meeting request fields checked at the door, so nothing stored can fail to show or simulate."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from zoomadmin.sandbox import errors
from zoomadmin.sandbox.recurrence import RecurrenceError, weekly_days
from zoomadmin.sandbox.wire import MAX_YEAR, MIN_YEAR

#: Longest meeting the sandbox stores, in minutes: a week. Zoom ends paid meetings after
#: 30 hours; its API documents no maximum, so the sandbox picks one no listing overflows on.
MAX_DURATION = 7 * 24 * 60
RECURRENCE_KEYS = (
    "type",
    "repeat_interval",
    "weekly_days",
    "monthly_day",
    "monthly_week",
    "monthly_week_day",
    "end_times",
    "end_date_time",
)
#: Allowed values of each integer recurrence field (Zoom's documented ranges).
_RECURRENCE_INTS: dict[str, range | tuple[int, ...]] = {
    "type": (1, 2, 3),
    "repeat_interval": range(1, 100),
    "monthly_day": range(1, 32),
    "monthly_week": (-1, 1, 2, 3, 4),
    "monthly_week_day": range(1, 8),
    "end_times": range(0, 61),
}


def is_int(value: Any) -> bool:
    """True for a JSON integer (``true`` and ``1.0`` are not integers here)."""
    return isinstance(value, int) and not isinstance(value, bool)


def duration(value: Any, field: str = "duration") -> int:
    """A meeting length in minutes, 0..MAX_DURATION; else 400/300."""
    if not is_int(value) or not 0 <= value <= MAX_DURATION:
        raise errors.validation(
            field, f"Invalid field: {field}. Use whole minutes from 0 to {MAX_DURATION}."
        )
    result: int = value
    return result


def _recurrence_int(name: str, value: Any) -> int:
    allowed = _RECURRENCE_INTS[name]
    if not is_int(value) or value not in allowed:
        shown = f"{allowed.start}..{allowed.stop - 1}" if isinstance(allowed, range) else allowed
        raise errors.validation(
            f"recurrence.{name}", f"Invalid field: recurrence.{name}. Allowed: {shown}."
        )
    result: int = value
    return result


def _end_date_time(value: Any) -> str:
    field = "recurrence.end_date_time"
    if not isinstance(value, str):
        raise errors.validation(field)
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise errors.validation(field) from exc
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise errors.validation(field)
    return value


def recurrence(given: Any) -> dict[str, Any] | None:
    """The ``recurrence`` object with Zoom's fields, each checked; None when absent."""
    if given is None:
        return None
    if not isinstance(given, Mapping) or given.get("type") is None:
        raise errors.validation("recurrence.type")
    out: dict[str, Any] = {}
    for name in RECURRENCE_KEYS:
        value = given.get(name)
        if value is None:
            continue
        if name == "weekly_days":
            if not isinstance(value, str | int) or isinstance(value, bool):
                raise errors.validation("recurrence.weekly_days")
            try:
                weekly_days(value, 1)
            except (RecurrenceError, ValueError) as exc:
                raise errors.validation("recurrence.weekly_days", str(exc)) from exc
            out[name] = value
        elif name == "end_date_time":
            out[name] = _end_date_time(value)
        else:
            out[name] = _recurrence_int(name, value)
    return out
