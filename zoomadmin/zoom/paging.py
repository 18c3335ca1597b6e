"""Following ``next_page_token`` to the end, and cutting date ranges into one-month windows."""

from __future__ import annotations

import calendar
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, timedelta
from typing import TypeVar

from zoomadmin.zoom.errors import ZoomError
from zoomadmin.zoom.models import Page

T = TypeVar("T")

#: Zoom's largest page for the list endpoints zoomadmin uses.
PAGE_SIZE = 300


async def iterate_pages(fetch: Callable[[str], Awaitable[Page[T]]]) -> AsyncIterator[T]:
    """Yield every item of every page; ``fetch(token)`` gets one page ("" = the first)."""
    token = ""
    seen: set[str] = set()
    while True:
        page = await fetch(token)
        for item in page.items:
            yield item
        if not page.next_page_token:
            return
        if page.next_page_token in seen:
            # A server that hands out the same token twice would loop forever.
            raise ZoomError("Zoom returned the same page twice; the listing was stopped.")
        seen.add(page.next_page_token)
        token = page.next_page_token


def _add_month(day: date) -> date:
    """The same day next month, or that month's last day when it is shorter."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def month_windows(start: date, end: date) -> list[tuple[date, date]]:
    """Inclusive (from, to) windows of at most one month that cover ``start..end`` exactly.

    Zoom's recording lists take at most one month per request and cut longer ranges
    silently, so every range is asked for in pieces; the pieces neither overlap nor leave
    gaps.
    """
    if end < start:
        return []
    windows: list[tuple[date, date]] = []
    current = start
    while current <= end:
        last = min(end, _add_month(current) - timedelta(days=1))
        windows.append((current, last))
        current = last + timedelta(days=1)
    return windows
