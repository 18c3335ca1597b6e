"""The sandbox account's in-memory world: dataclasses, O(1) indexes, one lock, JSON persistence."""

from __future__ import annotations

import base64
import random
import secrets
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from zoomadmin.sandbox.defaults import (
    DEFAULT_SCOPES,
    default_account_settings,
    default_lock_settings,
    default_user_settings,
)
from zoomadmin.sandbox.groups import GroupBook

Plan = Literal["free", "pro", "business"]

_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@dataclass(slots=True)
class AccountConfig:
    """Credentials and knobs of the one sandbox account."""

    account_id: str
    client_id: str
    client_secret: str
    webhook_secret: str
    subscription_id: str
    plan: Plan = "business"
    paid_seats: int = 5
    isv_partner: bool = False
    token_lifetime_seconds: int = 3599
    late_join_share: float = 0.1
    no_show_share: float = 0.05
    #: False turns off per-second and daily API rate limits (load measurements only).
    rate_limits: bool = True
    overrun_minutes: tuple[int, int] = (0, 6)
    recording_delay_minutes: tuple[int, int] = (2, 10)
    pending_activation_minutes: int = 30
    #: None = the full admin scope set; a set restricts what new tokens carry.
    scopes: frozenset[str] | None = None
    owner_email: str = "owner@sandbox.example.com"
    timezone: str = "UTC"
    #: Bytes per second per download connection from signed storage; 0 = unlimited.
    download_rate: int = 0
    #: License assignments (a user's type to or from Licensed) the account may make in any
    #: rolling hour before Zoom refuses more; 0 = no limit (Zoom publishes no number).
    license_moves_per_hour: int = 0


@dataclass(slots=True)
class User:
    """A user of the account; ``licensed_spans`` records when it held a paid seat (type 2)."""

    id: str
    email: str
    first_name: str
    last_name: str
    type: int
    status: str
    created_at: datetime
    pmi: int
    display_name: str = ""
    role_id: str = "2"
    timezone: str = "UTC"
    dept: str = ""
    language: str = "en-US"
    verified: int = 1
    activates_at: datetime | None = None
    last_login_time: datetime | None = None
    settings: dict[str, dict[str, Any]] = field(default_factory=default_user_settings)
    licensed_spans: list[tuple[datetime, datetime | None]] = field(default_factory=list)


@dataclass(slots=True)
class Meeting:
    """A scheduled (2), instant (1) or recurring (3, 8) meeting."""

    id: int
    uuid: str
    host_id: str
    topic: str
    type: int
    start_time: datetime | None
    duration: int
    timezone: str
    created_at: datetime
    agenda: str = ""
    password: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    recurrence: dict[str, Any] | None = None
    deleted_occurrences: set[str] = field(default_factory=set)
    status: str = "waiting"
    deleted: bool = False
    occurrence_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(slots=True)
class Occurrence:
    """One occurrence of a recurring meeting (computed by sandbox.recurrence)."""

    occurrence_id: str
    start_time: datetime
    duration: int
    status: str = "available"


@dataclass(slots=True)
class LiveMeeting:
    """A meeting instance in progress."""

    meeting_id: int
    uuid: str
    host_id: str
    started_at: datetime
    scheduled_end: datetime
    ends_at: datetime
    occurrence_id: str | None = None
    participants: list[dict[str, Any]] = field(default_factory=list)
    cut_at_40: bool = False


@dataclass(slots=True)
class PastMeeting:
    """An ended meeting instance (GET /past_meetings/{uuid})."""

    uuid: str
    meeting_id: int
    host_id: str
    topic: str
    type: int
    start_time: datetime
    end_time: datetime
    duration: int
    participants: list[dict[str, Any]] = field(default_factory=list)
    total_minutes: int = 0


@dataclass(slots=True)
class RecordingFile:
    """One cloud recording file; its bytes come from sandbox.media."""

    id: str
    meeting_uuid: str
    file_type: str
    file_extension: str
    recording_type: str
    recording_start: datetime
    recording_end: datetime
    file_size: int
    status: str = "completed"
    deleted_time: datetime | None = None


@dataclass(slots=True)
class Recording:
    """The cloud recording of one meeting instance."""

    uuid: str
    meeting_id: int
    host_id: str
    topic: str
    type: int
    start_time: datetime
    duration: int
    timezone: str
    password: str
    share_url: str
    completed_at: datetime
    files: list[RecordingFile] = field(default_factory=list)
    trashed_at: datetime | None = None
    deleted: bool = False


@dataclass(slots=True)
class Token:
    """An access token (``kind`` "access") or a recording download token ("download")."""

    value: str
    expires_at: datetime
    scopes: frozenset[str] = DEFAULT_SCOPES
    kind: str = "access"
    meeting_uuid: str | None = None


@dataclass(slots=True)
class WebhookSubscription:
    """An event subscription: a webhook URL, or the WebSocket stream when ``url`` is empty."""

    id: str
    url: str
    secret: str | None
    events: list[str] | None = None


def random_id(rng: random.Random, length: int = 22) -> str:
    """A url-safe random string like Zoom's user and file ids."""
    return "".join(rng.choices(_ID_ALPHABET, k=length))


def secret_id(length: int = 22) -> str:
    """Like :func:`random_id`, from the OS's secure source: for credentials, never seeded."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


class SandboxState:
    """Everything the sandbox account holds; take ``lock`` around reads that span several calls."""

    def __init__(self, account: AccountConfig) -> None:
        """An empty account (no users yet: a seed or add_user fills it)."""
        self.lock = threading.RLock()
        self.account = account
        self.users: dict[str, User] = {}
        self.users_by_email: dict[str, str] = {}
        self.meetings: dict[int, Meeting] = {}
        self.meetings_by_host: dict[str, list[int]] = {}
        self.meeting_by_uuid: dict[str, int] = {}
        self.live: dict[int, LiveMeeting] = {}
        self.past: dict[str, PastMeeting] = {}
        self.past_by_meeting: dict[int, list[str]] = {}
        self.recordings: dict[str, Recording] = {}
        self.recordings_by_host: dict[str, list[str]] = {}
        self.recording_files: dict[str, RecordingFile] = {}
        self.tokens: dict[str, Token] = {}
        self.webhook_subscriptions: dict[str, WebhookSubscription] = {}
        self.quota: dict[tuple[str, date], int] = {}
        self.owner_id: str = ""
        self.account_settings: dict[str, dict[str, Any]] = default_account_settings()
        self.lock_settings: dict[str, dict[str, bool]] = default_lock_settings()
        self.groups = GroupBook()
        #: Ended instances whose cloud recording completes later: (when, instance uuid).
        self.pending_recordings: list[tuple[datetime, str]] = []
        #: When each recent license assignment was made (for ``license_moves_per_hour``).
        self.license_moves: list[datetime] = []
        self._uuids: set[str] = set()

    def load_from(self, other: SandboxState) -> None:
        """Take over ``other``'s whole content in place (holders of this object see the change)."""
        with self.lock:
            for name, value in vars(other).items():
                if name != "lock":
                    setattr(self, name, value)

    # -- id helpers ---------------------------------------------------------------------------

    def new_user_id(self, rng: random.Random) -> str:
        """A fresh 22-char url-safe user id."""
        while True:
            value = random_id(rng)
            if value not in self.users:
                return value

    def new_meeting_id(self, rng: random.Random) -> int:
        """A fresh meeting number of 10-11 digits."""
        while True:
            value = rng.randrange(1_000_000_000, 99_999_999_999)
            if value not in self.meetings:
                return value

    def new_uuid(self, rng: random.Random) -> str:
        """A fresh 24-char base64 meeting-instance UUID ending in "=="."""
        while True:
            value = base64.b64encode(rng.randbytes(16)).decode("ascii")
            if value not in self._uuids:
                self._uuids.add(value)
                return value

    # -- add / remove (all O(1) amortised) -----------------------------------------------------

    def add_user(self, user: User) -> None:
        """Add (or replace) a user and index its email; the first user added becomes the owner."""
        with self.lock:
            self.users[user.id] = user
            self.users_by_email[user.email.lower()] = user.id
            self.meetings_by_host.setdefault(user.id, [])
            self.recordings_by_host.setdefault(user.id, [])
            if not self.owner_id:
                self.owner_id = user.id

    def remove_user(self, user_id: str) -> User | None:
        """Remove a user and its indexes; its meetings are marked deleted. Returns the user."""
        with self.lock:
            user = self.users.pop(user_id, None)
            if user is None:
                return None
            self.users_by_email.pop(user.email.lower(), None)
            for meeting_id in self.meetings_by_host.pop(user_id, []):
                meeting = self.meetings.get(meeting_id)
                if meeting is not None:
                    meeting.deleted = True
            return user

    def add_meeting(self, meeting: Meeting) -> None:
        """Add a meeting; ``meetings_by_host`` keeps creation order (sort by start_time to list)."""
        with self.lock:
            self.meetings[meeting.id] = meeting
            self._uuids.add(meeting.uuid)
            self.meeting_by_uuid[meeting.uuid] = meeting.id
            self.meetings_by_host.setdefault(meeting.host_id, []).append(meeting.id)

    def add_past(self, past: PastMeeting) -> None:
        """Record an ended meeting instance."""
        with self.lock:
            self.past[past.uuid] = past
            self._uuids.add(past.uuid)
            self.past_by_meeting.setdefault(past.meeting_id, []).append(past.uuid)

    def add_recording(self, rec: Recording) -> None:
        """Add a recording and index its files by id."""
        with self.lock:
            self.recordings[rec.uuid] = rec
            self.recordings_by_host.setdefault(rec.host_id, []).append(rec.uuid)
            for item in rec.files:
                self.recording_files[item.id] = item

    def add_token(self, token: Token) -> None:
        """Register an access or download token."""
        with self.lock:
            self.tokens[token.value] = token

    # -- lookups ------------------------------------------------------------------------------

    def find_user(self, key: str) -> User | None:
        """A user by id, email (any case) or ``me`` (the account owner)."""
        if key == "me":
            key = self.owner_id
        user = self.users.get(key)
        if user is not None:
            return user
        user_id = self.users_by_email.get(key.lower())
        return self.users.get(user_id) if user_id else None

    def latest_instance(self, meeting_id: int) -> str | None:
        """The UUID of the most recent ended instance of a meeting, if any."""
        uuids = self.past_by_meeting.get(meeting_id)
        return uuids[-1] if uuids else None

    def scopes(self) -> frozenset[str]:
        """The scopes new access tokens carry."""
        scopes = self.account.scopes
        return DEFAULT_SCOPES if scopes is None else scopes

    # -- persistence --------------------------------------------------------------------------

    def to_json(self) -> str:
        """The whole account as JSON (see :mod:`zoomadmin.sandbox.persist`)."""
        from zoomadmin.sandbox.persist import state_to_json

        return state_to_json(self)

    @classmethod
    def from_json(cls, text: str) -> SandboxState:
        """Rebuild an account written by :meth:`to_json`."""
        from zoomadmin.sandbox.persist import state_from_json

        return state_from_json(text)
