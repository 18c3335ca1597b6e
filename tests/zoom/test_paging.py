"""Pages followed to the end; date ranges cut into one-month windows without gaps."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from zoomadmin.zoom.errors import ZoomError
from zoomadmin.zoom.models import Page
from zoomadmin.zoom.paging import iterate_pages, month_windows


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2025, 1, 31), date(2026, 3, 2)),
        (date(2024, 2, 29), date(2024, 2, 29)),
        (date(2023, 12, 15), date(2024, 12, 14)),
        (date(2026, 1, 1), date(2026, 1, 31)),
    ],
)
def test_month_windows_cover_the_range_exactly(start: date, end: date) -> None:
    windows = month_windows(start, end)
    assert windows[0][0] == start
    assert windows[-1][1] == end
    for (_, last), (first, _) in itertools.pairwise(windows):
        assert first == last + timedelta(days=1)
    for first, last in windows:
        assert first <= last
        # Never more than one calendar month per request (28..31 days).
        assert (last - first).days < 31


def test_one_year_needs_twelve_or_thirteen_windows() -> None:
    assert len(month_windows(date(2025, 1, 1), date(2025, 12, 31))) == 12
    assert month_windows(date(2025, 2, 1), date(2025, 1, 1)) == []


async def test_iterate_pages_follows_tokens_to_the_end() -> None:
    pages = {
        "": Page[int](items=[1, 2], next_page_token="a"),
        "a": Page[int](items=[3], next_page_token="b"),
        "b": Page[int](items=[4]),
    }
    asked: list[str] = []

    async def fetch(token: str) -> Page[int]:
        asked.append(token)
        return pages[token]

    assert [i async for i in iterate_pages(fetch)] == [1, 2, 3, 4]
    assert asked == ["", "a", "b"]


async def test_iterate_pages_stops_on_a_repeated_token() -> None:
    async def fetch(token: str) -> Page[int]:
        return Page[int](items=[1], next_page_token="same")

    with pytest.raises(ZoomError, match="same page twice"):
        _ = [i async for i in iterate_pages(fetch)]
