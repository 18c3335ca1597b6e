"""The records every layer passes around: tenants, hosts and sessions, as frozen dataclasses."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from zoomadmin.core.errors import InvalidValue

TenantId = int
HostId = int
ZoomUserId = str
"""Zoom's id of a user (``KDcuGIm1QgePTO8WbOqwIQ``)."""

DEFAULT_EMAIL_SCHEME = "{mailbox}+{tenant}-{n}@{domain}"
"""Plus-addressing: every host of every tenant shares one real mailbox."""


def slugify(name: str) -> str:
    """A short lowercase tag for emails from a tenant name: "Acme Corp." -> "acme-corp"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def render_email(scheme: str, mailbox: str, tenant: str, domain: str, n: int) -> str:
    """Fill an email scheme such as ``{mailbox}+{tenant}-{n}@{domain}``."""
    try:
        return scheme.format(mailbox=mailbox, tenant=tenant, domain=domain, n=n)
    except (KeyError, IndexError, ValueError) as exc:
        raise InvalidValue(
            f"The email scheme {scheme!r} can only use {{mailbox}}, {{tenant}}, {{n}} and "
            f"{{domain}} ({exc})."
        ) from exc


@dataclass(frozen=True)
class TenantRecord:
    """A stored tenant."""

    id: TenantId
    name: str
    slug: str
    timezone: str
    mailbox: str
    domain: str
    email_scheme: str
    settings_policy: str | None
    created_at: datetime
    updated_at: datetime

    def host_email(self, n: int) -> str:
        """The email of this tenant's ``n``-th host under its scheme."""
        return render_email(self.email_scheme, self.mailbox, self.slug, self.domain, n)


@dataclass(frozen=True)
class TenantSummary:
    """A row of the tenants list."""

    tenant: TenantRecord
    host_count: int
    coming_sessions: int
    next_session_at: datetime | None
    policy_name: str | None = None
    """The tenant's saved settings policy (None: the default one nobody saved yet)."""


@dataclass(frozen=True)
class FieldChange:
    """One Zoom-owned field of a host that differs from the stored copy."""

    field: str
    """``email``, ``first_name``, ``last_name``, ``user_type`` or ``status``."""
    old: str | int
    new: str | int


def encode_changes(changes: tuple[FieldChange, ...]) -> str | None:
    """The form the store keeps a host's changes in (None when there are none)."""
    if not changes:
        return None
    return json.dumps([[c.field, c.old, c.new] for c in changes], ensure_ascii=False)


def decode_changes(text: str | None) -> tuple[FieldChange, ...] | str | None:
    """The changes kept by :func:`encode_changes`; a note written by an older version as is."""
    if not text:
        return None
    try:
        data = json.loads(text)
        return tuple(FieldChange(str(f), old, new) for f, old, new in data)
    except (ValueError, TypeError):
        return text


@dataclass(frozen=True)
class HostRecord:
    """A stored host."""

    id: HostId
    tenant_id: TenantId | None
    zoom_user_id: ZoomUserId
    email: str
    first_name: str
    last_name: str
    user_type: int
    status: str
    missing_in_zoom: bool
    changed_in_zoom: str | None
    """What changed in Zoom since the last sync, as :func:`decode_changes` reads it."""
    last_synced_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @property
    def display_name(self) -> str:
        """First and last name, or the email when Zoom has no name."""
        return f"{self.first_name} {self.last_name}".strip() or self.email

    @property
    def zoom_changes(self) -> tuple[FieldChange, ...] | str | None:
        """The fields Zoom changed since the last sync (a legacy note comes back as text)."""
        return decode_changes(self.changed_in_zoom)


@dataclass(frozen=True)
class HostOverview:
    """A row of the hosts view: the host and when its next session starts."""

    host: HostRecord
    next_session_at: datetime | None


@dataclass(frozen=True)
class SessionRecord:
    """One session on the calendar: an occurrence with its meeting and host."""

    meeting_id: int
    occurrence_id: str
    topic: str
    start_time: datetime
    duration_minutes: int
    status: str
    host_id: HostId
    host_email: str
    tenant_id: TenantId | None

    @property
    def end_time(self) -> datetime:
        """When the session is planned to end."""
        return self.start_time + timedelta(minutes=self.duration_minutes)
