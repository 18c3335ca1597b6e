"""Small helpers the repositories share: table objects and chunking of long IN lists."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import TypeVar, cast

from sqlalchemy import Engine, Table
from sqlmodel import SQLModel

T = TypeVar("T")

# SQLite allows 32766 bound parameters; PostgreSQL more. This stays well below both.
IN_CHUNK = 500


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a SQLModel table class."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


def upsert_dialect(engine: Engine) -> ModuleType:
    """The dialect module whose ``insert()`` offers ``on_conflict_do_update`` for ``engine``."""
    if engine.dialect.name == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite
    # Imported only for PostgreSQL: it takes ~50 ms, paid at start-up when imported above.
    from sqlalchemy.dialects import postgresql

    return postgresql


def chunks(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
