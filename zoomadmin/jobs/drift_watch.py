"""Re-read a host's settings when Zoom says a setting a policy holds has changed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from zoomadmin.core.errors import AppError
from zoomadmin.jobs.supervisor import JobReport
from zoomadmin.services.drift import DriftService
from zoomadmin.services.settings_layers import POLICY_KEYS
from zoomadmin.zoom.events.model import Event, EventKind
from zoomadmin.zoom.events.stream import EventStream

log = logging.getLogger(__name__)


def touches_policy(changed: Mapping[str, Any]) -> bool:
    """Whether a ``user.updated`` change names a setting some policy can hold."""
    settings = changed.get("settings")
    if not isinstance(settings, Mapping):
        return False
    for group, values in settings.items():
        if isinstance(values, Mapping) and any(f"{group}.{k}" in POLICY_KEYS for k in values):
            return True
    return False


class DriftWatchJob:
    """``user.updated`` touching a policy setting re-reads that host, so drift shows at once."""

    name = "drift-watch"

    def __init__(self, events: EventStream, drift: DriftService) -> None:
        self._events = events
        self._drift = drift
        self.rechecked = 0

    async def run(self, report: JobReport) -> None:
        """Listen until cancelled (the stream gives each subscriber its own queue)."""
        unsubscribe = self._events.subscribe(self.handle)
        report.waiting(None, "watching hosts' settings")
        try:
            await asyncio.Future()  # until cancelled
        finally:
            unsubscribe()

    async def handle(self, event: Event) -> None:
        """Re-read the host of a settings change (other events are ignored)."""
        if event.kind is not EventKind.USER_UPDATED or not event.user_id:
            return
        if not touches_policy(event.changed_fields):
            return
        try:
            if await self._drift.recheck(event.user_id):
                self.rechecked += 1
        except AppError as exc:
            # The next report reads the host anyway; one failed re-read is not worth a restart.
            log.warning("Could not re-read the settings of %s: %s", event.user_id, exc.user_message)
