"""Follows a separately started sandbox's clock, so the jobs' "now" is the sandbox's.

An account opened with ``ZOOMADMIN_SANDBOX_ADMIN_URL`` (a ``zoomadmin sandbox serve`` of
its own) reads that sandbox's clock when it opens; someone may then step it or change its
speed from outside (its admin API, a test, another desk). This job reads it again every
second while it runs, and :class:`~zoomadmin.core.clock.AppClock` wakes every job asleep on
it when the reading is not where it was.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from zoomadmin.core.errors import AppError
from zoomadmin.jobs.supervisor import JobReport

log = logging.getLogger(__name__)

FOLLOW_EVERY = 1.0
"""Real seconds between readings of the sandbox's clock."""


class SandboxClockJob:
    """Reads the sandbox's clock into the account's clock, every :data:`FOLLOW_EVERY` s."""

    name = "sandbox-clock"

    def __init__(self, read: Callable[[], Awaitable[object]], every: float = FOLLOW_EVERY) -> None:
        self._read = read
        self._every = every

    async def run(self, report: JobReport) -> None:
        """Read, sleep, read again, until cancelled; a sandbox away is waited for."""
        away = False
        while True:
            try:
                await self._read()
            except AppError as exc:  # the sandbox is away: the clock goes on at its last speed
                if not away:
                    log.info("The sandbox's clock did not answer: %s", exc.user_message)
                away = True
                report.waiting(None, "the sandbox's clock does not answer")
            else:
                if away:
                    log.info("The sandbox's clock answers again")
                away = False
                report.waiting(None, "following the sandbox's clock")
            await asyncio.sleep(self._every)
