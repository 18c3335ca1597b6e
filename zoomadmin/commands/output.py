"""What a command prints: one JSON document or readable text on stdout, progress on stderr."""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from zoomadmin.core.errors import AppError, Fault

PROGRESS_EVERY = 1.0
"""Seconds between two progress lines that differ only in their counts."""

Json = Any
"""A value ``json.dumps`` takes: dicts, lists, strings, numbers, booleans and None."""


@dataclass(frozen=True)
class Result:
    """What a command did: ``data`` for ``--json``, ``text`` for a person."""

    data: Json
    text: str
    refused: str = ""
    """Set when part of the work was refused (the rest done): said on stderr, exit code 1,
    and ``data`` (a dict) gets an ``error`` entry like a whole refusal's."""


def day_range(
    first: date | None, last: date | None, now: datetime, *, default_days: int
) -> tuple[datetime, datetime]:
    """``--from DATE --to DATE`` as ``[start, end)`` in UTC: from ``first`` (default ``now``)
    to the end of ``last`` (default ``default_days`` on)."""
    start = datetime(first.year, first.month, first.day, tzinfo=UTC) if first else now
    if last is None:
        return start, start + timedelta(days=default_days)
    after = last + timedelta(days=1)
    return start, datetime(after.year, after.month, after.day, tzinfo=UTC)


def iso(moment: datetime | None) -> str | None:
    """A time as the JSON output gives it: ISO 8601 in UTC to the second, with ``Z``."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def shown_time(moment: datetime | None) -> str:
    """A time for the readable output: ``2026-03-02 09:00 UTC`` (``-`` when none)."""
    if moment is None:
        return "-"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Rows as aligned columns under a header line."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(line.rstrip() for line in lines)


def plural(count: int, word: str) -> str:
    """``1 host``, ``2 hosts``."""
    return f"{count} {word}{'' if count == 1 else 's'}"


class Output:
    """Writes a command's result and progress; stdout gets the result only.

    Streams are looked up when written to, so test capture of ``sys.stdout`` works.
    """

    def __init__(self, *, as_json: bool, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.as_json = as_json
        self._monotonic = monotonic
        self._last_shape = ""
        self._last_at = -PROGRESS_EVERY

    def progress(self, text: str) -> None:
        """One plain line on stderr.

        A counting line (``3 of 12 hosts``) that only differs from the previous one in its
        numbers is left out unless :data:`PROGRESS_EVERY` seconds have passed.
        """
        shape = re.sub(r"[0-9]+", "#", text)
        now = self._monotonic()
        if not text or (shape == self._last_shape and now - self._last_at < PROGRESS_EVERY):
            return
        self._last_shape, self._last_at = shape, now
        print(text, file=sys.stderr, flush=True)

    def result(self, result: Result) -> None:
        """The command's result: its JSON document, or its text."""
        data = result.data
        if result.refused:
            print(f"zoomadmin: {result.refused}", file=sys.stderr, flush=True)
            data = {**data, "error": {"message": result.refused, "kind": Fault.REFUSAL.value}}
        if self.as_json:
            self._document(data)
        elif result.text:
            print(result.text, flush=True)

    def refusal(self, exc: AppError) -> None:
        """An error a person can act on: its message on stderr (and as JSON on stdout)."""
        self.error(exc.user_message, exc.fault.value)

    def error(self, message: str, kind: str) -> None:
        """``message`` on stderr, and with ``--json`` the document ``{"error": ...}``."""
        print(f"zoomadmin: {message}", file=sys.stderr, flush=True)
        if self.as_json:
            self._document({"error": {"message": message, "kind": kind}})

    @staticmethod
    def _document(data: Json) -> None:
        print(json.dumps(data, ensure_ascii=False, indent=2), flush=True)
