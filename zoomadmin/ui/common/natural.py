"""Natural sort keys: "teach+a-2" before "teach+a-10", letter case ignored."""

from __future__ import annotations

import re

_PARTS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """A key that orders digit runs as numbers and the rest case-insensitively."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.casefold())
        for part in _PARTS.split(text)
        if part
    )
