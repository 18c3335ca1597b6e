"""Wire formats shared by the routes: Zoom's timestamps, date ranges and both paging styles."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from zoomadmin.sandbox import errors

_T = TypeVar("_T")
MAX_PAGE_SIZE = 300
DEFAULT_PAGE_SIZE = 30
#: Dates the sandbox accepts (start times, ``from``/``to``): far enough from datetime's limits
#: that a series, a month window or a meeting's length added to them cannot overflow.
MIN_YEAR, MAX_YEAR = 1970, 2999
#: No IANA zone name is longer (the longest is about 30 characters).
MAX_ZONE_NAME = 64


def iso(value: datetime | None) -> str:
    """Zoom's response timestamp: UTC ``yyyy-MM-ddTHH:mm:ssZ`` ("" for none)."""
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_name(value: Any, field: str = "timezone") -> str:
    """``value`` when it names an IANA zone (a string, not a folder like "Europe"); else 400/300."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ZONE_NAME:
        raise errors.validation(field, f"Invalid field: {field}. Use an IANA time zone name.")
    if value not in _zone_names() and value != "UTC":
        raise errors.validation(field, f"Invalid field: {field}. Unknown time zone {value!r}.")
    return value


def zone(name: Any) -> ZoneInfo:
    """An IANA zone ("UTC" when empty); 400/300 when it is not a known zone name."""
    checked = zone_name(name or "UTC")
    try:
        return ZoneInfo(checked)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise errors.validation("timezone") from exc


def _in_range(value: datetime | date, field: str) -> None:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise errors.validation(
            field, f"Invalid field: {field}. Use a date between {MIN_YEAR} and {MAX_YEAR}."
        )


def parse_start_time(value: Any, timezone: str | None) -> datetime:
    """``start_time`` as UTC: ``...Z`` / with offset, or local wall time in ``timezone``."""
    if not isinstance(value, str) or not value:
        raise errors.validation("start_time")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise errors.validation("start_time") from exc
    _in_range(parsed, "start_time")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone(timezone))
    try:
        result = parsed.astimezone(UTC).replace(microsecond=0)
    except (OverflowError, ValueError) as exc:
        raise errors.validation("start_time") from exc
    _in_range(result, "start_time")
    return result


def parse_day(value: str, name: str) -> date:
    """A ``from``/``to`` date: ``YYYY-MM-DD`` or a full ISO date-time."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
        else:
            if text.endswith(("Z", "z")):
                text = text[:-1] + "+00:00"
            parsed = datetime.fromisoformat(text)
            _in_range(parsed, name)
            day = (parsed.astimezone(UTC) if parsed.tzinfo is not None else parsed).date()
    except (ValueError, OverflowError) as exc:
        raise errors.validation(name, f"Invalid field: {name}.") from exc
    _in_range(day, name)
    return day


def int_param(query: Mapping[str, str], name: str, default: int) -> int:
    """An integer query parameter (400/300 when not a number)."""
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise errors.invalid_parameter(f"Invalid parameter: {name}.") from exc


def bool_param(query: Mapping[str, str], name: str) -> bool:
    """A boolean query parameter (``true``/``1``)."""
    return query.get(name, "").lower() in ("true", "1", "yes")


def _token_for(offset: int) -> str:
    return base64.urlsafe_b64encode(f"sbx:{offset}".encode()).decode().rstrip("=")


def _offset_of(token: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        prefix, _, number = raw.partition(":")
        if prefix != "sbx":
            raise ValueError(prefix)
        return max(0, int(number))
    except ValueError as exc:
        raise errors.invalid_parameter("Invalid next_page_token.") from exc


def page(
    items: Sequence[_T], query: Mapping[str, str], *, max_size: int = MAX_PAGE_SIZE
) -> tuple[Sequence[_T], dict[str, Any]]:
    """One page of ``items`` and Zoom's paging fields, by ``next_page_token`` or ``page_number``."""
    size = int_param(query, "page_size", DEFAULT_PAGE_SIZE)
    size = min(max(size, 1), max_size)  # Zoom quirk: too large a page_size is clamped, not refused
    token = query.get("next_page_token") or ""
    if token:
        offset = _offset_of(token)
        number = offset // size + 1
    else:
        number = max(int_param(query, "page_number", 1), 1)
        offset = (number - 1) * size
    total = len(items)
    end = offset + size
    meta: dict[str, Any] = {
        "page_count": (total + size - 1) // size,
        "page_number": number,
        "page_size": size,
        "total_records": total,
        "next_page_token": _token_for(end) if end < total else "",
    }
    return items[offset:end], meta
