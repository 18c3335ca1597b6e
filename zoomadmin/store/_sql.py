"""Small helpers the repositories share: table objects and chunking of long IN lists."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar, cast

from sqlalchemy import Table
from sqlmodel import SQLModel

T = TypeVar("T")

# SQLite allows 32766 bound parameters; PostgreSQL more. This stays well below both.
IN_CHUNK = 500


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a SQLModel table class."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


def chunks(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
