"""Natural sort keys: "teach+a-2" before "teach+a-10", letter case ignored."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\d+")
WIDTH = 20
"""Digit runs are padded to this many digits (longer ones keep their length)."""


def natural_key(text: str) -> str:
    """A string that sorts digit runs as numbers and the rest case-insensitively.

    A string, not a tuple, so Qt's own sorting (a QSortFilterProxyModel comparing the sort
    role) orders it too: Qt cannot compare Python tuples.
    """
    return _DIGITS.sub(lambda found: found.group().zfill(WIDTH), text.casefold())
