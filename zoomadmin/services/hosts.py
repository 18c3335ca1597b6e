"""Hosts: the hosts list, adding one in Zoom, linking, moving, (de)activating and removing."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from zoomadmin.core.actor import current_actor
from zoomadmin.core.changes import ChangeBus, ChangeKind
from zoomadmin.core.enums import HOST_DAILY_LIMIT, CreateAction, UserStatus, UserType
from zoomadmin.core.errors import AppError
from zoomadmin.core.records import HostRecord, SessionRecord, TenantRecord
from zoomadmin.services.host_errors import explain_create_error, pending_refusal
from zoomadmin.services.tenants import Now, TenancyError, refused
from zoomadmin.store.errors import StoreError
from zoomadmin.store.hosts import HostData
from zoomadmin.store.repositories import Store, Transaction
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.errors import NotFound
from zoomadmin.zoom.models import ZoomUser

EMAIL = re.compile(r"^[^@\s,;<>()\"]+@[^@\s,;<>()\"]+\.[^@\s.,;<>()\"]+$")
MAX_EMAIL = 128
MAX_NAME = 64
MAX_SCHEME_TRIES = 10_000
#: Hosts read per page when the hosts list is read on a worker thread (about 2 ms of Python),
#: and the pause after each page that lets the GUI thread run Python in between.
READ_PAGE = 100
READ_PAUSE_S = 0.0001
#: How far ahead "coming sessions" look when a host is removed or deactivated.
HORIZON = timedelta(days=3 * 366)


@dataclass(frozen=True)
class HostRow:
    """A row of the hosts table: the host, its tenant, next session and today's quota."""

    host: HostRecord
    tenant_name: str
    tenant_timezone: str
    next_session_at: datetime | None
    quota_used: int
    quota_limit: int = HOST_DAILY_LIMIT


@dataclass(frozen=True)
class NewHost:
    """A host to create in Zoom."""

    tenant_id: int
    email: str
    first_name: str = ""
    last_name: str = ""
    user_type: UserType = UserType.BASIC
    action: CreateAction = CreateAction.CREATE


@dataclass(frozen=True)
class RemovalImpact:
    """What removing or deactivating a host does to its coming sessions."""

    host: HostRecord
    coming_sessions: list[SessionRecord]


@dataclass(frozen=True)
class HostResult:
    """How one host of a multi-host action went."""

    host_id: int
    email: str
    error: str = ""
    """Why it did not work, in words ("" when it did)."""

    @property
    def ok(self) -> bool:
        """Whether the action worked for this host."""
        return not self.error


@dataclass(frozen=True)
class AuditLine:
    """One audit entry as the screens show it."""

    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    old_value: Any
    new_value: Any


@dataclass(frozen=True)
class AuditFilter:
    """Which audit entries to show (every field optional)."""

    object_type: str | None = None
    object_id: str | int | None = None
    action: str | None = None
    """An action (``host.move``) or its prefix (``host.``)."""
    since: datetime | None = None
    until: datetime | None = None
    text: str = ""
    """Words that must all appear in the entry (actor, action, values)."""
    limit: int = 500


@dataclass(frozen=True)
class HostDetails:
    """A host with its next sessions and its recent audit entries (the details dialog)."""

    row: HostRow
    sessions: list[SessionRecord]
    audit: list[AuditLine]


def audit_matches(line: AuditLine, wanted: AuditFilter) -> bool:
    """Whether ``line`` passes the filter's action, until and text parts."""
    if wanted.action and not line.action.startswith(wanted.action):
        return False
    if wanted.until is not None and line.at > wanted.until:
        return False
    if wanted.text:
        haystack = f"{line.actor} {line.action} {line.old_value} {line.new_value}".casefold()
        return all(word in haystack for word in wanted.text.casefold().split())
    return True


def check_new_host(email: str, first_name: str, last_name: str) -> list[str]:
    """Problems with a new host's fields, in words a person can act on (empty when fine)."""
    problems = []
    if not email:
        problems.append("The email is empty.")
    elif len(email) > MAX_EMAIL or not EMAIL.match(email):
        problems.append(f"“{email}” is not a valid email address (like name@school.org).")
    return problems + check_names(first_name, last_name)


def check_names(first_name: str, last_name: str) -> list[str]:
    """Problems with a host's names (Zoom allows 64 characters each)."""
    return [
        f"The {label} is {len(value)} characters long; Zoom allows at most {MAX_NAME}."
        for label, value in (("first name", first_name), ("last name", last_name))
        if len(value) > MAX_NAME
    ]


def host_audit(host: HostRecord) -> dict[str, Any]:
    """The fields of a host the audit log keeps."""
    return {
        "email": host.email,
        "zoom_user_id": host.zoom_user_id,
        "tenant_id": host.tenant_id,
        "user_type": host.user_type,
        "status": host.status,
    }


def host_data(user: ZoomUser, tenant_id: int | None) -> HostData:
    """A Zoom user as the store keeps it."""
    return HostData(
        zoom_user_id=user.id,
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        user_type=int(user.type),
        status=str(user.status),
        tenant_id=tenant_id,
    )


class HostService:
    """Host users of the account for the UI (Qt-free; database on a worker thread).

    A host row is stored only after Zoom confirmed the user exists, and every change is
    written to the audit log.
    """

    def __init__(self, store: Store, zoom: ZoomClient, *, now: Now, bus: ChangeBus) -> None:
        self._store = store
        self._zoom = zoom
        self._now = now
        self._bus = bus
        #: Called with hosts just created in, linked to or moved into a tenant (their policy).
        self.on_new_hosts: Callable[[Sequence[HostRecord]], Awaitable[object]] | None = None
        self._owner: str | None = None

    async def _adopt(self, hosts: Sequence[HostRecord]) -> None:
        if self.on_new_hosts is not None and hosts:
            await self.on_new_hosts(hosts)

    async def rows(self) -> list[HostRow]:
        """Every host with its tenant, next session and quota use today.

        Read one tenant at a time on a worker thread, so no single read holds the
        interpreter long enough to stall the window (10,000 hosts stay smooth).
        """
        tenants, quota = await asyncio.to_thread(self._context)
        rows: list[HostRow] = []
        for tenant_id in [*tenants, None]:
            rows += await asyncio.to_thread(self._rows_of, tenant_id, tenants, quota)
        return rows

    async def row(self, host_id: int) -> HostRow:
        """One host's row (after a change)."""
        found = await self.rows_for([host_id])
        if not found:
            raise TenancyError("This host no longer exists; refresh the list.")
        return found[0]

    async def rows_for(self, host_ids: Iterable[int]) -> list[HostRow]:
        """The rows of ``host_ids`` that still exist, reading only their tenants and quota."""
        ids = sorted(set(host_ids))
        return await asyncio.to_thread(self._rows_for, ids) if ids else []

    def _rows_for(self, host_ids: list[int]) -> list[HostRow]:
        items = [
            item
            for chunk in range(0, len(host_ids), READ_PAGE)
            for page in self._store.hosts.overview_pages(
                self._now(), host_ids=host_ids[chunk : chunk + READ_PAGE], size=READ_PAGE
            )
            for item in page
        ]
        tenant_ids = {i.host.tenant_id for i in items if i.host.tenant_id is not None}
        tenants = {tid: self._store.tenants.get(tid) for tid in tenant_ids}
        day = self._now().astimezone(UTC).date()
        rows = []
        for item in items:
            tenant = tenants.get(item.host.tenant_id) if item.host.tenant_id else None
            name, zone = (tenant.name, tenant.timezone) if tenant else ("", "UTC")
            used = self._store.quota.blocking.used(item.host.zoom_user_id, day)
            rows.append(
                HostRow(
                    item.host,
                    name,
                    zone,
                    item.next_session_at,
                    min(used, HOST_DAILY_LIMIT),
                    HOST_DAILY_LIMIT,
                )
            )
        return rows

    def _context(self) -> tuple[dict[int, TenantRecord], dict[str, tuple[int, int]]]:
        tenants = {t.id: t for t in self._store.tenants.all()}
        return tenants, self._store.quota.blocking.used_on(self._now().astimezone(UTC).date())

    def _rows_of(
        self,
        tenant_id: int | None,
        tenants: dict[int, TenantRecord],
        quota: dict[str, tuple[int, int]],
    ) -> list[HostRow]:
        tenant = tenants.get(tenant_id) if tenant_id is not None else None
        name, zone = (tenant.name, tenant.timezone) if tenant else ("", "UTC")
        pages = self._store.hosts.overview_pages(
            self._now(), tenant_id, unassigned=tenant_id is None, size=READ_PAGE
        )
        rows = []
        for page in pages:
            for item in page:
                used, limit = quota.get(item.host.zoom_user_id, (0, HOST_DAILY_LIMIT))
                rows.append(
                    HostRow(item.host, name, zone, item.next_session_at, min(used, limit), limit)
                )
            # Python hands the interpreter to a waiting thread only every 5 ms (its switch
            # interval), and the GUI thread needs it for every call into Python: a worker
            # that never pauses makes a frame wait 5 ms several times over. A short sleep
            # hands it over at once (sleep(0) did not, reliably, when measured).
            time.sleep(READ_PAUSE_S)
        return rows

    async def quota_today(self) -> dict[str, tuple[int, int]]:
        """Each host's ``(used, limit)`` of today's (UTC) meeting requests, by Zoom user id."""
        day = self._now().astimezone(UTC).date()
        return await self._store.quota.used_on(day)

    async def host_id_of(self, zoom_user_id: str) -> int | None:
        """The local host of a Zoom user, if it is one."""
        try:
            host = await asyncio.to_thread(self._store.hosts.get_by_zoom_id, zoom_user_id)
        except StoreError:
            return None
        return host.id

    async def refresh_from_zoom(self, zoom_user_id: str) -> int | None:
        """Re-read a host Zoom said changed (``user.updated``); its host id, None if no host.

        A difference from what was stored is noted on the host as a sync would note it.
        """
        if await self.host_id_of(zoom_user_id) is None:
            return None
        try:
            user = await self._zoom.get_user(zoom_user_id)
        except NotFound:
            return None  # removed meanwhile: the next sync flags it
        await asyncio.to_thread(self._store.hosts.upsert, [host_data(user, None)])
        host_id = await self.host_id_of(zoom_user_id)
        if host_id is not None:
            self._changed([host_id], tenants=False)
        return host_id

    async def api_only_allowed(self) -> bool:
        """Whether this account is known to create API-only users (Zoom's ISV programme):
        one was created here before. Until then only invitations are offered."""
        entries = await self.audit(AuditFilter("host", action="host.create", limit=10_000))
        return any(
            isinstance(e.new_value, dict) and e.new_value.get("action") == CreateAction.CUST_CREATE
            for e in entries
        )

    async def owner_email(self) -> str:
        """The account owner's email ("" when Zoom does not say)."""
        if self._owner is None:
            with contextlib.suppress(AppError):
                self._owner = (await self._zoom.get_me()).email.lower()
        return self._owner or ""

    async def unlinked(self) -> list[HostRecord]:
        """Account users (from the last sync) that belong to no tenant yet."""
        return await asyncio.to_thread(self._store.hosts.all, unassigned=True)

    async def next_emails(
        self, tenant_id: int, count: int = 1, reserved: Iterable[str] = ()
    ) -> list[str]:
        """The next ``count`` free emails of the tenant's scheme (smallest free ``n`` first).

        Free means: no host here has it, it is not in ``reserved`` and Zoom has no user with it.
        """
        tenant = await self._tenant(tenant_id)
        taken = {h.email for h in await asyncio.to_thread(self._store.hosts.all)}
        taken.update(e.strip().lower() for e in reserved)
        found: list[str] = []
        for n in range(1, MAX_SCHEME_TRIES):
            candidate = tenant.host_email(n).lower()
            if candidate in taken:
                continue
            if not await self._zoom.email_exists(candidate):
                found.append(candidate)
                if len(found) == count:
                    return found
        raise TenancyError(f"No free email found in the scheme of “{tenant.name}”.")

    async def _tenant(self, tenant_id: int) -> TenantRecord:
        try:
            return await asyncio.to_thread(self._store.tenants.get, tenant_id)
        except StoreError as exc:
            raise refused(exc) from exc

    async def add_host(self, new: NewHost) -> HostRecord:
        """Create the user in Zoom, then store it as a host of the tenant."""
        email = new.email.strip()
        problems = check_new_host(email, new.first_name, new.last_name)
        if problems:
            raise TenancyError(" ".join(problems))
        await self._tenant(new.tenant_id)
        # A form's combo box hands the enums back as plain values: the client tells an
        # invitation (the user stays pending until it is accepted) by the enum member.
        action, user_type = CreateAction(new.action), UserType(new.user_type)
        try:
            user = await self._zoom.create_user(
                email,
                first_name=new.first_name.strip(),
                last_name=new.last_name.strip(),
                user_type=user_type,
                action=action,
            )
        except Exception as exc:
            raise explain_create_error(exc, email, action, user_type) from exc
        return await self.record_created(user, new.tenant_id, action)

    async def record_created(
        self, user: ZoomUser, tenant_id: int | None, action: CreateAction | None = None
    ) -> HostRecord:
        """Store a user Zoom confirmed as a host of ``tenant_id`` and audit it (with how it
        was created, which tells later whether this account may create API-only users)."""

        def work(tx: Transaction) -> HostRecord:
            host = tx.hosts.add(host_data(user, tenant_id))
            value = host_audit(host) | ({"action": str(action)} if action else {})
            self._audit(tx, "host.create", host.id, None, value)
            return host

        host = await asyncio.to_thread(self._store.atomically, work)
        self._changed([host.id])
        await self._adopt([host])
        return host

    async def link_email(self, email: str, tenant_id: int) -> HostRecord:
        """Make the account's existing user ``email``, in no tenant yet, a host of the tenant."""
        await self._tenant(tenant_id)
        try:
            user = await self._zoom.get_user(email.strip())
        except NotFound:
            raise TenancyError(
                f"There is no user {email} in this Zoom account. Sync with Zoom, or check "
                "the address."
            ) from None
        old = await asyncio.to_thread(self._store.hosts.find_by_email, user.email)
        if old is not None and old.tenant_id is not None:
            if old.tenant_id == tenant_id:
                return old  # linked already: nothing changes, nothing to audit
            # Linking would silently take the host (and its sessions) from its tenant.
            other = await self._tenant(old.tenant_id)
            raise TenancyError(
                f"{old.email} is already a host of “{other.name}”. Move it with Move to "
                "tenant if it should belong here."
            )

        def work(tx: Transaction) -> HostRecord:
            tx.hosts.upsert([host_data(user, tenant_id)])
            host = tx.hosts.get_by_zoom_id(user.id)
            self._audit(
                tx, "host.link", host.id, host_audit(old) if old else None, host_audit(host)
            )
            return host

        host = await asyncio.to_thread(self._store.atomically, work)
        self._changed([host.id])
        await self._adopt([host])
        return host

    async def link(self, host_ids: list[int], tenant_id: int) -> int:
        """Put account users that are in no tenant yet into ``tenant_id``."""
        return await self._assign(host_ids, tenant_id, "host.link")

    async def move(self, host_ids: list[int], tenant_id: int | None) -> int:
        """Move hosts to another tenant (None: to no tenant); their sessions stay with them."""
        return await self._assign(host_ids, tenant_id, "host.move")

    async def _assign(self, host_ids: list[int], tenant_id: int | None, action: str) -> int:
        if tenant_id is not None:
            await self._tenant(tenant_id)

        def work(tx: Transaction) -> tuple[int, list[HostRecord]]:
            before = [tx.hosts.get(i) for i in host_ids]
            moved = tx.hosts.assign(host_ids, tenant_id)
            arrived = []
            for host in before:
                if host.tenant_id != tenant_id:
                    old, new = {"tenant_id": host.tenant_id}, {"tenant_id": tenant_id}
                    self._audit(tx, action, host.id, old, new)
                    arrived.append(tx.hosts.get(host.id))
            return moved, arrived

        try:
            moved, arrived = await asyncio.to_thread(self._store.atomically, work)
        except StoreError as exc:
            raise refused(exc) from exc
        self._changed(host_ids)
        if tenant_id is not None:
            await self._adopt(arrived)
        return moved

    async def impact(self, host_id: int) -> RemovalImpact:
        """The host and its coming sessions (for the confirmation before a change)."""
        return await asyncio.to_thread(self._impact, host_id)

    def _impact(self, host_id: int) -> RemovalImpact:
        try:
            host = self._store.hosts.get(host_id)
        except StoreError as exc:
            raise refused(exc) from exc
        now = self._now()
        sessions = [
            s for s in self._store.meetings.sessions_between(now, now + HORIZON, host_id=host_id)
        ]
        return RemovalImpact(host, sessions)

    async def impacts(self, host_ids: Iterable[int]) -> list[RemovalImpact]:
        """The hosts and their coming sessions (one confirmation for many hosts); hosts
        removed meanwhile are left out."""
        found = []
        for host_id in host_ids:
            with contextlib.suppress(TenancyError):
                found.append(await self.impact(host_id))
        return found

    async def set_active_many(self, host_ids: Iterable[int], active: bool) -> list[HostResult]:
        """(De)activate each host in turn; one that Zoom refuses does not stop the others."""
        return [
            await self._each(host_id, lambda h: self.set_active(h, active)) for host_id in host_ids
        ]

    async def remove_many(self, host_ids: Iterable[int]) -> list[HostResult]:
        """Remove each host in turn; one that Zoom refuses does not stop the others."""
        return [await self._each(host_id, self.remove) for host_id in host_ids]

    async def _each(self, host_id: int, work: Callable[[int], Awaitable[object]]) -> HostResult:
        try:
            email = (await self.impact(host_id)).host.email
        except TenancyError as exc:
            return HostResult(host_id, "", exc.user_message)
        try:
            await work(host_id)
        except AppError as exc:  # known trouble with this host: tell it, go on with the rest
            return HostResult(host_id, email, exc.user_message)
        return HostResult(host_id, email)

    async def set_active(self, host_id: int, active: bool) -> HostRecord:
        """Deactivate (the user cannot sign in or host) or reactivate a host in Zoom."""
        host = (await self.impact(host_id)).host
        if host.status == UserStatus.PENDING:
            raise pending_refusal(host.email, "activated or deactivated")
        await self._zoom.set_user_status(host.zoom_user_id, active)
        status = UserStatus.ACTIVE if active else UserStatus.INACTIVE
        action = "host.reactivate" if active else "host.deactivate"

        def work(tx: Transaction) -> HostRecord:
            new = tx.hosts.set_fields(host_id, status=str(status))
            self._audit(tx, action, host_id, {"status": host.status}, {"status": new.status})
            return new

        record = await asyncio.to_thread(self._store.atomically, work)
        self._changed([host_id], tenants=False)
        return record

    async def details(self, host_id: int, sessions: int = 5, entries: int = 10) -> HostDetails:
        """The host's row, its next ``sessions`` and its last ``entries`` audit entries."""
        row = await self.row(host_id)
        impact = await self.impact(host_id)
        audit = await self.audit(AuditFilter("host", host_id, limit=entries))
        return HostDetails(row, impact.coming_sessions[:sessions], audit)

    async def audit(self, wanted: AuditFilter) -> list[AuditLine]:
        """Audit entries, newest first, that pass ``wanted`` (the audit-log viewer)."""
        return await asyncio.to_thread(self._audit_lines, wanted)

    def _audit_lines(self, wanted: AuditFilter) -> list[AuditLine]:
        found: list[AuditLine] = []
        # Action, end date and words are matched here, so read a little more than shown.
        records = self._store.audit.entries(
            object_type=wanted.object_type,
            object_id=wanted.object_id,
            since=wanted.since,
            limit=wanted.limit * 4,
        )
        for record in records:
            line = AuditLine(
                record.at,
                record.actor,
                record.action,
                record.object_type,
                record.object_id,
                record.old_value,
                record.new_value,
            )
            if audit_matches(line, wanted):
                found.append(line)
                if len(found) == wanted.limit:
                    break
        return found

    async def rename(self, host_id: int, first_name: str, last_name: str) -> HostRecord:
        """Change the host's name in Zoom, then here (audited)."""
        first, last = first_name.strip(), last_name.strip()
        problems = check_names(first, last)
        if problems:
            raise TenancyError(" ".join(problems))
        host = (await self.impact(host_id)).host
        await self._zoom.update_user(host.zoom_user_id, first_name=first, last_name=last)

        def work(tx: Transaction) -> HostRecord:
            new = tx.hosts.set_fields(host_id, names=(first, last))
            old = {"first_name": host.first_name, "last_name": host.last_name}
            self._audit(tx, "host.rename", host_id, old, {"first_name": first, "last_name": last})
            return new

        record = await asyncio.to_thread(self._store.atomically, work)
        self._changed([host_id], tenants=False)
        return record

    async def remove(self, host_id: int) -> None:
        """Disassociate the user from the Zoom account and forget the host and its meetings."""
        host = (await self.impact(host_id)).host
        # Already gone from Zoom: forgetting it here is all that is left to do.
        with contextlib.suppress(NotFound):
            await self._zoom.delete_user(host.zoom_user_id, "disassociate")

        def work(tx: Transaction) -> None:
            tx.hosts.delete(host_id)
            self._audit(tx, "host.remove", host_id, host_audit(host), None)

        await asyncio.to_thread(self._store.atomically, work)
        self._changed([host_id])
        self._bus.publish(ChangeKind.SESSIONS)

    def _changed(self, host_ids: Iterable[int], *, tenants: bool = True) -> None:
        """Tell the screens which hosts changed (and the tenants list, whose counts move)."""
        self._bus.publish(ChangeKind.HOSTS, host_ids)
        if tenants:
            self._bus.publish(ChangeKind.TENANTS)

    def _audit(self, tx: Transaction, action: str, host_id: int, old: Any, new: Any) -> None:
        """Audit a change in the same transaction as the change itself."""
        tx.audit.record(
            actor=current_actor(),
            action=action,
            object_type="host",
            object_id=host_id,
            old_value=old,
            new_value=new,
            at=self._now(),
        )
