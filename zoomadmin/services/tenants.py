"""Tenants: list with host and session counts, create, edit and delete, each change audited."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from zoomadmin.core.actor import current_actor
from zoomadmin.core.changes import ChangeBus, ChangeKind
from zoomadmin.core.errors import AppError
from zoomadmin.core.records import (
    DEFAULT_EMAIL_SCHEME,
    TenantRecord,
    TenantSummary,
    render_email,
    slugify,
)
from zoomadmin.store.errors import StoreError
from zoomadmin.store.repositories import Store, Transaction

__all__ = [
    "TenancyError",
    "TenantBusyError",
    "TenantDraft",
    "TenantService",
    "TenantSummary",
]

Now = Callable[[], datetime]


class TenancyError(AppError):
    """A tenant or host change was refused; ``user_message`` says what to do about it."""


class TenantBusyError(TenancyError):
    """The tenant still has hosts with coming sessions, so it cannot be deleted."""


@dataclass(frozen=True)
class TenantDraft:
    """What a person typed into the tenant form."""

    name: str
    timezone: str
    mailbox: str
    domain: str
    email_scheme: str = DEFAULT_EMAIL_SCHEME
    slug: str = ""
    settings_policy: str | None = None

    @property
    def effective_slug(self) -> str:
        """The email tag: the one typed, else one made from the name."""
        return self.slug.strip() or slugify(self.name)

    def example_email(self, n: int = 1) -> str:
        """The ``n``-th host email the scheme gives (for the form's preview)."""
        return render_email(
            self.email_scheme,
            self.mailbox.strip(),
            self.effective_slug,
            self.domain.strip().lower(),
            n,
        )


def audit_value(record: Any) -> dict[str, Any]:
    """A record as JSON-ready data for the audit log (datetimes as ISO text)."""
    out: dict[str, Any] = {}
    for key, value in asdict(record).items():
        out[key] = value.isoformat() if isinstance(value, datetime) else value
    return out


def refused(exc: StoreError) -> TenancyError:
    """The store's refusal (its text is already fit to show) as an error the UI shows."""
    return TenancyError(str(exc))


class TenantService:
    """Tenants for the UI: plain ``async def`` methods; the database runs on a worker thread."""

    def __init__(self, store: Store, *, now: Now, bus: ChangeBus) -> None:
        self._store = store
        self._now = now
        self._bus = bus

    async def summaries(self) -> list[TenantSummary]:
        """Every tenant with its host count and its coming sessions, by name."""
        return await asyncio.to_thread(self._store.tenants.summaries, self._now())

    async def get(self, tenant_id: int) -> TenantRecord:
        """One tenant."""
        try:
            return await asyncio.to_thread(self._store.tenants.get, tenant_id)
        except StoreError as exc:
            raise refused(exc) from exc

    async def create(self, draft: TenantDraft) -> TenantRecord:
        """Add a tenant; raises :class:`TenancyError` for a taken name or a bad value."""
        record = await asyncio.to_thread(self._store.atomically, lambda tx: self._create(tx, draft))
        self._bus.publish(ChangeKind.TENANTS, [record.id])
        return record

    def _create(self, tx: Transaction, draft: TenantDraft) -> TenantRecord:
        try:
            record = tx.tenants.create(
                name=draft.name,
                timezone=draft.timezone,
                mailbox=draft.mailbox,
                domain=draft.domain,
                slug=draft.effective_slug,
                email_scheme=draft.email_scheme,
                settings_policy=draft.settings_policy or None,
            )
        except StoreError as exc:
            raise refused(exc) from exc
        self._audit(tx, "tenant.create", record.id, None, audit_value(record))
        return record

    async def update(self, tenant_id: int, draft: TenantDraft) -> TenantRecord:
        """Change a tenant to what ``draft`` says."""
        record = await asyncio.to_thread(
            self._store.atomically, lambda tx: self._update(tx, tenant_id, draft)
        )
        self._bus.publish(ChangeKind.TENANTS, [tenant_id])
        # Hosts show their tenant's name and time zone.
        self._bus.publish(ChangeKind.HOSTS)
        return record

    def _update(self, tx: Transaction, tenant_id: int, draft: TenantDraft) -> TenantRecord:
        try:
            old = tx.tenants.get(tenant_id)
            new = tx.tenants.update(
                tenant_id,
                name=draft.name,
                timezone=draft.timezone,
                mailbox=draft.mailbox.strip(),
                domain=draft.domain.strip().lower(),
                slug=draft.effective_slug,
                email_scheme=draft.email_scheme,
                settings_policy=draft.settings_policy or None,
            )
        except StoreError as exc:
            raise refused(exc) from exc
        before, after = audit_value(old), audit_value(new)
        changed = [k for k in after if k != "updated_at" and before.get(k) != after[k]]
        if changed:
            self._audit(
                tx,
                "tenant.update",
                tenant_id,
                {k: before[k] for k in changed},
                {k: after[k] for k in changed},
            )
        return new

    async def delete(self, tenant_id: int) -> None:
        """Delete a tenant; refused (:class:`TenantBusyError`) while its hosts have coming sessions.

        Its hosts stay in the Zoom account and in the hosts list, with no tenant.
        """
        await asyncio.to_thread(self._store.atomically, lambda tx: self._delete(tx, tenant_id))
        self._bus.publish(ChangeKind.TENANTS, [tenant_id])
        self._bus.publish(ChangeKind.HOSTS)

    def _delete(self, tx: Transaction, tenant_id: int) -> None:
        try:
            tenant = tx.tenants.get(tenant_id)
        except StoreError as exc:
            raise refused(exc) from exc
        sessions = tx.meetings.coming_sessions(tenant_id, self._now())
        if sessions:
            raise TenantBusyError(busy_message(tenant.name, [s.host_email for s in sessions]))
        tx.tenants.delete(tenant_id)
        self._audit(tx, "tenant.delete", tenant_id, audit_value(tenant), None)

    def _audit(self, tx: Transaction, action: str, object_id: int, old: Any, new: Any) -> None:
        """Audit a change in the same transaction as the change itself."""
        tx.audit.record(
            actor=current_actor(),
            action=action,
            object_type="tenant",
            object_id=object_id,
            old_value=old,
            new_value=new,
            at=self._now(),
        )


def busy_message(tenant_name: str, host_emails: list[str], shown: int = 5) -> str:
    """Why a tenant cannot be deleted: which hosts still have how many coming sessions."""
    per_host = Counter(host_emails).most_common()
    listed = ", ".join(f"{email} ({count})" for email, count in per_host[:shown])
    more = f" and {len(per_host) - shown} more hosts" if len(per_host) > shown else ""
    total = len(host_emails)
    return (
        f"“{tenant_name}” cannot be deleted: its hosts still have {total} coming "
        f"session{'s' if total != 1 else ''}: {listed}{more}. Move those hosts to another "
        "tenant first (Move hosts…): their sessions go with them. Sessions that should not "
        "happen can be cancelled in the Zoom web portal; the next sync forgets them."
    )
