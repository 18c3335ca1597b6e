"""Reconciles recording.completed: recordings listed for the account that nobody reported."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from zoomadmin.zoom.errors import MissingScope, NoPrivilege, ZoomError
from zoomadmin.zoom.events.model import Event, EventKind
from zoomadmin.zoom.models import Recording

log = logging.getLogger(__name__)

#: How many UTC days before today are listed: a meeting that started yesterday may finish
#: processing today, and Zoom files a recording under its meeting's start date.
LOOKBACK_DAYS = 1


class RecordingClient(Protocol):
    """What the watch needs of :class:`~zoomadmin.zoom.client.ZoomClient`."""

    def iter_account_recordings(self, start: date, end: date) -> AsyncIterator[Recording]:
        """Every recording of the account from ``start`` to ``end`` (UTC dates)."""
        ...


class RecordingWatch:
    """Turns recordings that appear in the account's listing into recording.completed events.

    One listing per look (``GET /accounts/me/recordings`` for yesterday and today, 300 per
    page). The first look only learns what already exists, so a start does not report old
    recordings again. A recording another source reported (:meth:`observe`) is not reported.
    Without the scope or the plan to list the account's recordings, the watch turns itself
    off and ``detail`` says why; meeting events are reconciled all the same.
    """

    def __init__(self, client: RecordingClient, account_id: str, now: Callable[[], datetime]):
        """Watch ``client``'s account; ``now`` gives today's UTC date."""
        self._client = client
        self._account_id = account_id
        self._now = now
        self._listed: set[str] | None = None  # UUIDs in the last listing; None before the first
        self._reported: set[str] = set()  # reported elsewhere, not listed yet
        self.enabled = True
        self.detail = ""

    def observe(self, event: Event) -> None:
        """Learn of a recording another source reported."""
        if event.kind is EventKind.RECORDING_COMPLETED and event.meeting_uuid:
            self._reported.add(event.meeting_uuid)

    async def check(self) -> list[Event]:
        """The recordings completed since the last look that nobody reported yet."""
        if not self.enabled:
            return []
        today = self._now().date()
        start = today - timedelta(days=LOOKBACK_DAYS)
        try:
            listed = {r.uuid: r async for r in self._client.iter_account_recordings(start, today)}
        except (MissingScope, NoPrivilege) as exc:
            self.enabled = False
            self.detail = (
                "New recordings show up only when Zoom announces them (checking for missed "
                f"ones is off): {exc.user_message}"
            )
            log.warning("Polling recordings turned off: %s", exc.user_message)
            return []
        except ZoomError as exc:
            log.info("Listing recordings failed; trying at the next poll: %s", exc.user_message)
            return []
        first, known = self._listed is None, (self._listed or set()) | self._reported
        self._listed = set(listed)
        self._reported -= self._listed  # seen in a listing: the listing remembers it now
        if first:
            return []
        return [self._event(rec) for uuid, rec in listed.items() if uuid not in known]

    def _event(self, recording: Recording) -> Event:
        obj: dict[str, Any] = recording.model_dump(mode="json", exclude={"share_url"})
        obj = {k: v for k, v in obj.items() if v is not None}
        ends = [f.recording_end for f in recording.recording_files if f.recording_end]
        when = max(ends) if ends else self._now()
        return Event(EventKind.RECORDING_COMPLETED, when, self._account_id, obj, "poller")
