"""The one ``Event`` type every source produces, and parsing it from Zoom's envelope."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class EventKind(StrEnum):
    """The Zoom events zoomadmin acts on; the value is Zoom's event name."""

    MEETING_STARTED = "meeting.started"
    MEETING_ENDED = "meeting.ended"
    RECORDING_COMPLETED = "recording.completed"
    USER_UPDATED = "user.updated"


#: Where an event came from.
SOURCES = ("websocket", "webhook", "poller")


class MalformedEventError(ValueError):
    """A message claimed to be a Zoom event but could not be read as one."""


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Event:
    """One thing that happened in the Zoom account, whichever source reported it.

    ``object`` is Zoom's ``payload.object`` as sent (the typed properties read it);
    ``download_token`` (recording.completed only) never shows in ``repr``. Two reports of the
    same real-world event share a :attr:`dedupe_key`, so consumers see it once.
    """

    kind: EventKind
    event_ts: datetime
    account_id: str
    object: Mapping[str, Any]
    source: str
    old_object: Mapping[str, Any] = field(default_factory=dict)
    operator: str = ""
    download_token: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        # Read-only views, so no consumer can change what the next subscriber sees.
        object.__setattr__(self, "object", MappingProxyType(dict(self.object)))
        object.__setattr__(self, "old_object", MappingProxyType(dict(self.old_object)))
        if self.event_ts.tzinfo is None:
            raise MalformedEventError("event_ts must be an aware UTC time.")
        if self.source not in SOURCES:
            raise MalformedEventError(f"Unknown event source {self.source!r}.")

    # -- typed accessors --------------------------------------------------------------------

    @property
    def meeting_id(self) -> int | None:
        """The meeting's numeric id (meeting and recording events)."""
        value = self.object.get("id")
        if self.kind is EventKind.USER_UPDATED or value is None:
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            return None

    @property
    def meeting_uuid(self) -> str:
        """The meeting instance's UUID (meeting and recording events), else ``""``."""
        if self.kind is EventKind.USER_UPDATED:
            return ""
        return str(self.object.get("uuid") or "")

    @property
    def host_id(self) -> str:
        """The host user's id (meeting and recording events), else ``""``."""
        return str(self.object.get("host_id") or "")

    @property
    def start_time(self) -> datetime | None:
        """When the meeting (or recording) started."""
        return _parse_time(self.object.get("start_time"))

    @property
    def end_time(self) -> datetime | None:
        """When the meeting ended (meeting.ended only)."""
        return _parse_time(self.object.get("end_time"))

    @property
    def user_id(self) -> str:
        """The updated user's id (user.updated), else the host id."""
        if self.kind is EventKind.USER_UPDATED:
            return str(self.object.get("id") or "")
        return self.host_id

    @property
    def changed_fields(self) -> dict[str, Any]:
        """New values of the fields a user.updated changed (``id`` left out)."""
        if self.kind is not EventKind.USER_UPDATED:
            return {}
        return {k: v for k, v in self.object.items() if k != "id"}

    @property
    def old_values(self) -> dict[str, Any]:
        """Previous values of the changed fields (user.updated's ``old_object``)."""
        return {k: v for k, v in self.old_object.items() if k != "id"}

    @property
    def dedupe_key(self) -> str:
        """Equal for every report of the same real-world event, whatever its source.

        A meeting instance starts, ends and completes its recording once, so those events
        are keyed by kind and instance UUID (the poller does not know Zoom's event_ts);
        user.updated adds event_ts.
        """
        if self.kind is not EventKind.USER_UPDATED:
            return f"{self.kind}:{self.meeting_uuid or self.meeting_id}"
        return f"{self.kind}:{self.user_id}:{int(self.event_ts.timestamp() * 1000)}"


def _require_dict(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise MalformedEventError(f"Zoom event {what} is missing or not a JSON object.")
    return value


def _event_ts(value: Any) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MalformedEventError("Zoom event has no numeric event_ts (epoch milliseconds).")
    try:
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise MalformedEventError("Zoom event's event_ts is out of range.") from None


def decode_envelope(raw: bytes | str) -> dict[str, Any]:
    """The JSON object of a raw event message (UTF-8)."""
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise MalformedEventError("The event is not valid UTF-8 JSON.") from None
    except RecursionError:  # whichever source brought it (webhook, WebSocket)
        raise MalformedEventError("The event is nested too deeply to read.") from None
    return _require_dict(value, "envelope")


def parse_event(envelope: Mapping[str, Any], source: str) -> Event | None:
    """The :class:`Event` in Zoom's envelope; ``None`` for event names zoomadmin ignores.

    Raises :class:`MalformedEventError` when the envelope lacks what every event carries.
    """
    name = envelope.get("event")
    if not isinstance(name, str) or not name:
        raise MalformedEventError("Zoom event has no event name.")
    try:
        kind = EventKind(name)
    except ValueError:
        return None  # Zoom sends many more events than zoomadmin subscribes to
    payload = _require_dict(envelope.get("payload"), "payload")
    obj = _require_dict(payload.get("object"), "payload.object")
    if kind is EventKind.USER_UPDATED:
        if not obj.get("id"):
            raise MalformedEventError("user.updated has no user id.")
    elif not (obj.get("uuid") or obj.get("id")):
        raise MalformedEventError(f"{name} has neither a meeting id nor a UUID.")
    old = payload.get("old_object")
    token = envelope.get("download_token")
    return Event(
        kind=kind,
        event_ts=_event_ts(envelope.get("event_ts")),
        account_id=str(payload.get("account_id") or ""),
        object=obj,
        source=source,
        old_object=old if isinstance(old, dict) else {},
        operator=str(payload.get("operator") or ""),
        download_token=token if isinstance(token, str) else "",
    )
