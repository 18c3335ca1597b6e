"""When this process started: the origin of every start-up figure (window shown, loaded)."""

from __future__ import annotations

import os
import time
from pathlib import Path


def process_start_time() -> float:
    """When this process started, as ``time.time()`` (Linux: from /proc; else import time).

    /proc gives the start in clock ticks since boot. It is compared with the clock since boot
    (``CLOCK_BOOTTIME``), not added to /proc/stat's ``btime``: btime is whole seconds, so that
    sum could be up to a second early and every start-up figure a second too long.
    """
    try:
        stat = Path("/proc/self/stat").read_text(encoding="ascii")
        ticks = int(stat.rsplit(")", 1)[1].split()[19])
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
        return time.time() - age
    except (OSError, ValueError, IndexError, AttributeError):
        return _IMPORTED_AT


_IMPORTED_AT = time.time()
