"""The schedule queue's vocabulary: intents (Zoom writes waiting to go), their states."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime

MARKER_PREFIX = "zoomadmin-intent:"
"""How a meeting's agenda names the intent that created it (first line)."""


class IntentKind(enum.StrEnum):
    """What one intent asks Zoom to do."""

    CREATE = "create"
    DELETE_OCCURRENCE = "delete_occurrence"
    """An occurrence of the meeting its parent (a create or a series change) made or changed."""
    UPDATE_OCCURRENCE = "update_occurrence"
    """``PATCH /meetings/{id}?occurrence_id=``: one session moved (no id: a single meeting)."""
    UPDATE_SERIES = "update_series"
    """``PATCH /meetings/{id}``: a series' time or length from its next session on."""
    CANCEL_OCCURRENCE = "cancel_occurrence"
    """``DELETE /meetings/{id}?occurrence_id=``: one session of an existing series."""
    DELETE_MEETING = "delete_meeting"
    """``DELETE /meetings/{id}``: a whole meeting (after its parent, when it has one)."""

    @property
    def changes_existing(self) -> bool:
        """Whether it changes a meeting already in Zoom (named by ``meeting_id``)."""
        return self in _CHANGES


_CHANGES = frozenset(
    {
        IntentKind.UPDATE_OCCURRENCE,
        IntentKind.UPDATE_SERIES,
        IntentKind.CANCEL_OCCURRENCE,
        IntentKind.DELETE_MEETING,
    }
)


class IntentState(enum.StrEnum):
    """Where an intent stands."""

    QUEUED = "queued"
    SENDING = "sending"
    """Sent or about to be: whether Zoom has it is checked before anything is sent again."""
    CREATED = "created"
    """Done (for a delete: the occurrence is gone)."""
    WAITING = "waiting"
    """The host's daily quota is spent: waits until ``wait_until`` (00:00 UTC)."""
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def open(self) -> bool:
        """Whether the queue still has work to do for it."""
        return self in (IntentState.QUEUED, IntentState.SENDING, IntentState.WAITING)


@dataclass(frozen=True)
class NewIntent:
    """An intent to put in the queue; deletes name their create by its index in the batch."""

    kind: IntentKind
    host_id: int
    zoom_user_id: str
    tenant_id: int | None
    topic: str
    meeting_type: int
    start_local: str
    timezone: str
    duration_minutes: int
    weekly_days: str | None
    end_times: int | None
    first_start: datetime
    seq: int
    session_starts: tuple[datetime, ...]
    parent_index: int | None = None
    """The intent of the same batch this one waits for (it is sent once that one is done)."""
    meeting_id: int | None = None
    """The meeting in Zoom that a change (update, cancel, delete) is for."""
    occurrence_id: str | None = None
    """The occurrence a change is for (None: the whole meeting)."""
    recurrence: dict[str, object] | None = None
    """A series change's new ``recurrence`` (sent as it is)."""


@dataclass(frozen=True)
class IntentRecord:
    """A stored intent."""

    id: int
    batch: str
    marker: str
    kind: IntentKind
    host_id: int
    zoom_user_id: str
    tenant_id: int | None
    topic: str
    meeting_type: int
    start_local: str
    timezone: str
    duration_minutes: int
    weekly_days: str | None
    end_times: int | None
    first_start: datetime
    seq: int
    session_starts: tuple[datetime, ...]
    parent_id: int | None
    occurrence_id: str | None
    recurrence: dict[str, object] | None
    state: IntentState
    wait_until: datetime | None
    reason: str | None
    attempts: int
    meeting_id: int | None
    claimed_by: str | None
    claimed_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @property
    def agenda_marker(self) -> str:
        """The line put first in the meeting's agenda."""
        return MARKER_PREFIX + self.marker

    @property
    def status_text(self) -> str:
        """``queued``, ``waiting for quota until 2026-03-03 00:00 UTC``, ``failed: reason``."""
        if self.state is IntentState.WAITING and self.wait_until is not None:
            return f"waiting for quota until {self.wait_until.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
        if self.state is IntentState.FAILED:
            return f"failed: {self.reason or 'unknown reason'}"
        return str(self.state)


@dataclass(frozen=True)
class QueueCounts:
    """How many sessions the queue holds in each state, and the earliest wait's end."""

    queued: int
    waiting: int
    failed: int
    created: int
    wait_until: datetime | None

    @property
    def text(self) -> str:
        """``312 sessions queued, 14 wait for Tue 00:00 UTC`` (for a status bar)."""
        parts = [f"{self.queued} sessions queued"] if self.queued else []
        if self.waiting and self.wait_until is not None:
            parts.append(f"{self.waiting} wait for {self.wait_until.astimezone(UTC):%a %H:%M} UTC")
        if self.failed:
            parts.append(f"{self.failed} failed")
        return ", ".join(parts) or "Queue empty"
