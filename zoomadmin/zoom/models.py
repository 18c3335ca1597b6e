"""Typed Zoom objects (pydantic v2), tolerant of fields Zoom adds later."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from zoomadmin.core.enums import UserStatus, UserType

T = TypeVar("T")


class ZoomModel(BaseModel):
    """Base of every Zoom object: unknown fields are ignored, never an error."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: Any) -> Any:
        # Zoom quirk: unset times and numbers come as "" (e.g. last_login_time).
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v != ""}
        return data


class ZoomUser(ZoomModel):
    """A user of the account (list item or ``GET /users/{id}``)."""

    id: str
    email: str
    first_name: str = ""
    last_name: str = ""
    display_name: str = ""
    type: int = UserType.BASIC
    status: str = UserStatus.ACTIVE
    timezone: str = ""
    dept: str = ""
    created_at: datetime | None = None
    last_login_time: datetime | None = None
    pmi: int | None = None
    role_id: str | None = None
    account_id: str | None = None

    @property
    def is_licensed(self) -> bool:
        """Whether the user holds a paid seat."""
        return self.type == UserType.LICENSED


class UserSettings(ZoomModel):
    """A user's settings: the raw groups plus accessors for the ones zoomadmin manages."""

    raw: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UserSettings:
        """Wrap Zoom's settings body."""
        return cls(raw=data)

    def group(self, name: str) -> dict[str, Any]:
        """One settings group (``recording``, ``schedule_meeting``, ...), empty if absent."""
        value = self.raw.get(name)
        return value if isinstance(value, dict) else {}

    @property
    def recording(self) -> dict[str, Any]:
        """The ``recording`` group."""
        return self.group("recording")

    @property
    def schedule_meeting(self) -> dict[str, Any]:
        """The ``schedule_meeting`` group."""
        return self.group("schedule_meeting")

    @property
    def in_meeting(self) -> dict[str, Any]:
        """The ``in_meeting`` group."""
        return self.group("in_meeting")


class LockSettings(ZoomModel):
    """The account's locked settings: same tree as settings, every leaf a boolean."""

    raw: dict[str, Any] = Field(default_factory=dict)

    def is_locked(self, group: str, key: str) -> bool:
        """Whether ``group.key`` is enforced for all users."""
        value = self.raw.get(group)
        return bool(isinstance(value, dict) and value.get(key))


class ZoomGroup(ZoomModel):
    """A group of users (``GET /groups``): its id, name and member count."""

    id: str
    name: str = ""
    total_members: int = 0


class ZoomGroupMember(ZoomModel):
    """A member of a group, as ``GET /groups/{groupId}/members`` lists it."""

    id: str
    email: str = ""
    primary_group: bool = False


class PlanUsage(ZoomModel):
    """Licensed seats bought and in use (``plan_base`` of the plan usage)."""

    seats_purchased: int
    seats_used: int
    pending: int = 0

    @property
    def seats_free(self) -> int:
        """Seats that can be given out now."""
        return max(0, self.seats_purchased - self.seats_used)


class UsersSummary(ZoomModel):
    """Counts of users by kind (``GET /users/summary``)."""

    licensed_users_count: int = 0
    basic_users_count: int = 0
    pending_users_count: int = 0
    total_users_count: int = 0


class MeetingType(enum.IntEnum):
    """Zoom's meeting ``type``."""

    INSTANT = 1
    SCHEDULED = 2
    RECURRING_NO_FIXED_TIME = 3
    PMI = 4
    RECURRING_FIXED_TIME = 8


class Recurrence(ZoomModel):
    """The recurrence of a type 8 meeting."""

    type: int
    repeat_interval: int | None = None
    weekly_days: str | None = None
    monthly_day: int | None = None
    monthly_week: int | None = None
    monthly_week_day: int | None = None
    end_times: int | None = None
    end_date_time: datetime | None = None


class MeetingRequest(ZoomModel):
    """The body of a meeting create (fields left None are not sent)."""

    topic: str
    type: MeetingType = MeetingType.SCHEDULED
    start_time: datetime | None = None
    duration: int | None = None
    timezone: str | None = None
    agenda: str | None = None
    password: str | None = None
    recurrence: Recurrence | None = None
    settings: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON body Zoom expects (UTC times as ``yyyy-MM-ddTHH:mm:ssZ``)."""
        body = self.model_dump(mode="json", exclude_none=True)
        if self.start_time is not None:
            body["start_time"] = zoom_time(self.start_time)
        return body


def zoom_time(moment: datetime) -> str:
    """A datetime as Zoom takes it: aware -> UTC ``...Z``; naive -> local (send ``timezone``)."""
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%dT%H:%M:%S")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Occurrence(ZoomModel):
    """One occurrence of a recurring meeting."""

    occurrence_id: str
    start_time: datetime | None = None
    duration: int | None = None
    status: str = "available"


class Meeting(ZoomModel):
    """A meeting (create answer, list item or ``GET /meetings/{id}``)."""

    id: int
    uuid: str = ""
    host_id: str = ""
    topic: str = ""
    type: int = MeetingType.SCHEDULED
    status: str | None = None
    start_time: datetime | None = None
    duration: int | None = None
    timezone: str | None = None
    agenda: str | None = None
    created_at: datetime | None = None
    join_url: str = ""
    start_url: str = Field(default="", repr=False)
    password: str = Field(default="", repr=False)
    recurrence: Recurrence | None = None
    occurrences: list[Occurrence] = Field(default_factory=list)
    settings: dict[str, Any] = Field(default_factory=dict, repr=False)


class PastMeeting(ZoomModel):
    """An ended meeting instance (``GET /past_meetings/{uuid}``)."""

    uuid: str
    id: int
    host_id: str = ""
    topic: str = ""
    start_time: datetime | None = None
    end_time: datetime | None = None
    duration: int | None = None
    participants_count: int | None = None


class Participant(ZoomModel):
    """A participant of a past meeting."""

    id: str = ""
    user_id: str = ""
    name: str = ""
    user_email: str = ""
    join_time: datetime | None = None
    leave_time: datetime | None = None
    duration: int | None = None


class EndedMeeting(ZoomModel):
    """A meeting that ended, as the dashboard's past list gives it
    (``GET /metrics/meetings?type=past``; its ``duration`` is text such as ``00:45``)."""

    uuid: str
    id: int
    host_id: str = ""
    email: str = ""
    start_time: datetime | None = None
    end_time: datetime | None = None


class LiveMeeting(ZoomModel):
    """A meeting running now (``GET /metrics/meetings?type=live``)."""

    uuid: str
    id: int
    topic: str = ""
    host: str = ""
    email: str = ""
    user_type: str = ""
    start_time: datetime | None = None
    participants: int | None = None
    has_recording: bool = False
    host_id: str = ""


class RecordingFile(ZoomModel):
    """One file of a cloud recording."""

    id: str = ""
    meeting_id: str = ""
    recording_start: datetime | None = None
    recording_end: datetime | None = None
    file_type: str = ""
    file_extension: str = ""
    file_size: int | None = None
    download_url: str = Field(default="", repr=False)
    play_url: str = Field(default="", repr=False)
    status: str = ""
    recording_type: str = ""
    deleted_time: datetime | None = None


class Recording(ZoomModel):
    """A meeting's cloud recording with its files."""

    uuid: str
    id: int
    account_id: str = ""
    host_id: str = ""
    host_email: str = ""
    topic: str = ""
    type: int | None = None
    start_time: datetime | None = None
    timezone: str | None = None
    duration: int | None = None
    total_size: int | None = None
    recording_count: int | None = None
    share_url: str = Field(default="", repr=False)
    recording_files: list[RecordingFile] = Field(default_factory=list)


class Page(ZoomModel, Generic[T]):
    """One page of a list: items, the total Zoom reports, and the token of the next page."""

    items: list[T]
    total_records: int | None = None
    next_page_token: str = ""

    @property
    def is_last(self) -> bool:
        """Whether no page follows."""
        return not self.next_page_token


class QuotaStatus(ZoomModel):
    """How much of a host's daily meeting create/update quota is used."""

    host_id: str
    used: int
    limit: int
    resets_at: datetime

    @property
    def remaining(self) -> int:
        """Requests left today."""
        return max(0, self.limit - self.used)

    def describe(self) -> str:
        """E.g. "37 of 100 used today, resets 00:00 UTC"."""
        return f"{self.used} of {self.limit} used today, resets {self.resets_at:%H:%M} UTC"
