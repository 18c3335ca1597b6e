"""One way to show dates and times everywhere: "Mon 2 Mar 2026 16:00 EST", "in 9 h"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@cache
def zone(name: str) -> tzinfo:
    """The IANA time zone ``name`` (UTC when unknown)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def local_zone() -> tzinfo:
    """This computer's time zone."""
    found = datetime.now().astimezone().tzinfo
    return found if found is not None else UTC


def date_time_text(moment: datetime, where: str | tzinfo | None = None) -> str:
    """``moment`` as people read it: "Mon 2 Mar 2026 16:00 EST" (in ``where``; default: here)."""
    place = zone(where) if isinstance(where, str) else (where or local_zone())
    here = moment.astimezone(place)
    return f"{here:%a} {here.day} {here:%b %Y %H:%M} {here.tzname() or ''}".rstrip()


def short_time_text(moment: datetime, now: datetime, where: str | tzinfo | None = None) -> str:
    """``moment`` briefly, for a table cell: "14:05" on ``now``'s day, "Tue 14:05" within a
    week either side, else in full (:func:`date_time_text`); in ``where`` (default: here)."""
    place = zone(where) if isinstance(where, str) else (where or local_zone())
    here, today = moment.astimezone(place), now.astimezone(place).date()
    if here.date() == today:
        return f"{here:%H:%M}"
    if abs(here.date() - today) < timedelta(days=7):
        return f"{here:%a %H:%M}"
    return date_time_text(moment, place)


def relative_text(moment: datetime, now: datetime) -> str:
    """How far ``moment`` is from ``now``: "in 9 h", "in 3 d", "12 min ago", "now"."""
    seconds = (moment - now).total_seconds()
    ahead = seconds >= 0
    left = abs(seconds)
    if left < 60:
        return "now"
    if left < 3600:
        amount = f"{int(left // 60)} min"
    elif left < 48 * 3600:
        amount = f"{int(left // 3600)} h"
    else:
        amount = f"{int(left // 86400)} d"
    return f"in {amount}" if ahead else f"{amount} ago"
