"""Small helpers the repositories share: table objects and chunking of long IN lists."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from types import ModuleType
from typing import Protocol, TypeVar, cast

from sqlalchemy import Connection, Dialect, Table
from sqlmodel import SQLModel

T = TypeVar("T")

# SQLite allows 32766 bound parameters; PostgreSQL more. This stays well below both.
IN_CHUNK = 500


class Bind(Protocol):
    """What repositories run SQL through: an Engine, or the connection of one transaction."""

    @property
    def dialect(self) -> Dialect:
        """The database dialect."""
        ...

    def begin(self) -> AbstractContextManager[Connection]:
        """A connection whose writes commit when the block ends."""
        ...

    def connect(self) -> AbstractContextManager[Connection]:
        """A connection for reading."""
        ...


class TransactionBind:
    """One connection inside an open transaction, handed to repositories as their Bind.

    Every read and write of those repositories joins that transaction: they commit together
    when it ends, or all roll back when it ends with an exception.
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    @property
    def dialect(self) -> Dialect:
        """The database dialect."""
        return self._connection.dialect

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """The transaction's connection (the commit waits for the whole unit).

        On PostgreSQL each write runs in a savepoint: a failed statement aborts the whole
        transaction there, so without one a repository could not look at why its write was
        refused (which host has that email) and say so; the unit still rolls back whole when
        the error leaves it. SQLite undoes only the failed statement and needs none. (So a
        caller that catches a repository's error inside a unit and goes on finds that whole
        call undone on PostgreSQL, only its failed statement on SQLite; no caller does.)
        """
        if self._connection.dialect.name == "postgresql":
            with self._connection.begin_nested():
                yield self._connection
        else:
            yield self._connection

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """The transaction's connection (reads see the unit's own writes)."""
        yield self._connection


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a SQLModel table class."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


def upsert_dialect(engine: Bind) -> ModuleType:
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
