"""The tables, as SQLModel classes; migrations/ must build exactly this schema."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from zoomadmin.core.records import DEFAULT_EMAIL_SCHEME
from zoomadmin.store.types import UtcDateTime, utc_now

# Stable constraint names, so later migrations (SQLite batch mode included) can refer to them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Tenant(SQLModel, table=True):
    """A group of host users with its own time zone and host email scheme."""

    __tablename__ = "tenant"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    slug: str = Field(unique=True)
    """Short name put into host emails as ``{tenant}``; kept when the tenant is renamed."""
    timezone: str
    mailbox: str
    domain: str
    email_scheme: str = DEFAULT_EMAIL_SCHEME
    settings_policy: str | None = None
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)


class Host(SQLModel, table=True):
    """A Zoom user that hosts meetings, as last seen in Zoom."""

    __tablename__ = "host"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int | None = Field(
        default=None,
        sa_column=Column(ForeignKey("tenant.id", ondelete="SET NULL"), index=True),
    )
    zoom_user_id: str = Field(unique=True)
    email: str = Field(unique=True)
    first_name: str = ""
    last_name: str = ""
    user_type: int = 1
    status: str = "active"
    missing_in_zoom: bool = False
    changed_in_zoom: str | None = None
    last_synced_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)


class Meeting(SQLModel, table=True):
    """A Zoom meeting owned by a host; its sessions are :class:`MeetingOccurrence` rows."""

    __tablename__ = "meeting"

    id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    """Zoom's meeting id (up to 11 digits, so 64-bit)."""
    host_id: int = Field(
        sa_column=Column(ForeignKey("host.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    topic: str = ""
    meeting_type: int = 2
    start_time: datetime | None = Field(default=None, sa_type=UtcDateTime)
    duration_minutes: int = 60
    timezone: str | None = None
    join_url: str | None = None
    """The participants' link, as Zoom last gave it (the host's start link is never stored:
    it expires after two hours and starts the meeting as the host; it is fetched when asked)."""
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)


class MeetingOccurrence(SQLModel, table=True):
    """One session of a meeting: an occurrence of a recurring one, or a one-off's only time."""

    __tablename__ = "meeting_occurrence"
    __table_args__ = (
        UniqueConstraint("meeting_id", "occurrence_id"),
        Index("ix_meeting_occurrence_start_time", "start_time"),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False)
    )
    occurrence_id: str = ""
    """Zoom's occurrence id; empty for a meeting that does not recur."""
    start_time: datetime = Field(sa_type=UtcDateTime)
    duration_minutes: int = 60
    status: str = "available"


class QuotaLedgerEntry(SQLModel, table=True):
    """Meeting create/update requests one host made on one UTC day (Zoom allows 100)."""

    __tablename__ = "quota_ledger"

    host_id: str = Field(primary_key=True)
    """The host's Zoom user id (the ledger is keyed as the API client sees hosts)."""
    day: date = Field(primary_key=True)
    used: int = 0
    daily_limit: int = 100
    exhausted: bool = False
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)


class AuditEntry(SQLModel, table=True):
    """One change zoomadmin made, with the values before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime, index=True)
    actor: str
    action: str
    object_type: str
    object_id: str
    old_value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    new_value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))


class ScheduleIntent(SQLModel, table=True):
    """One Zoom write the schedule queue will send (or sent): a meeting to create, an
    occurrence to delete from a meeting another intent creates, or a change (move, new time
    or length, cancel) of a meeting already in Zoom (``meeting_id``)."""

    __tablename__ = "schedule_intent"
    __table_args__ = (
        Index("ix_schedule_intent_queue", "state", "zoom_user_id", "first_start", "seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    batch: str = Field(index=True)
    """The submission it came from."""
    marker: str = Field(unique=True)
    """Written into the meeting's agenda, so a meeting found in Zoom is known as ours."""
    kind: str = "create"
    """An :class:`~zoomadmin.core.schedule.IntentKind`: a create, or a change of a meeting."""
    host_id: int = Field(
        sa_column=Column(ForeignKey("host.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    zoom_user_id: str
    tenant_id: int | None = None
    topic: str
    meeting_type: int = 2
    start_local: str
    """Wall-clock start ``YYYY-MM-DDTHH:MM:SS`` in ``timezone`` (what Zoom is sent)."""
    timezone: str
    duration_minutes: int
    weekly_days: str | None = None
    end_times: int | None = None
    first_start: datetime = Field(sa_type=UtcDateTime)
    """UTC start of the meeting's first session: the queue sends each host's in this order."""
    seq: int = 0
    """0 for a create; 1, 2, ... for the deletes that follow it."""
    session_starts: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    """UTC starts (ISO) of the sessions it creates, or of the occurrence it deletes."""
    parent_id: int | None = Field(
        default=None,
        sa_column=Column(ForeignKey("schedule_intent.id", ondelete="CASCADE"), nullable=True),
    )
    occurrence_id: str | None = None
    """The occurrence a change is for (None: the whole meeting)."""
    recurrence: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    """A series change's new ``recurrence`` object."""
    state: str = "queued"
    wait_until: datetime | None = Field(default=None, sa_type=UtcDateTime)
    reason: str | None = None
    attempts: int = 0
    meeting_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    claimed_by: str | None = None
    """The process (``host:pid``) sending it now; another process leaves it alone."""
    claimed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)


class SettingsPolicyRow(SQLModel, table=True):
    """A tenant's settings policy (a named template) and the Zoom group that holds it."""

    __tablename__ = "settings_policy"

    tenant_id: int = Field(
        sa_column=Column(ForeignKey("tenant.id", ondelete="CASCADE"), primary_key=True)
    )
    name: str
    body: Any = Field(sa_column=Column(JSON, nullable=False))
    """The policy as :meth:`zoomadmin.core.policy.SettingsPolicy.to_json` writes it."""
    zoom_group_id: str | None = None
    zoom_group_name: str = ""
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)


class HostSettingsSnapshot(SQLModel, table=True):
    """A host's effective policy settings as last read from Zoom (value, layer, locked)."""

    __tablename__ = "host_settings_snapshot"

    host_id: int = Field(
        sa_column=Column(ForeignKey("host.id", ondelete="CASCADE"), primary_key=True)
    )
    fetched_at: datetime = Field(sa_type=UtcDateTime, index=True)
    facts: Any = Field(sa_column=Column(JSON, nullable=False))


class RecordingMeeting(SQLModel, table=True):
    """One recorded meeting instance as Zoom last listed it (kept when Zoom deletes it)."""

    __tablename__ = "recording_meeting"
    __table_args__ = (Index("ix_recording_meeting_host_start", "host_zoom_id", "start_time"),)

    uuid: str = Field(primary_key=True)
    """Zoom's meeting-instance UUID."""
    meeting_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    host_zoom_id: str
    host_email: str = ""
    topic: str = ""
    start_time: datetime = Field(sa_type=UtcDateTime, index=True)
    timezone: str | None = None
    duration_minutes: int = 0
    total_size: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    in_trash: bool = False
    deleted_in_zoom: bool = False
    """Zoom no longer lists it (neither live nor in the trash); the local copy stays."""
    seen_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)


class RecordingFileRow(SQLModel, table=True):
    """One file of a recorded meeting, with where its local copy stands."""

    __tablename__ = "recording_file"

    id: str = Field(primary_key=True)
    """Zoom's file id (files without one get ``{uuid}#{type}#{n}``)."""
    meeting_uuid: str = Field(
        sa_column=Column(
            ForeignKey("recording_meeting.uuid", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    file_type: str = ""
    file_extension: str = ""
    recording_type: str = ""
    file_size: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    status: str = "completed"
    """Zoom's status: anything but ``completed`` is still processing."""
    recording_start: datetime | None = Field(default=None, sa_type=UtcDateTime)
    download_url: str = ""
    in_trash: bool = False
    deleted_in_zoom: bool = False
    local_state: str = Field(default="none", index=True)
    """none, queued, downloading, verified, failed (see store.recordings.LocalState)."""
    local_path: str | None = None
    local_error: str | None = None
    verified_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class RecordingRefresh(SQLModel, table=True):
    """How far one host's recordings were last read from Zoom."""

    __tablename__ = "recording_refresh"

    host_zoom_id: str = Field(primary_key=True)
    through: date
    """The last UTC day that was listed completely."""
    refreshed_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)


class RecordingRetentionRow(SQLModel, table=True):
    """A tenant's retention policy: how long a verified download's files stay in Zoom."""

    __tablename__ = "recording_retention"

    tenant_id: int = Field(
        sa_column=Column(ForeignKey("tenant.id", ondelete="CASCADE"), primary_key=True)
    )
    keep_days: int | None = None
    """Days in Zoom's cloud after the local copy was verified; None: never moved to trash."""
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UtcDateTime)


class ZoomadminProcess(SQLModel, table=True):
    """A zoomadmin process working on an account in a shared database: an agent or a desk.

    Each writes its own row every few seconds (its heartbeat); a row not seen for a while
    is a process that is gone. The leader's row carries what ``zoomadmin agent status``
    shows from any machine: its jobs' states and short queue and pool summaries.
    """

    __tablename__ = "zoomadmin_process"
    __table_args__ = (Index("ix_zoomadmin_process_account", "account", "seen_at"),)

    id: str = Field(primary_key=True)
    """``host:pid:random`` (unique even when a pid is reused)."""
    account: str
    """Whose jobs: the Zoom account id (one lease per account)."""
    host: str
    pid: int
    role: str
    """``agent`` or ``desktop``."""
    leading: bool = False
    started_at: datetime = Field(sa_type=UtcDateTime)
    seen_at: datetime = Field(sa_type=UtcDateTime)
    leading_since: datetime | None = Field(default=None, sa_type=UtcDateTime)
    status: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
