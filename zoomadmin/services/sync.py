"""Sync with Zoom: every user (all statuses, all pages), then the tenant hosts' sessions."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from datetime import datetime

from zoomadmin.core.actor import current_actor
from zoomadmin.core.changes import ChangeBus, ChangeKind
from zoomadmin.core.enums import UserStatus
from zoomadmin.services.hosts import host_data
from zoomadmin.services.meeting_sync import HostsProgress, MeetingSync, MeetingSyncReport
from zoomadmin.services.tenants import Now
from zoomadmin.store.hosts import HostData
from zoomadmin.store.repositories import Store, Transaction
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.models import Page, ZoomUser

SyncProgress = Callable[[int, int], None]
"""Called with (users read so far, users Zoom reports in all) after each page."""

STATUSES = (UserStatus.ACTIVE, UserStatus.INACTIVE, UserStatus.PENDING)


@dataclass(frozen=True)
class SyncActivity:
    """A sync that is running now: what it reads and how far it got (``total`` 0: unknown)."""

    text: str
    done: int = 0
    total: int = 0


@dataclass(frozen=True)
class SyncReport:
    """What a sync found."""

    users: int
    added: int
    updated: int
    unchanged: int
    missing: list[str]
    """Emails of hosts Zoom no longer lists (removed in Zoom)."""
    changed: list[str]
    """Emails of hosts whose name, email, type or status differs from what was stored."""
    meetings: MeetingSyncReport | None = None
    """The tenant hosts' meetings, when they were read too."""

    def summary(self) -> str:
        """One sentence for the status line."""
        parts = [f"Synced {self.users} Zoom users: {self.added} new, {self.updated} changed"]
        if self.missing:
            parts.append(f"{len(self.missing)} removed in Zoom")
        text = ", ".join(parts) + "."
        if self.meetings is not None:
            text += (
                f" {self.meetings.sessions} sessions in {self.meetings.meetings} meetings of "
                f"{self.meetings.hosts} tenant hosts."
            )
        return text


class SyncService:
    """Reads the account's users from Zoom into the hosts table (keeping each tenant), and
    the scheduled meetings of tenant hosts into the meetings table.
    """

    def __init__(self, store: Store, zoom: ZoomClient, *, now: Now, bus: ChangeBus) -> None:
        self._store = store
        self._zoom = zoom
        self._now = now
        self._bus = bus
        self._meetings = MeetingSync(store, zoom)
        # One sync at a time (the first open's and the user's F5 can overlap): a second one
        # waits, then reads what the first left, so flags and audit entries stay exact.
        self._lock = asyncio.Lock()
        self.activity: SyncActivity | None = None
        """The sync running now (whoever started it: the first open or the user), or None."""
        self._announced: str | None = None

    def _say(self, activity: SyncActivity | None) -> None:
        if activity is None and self._announced is not None:
            activity = SyncActivity(self._announced)
        self.activity = activity
        self._bus.publish(ChangeKind.SYNC)

    @contextlib.contextmanager
    def announced(self, text: str) -> Iterator[None]:
        """Count a longer piece of work around syncs (the first open) as one running sync."""
        self._announced = text
        self._say(SyncActivity(text))
        try:
            yield
        finally:
            self._announced = None
            self._say(None)

    def _users_progress(self, progress: SyncProgress | None) -> SyncProgress:
        def tick(done: int, total: int) -> None:
            self._say(SyncActivity("Reading the account's users from Zoom", done, total))
            if progress is not None:
                progress(done, total)

        return tick

    def _hosts_progress(self, progress: HostsProgress | None) -> HostsProgress:
        def tick(done: int, total: int) -> None:
            self._say(SyncActivity("Reading the tenant hosts' sessions from Zoom", done, total))
            if progress is not None:
                progress(done, total)

        return tick

    async def sync(
        self,
        progress: SyncProgress | None = None,
        hosts_progress: HostsProgress | None = None,
    ) -> SyncReport:
        """Pull every user, then the sessions of every host that belongs to a tenant."""
        async with self._lock:
            try:
                report = await self._sync_users(progress)
                return replace(report, meetings=await self._sync_meetings(hosts_progress))
            finally:
                self._say(None)

    async def sync_meetings(self, progress: HostsProgress | None = None) -> MeetingSyncReport:
        """Pull the scheduled meetings of tenant hosts; ones deleted in Zoom are forgotten."""
        async with self._lock:
            try:
                return await self._sync_meetings(progress)
            finally:
                self._say(None)

    async def _sync_meetings(self, progress: HostsProgress | None) -> MeetingSyncReport:
        report = await self._meetings.sync(self._hosts_progress(progress))
        self._bus.publish(ChangeKind.SESSIONS)
        self._bus.publish(ChangeKind.HOSTS)
        self._bus.publish(ChangeKind.TENANTS)
        await self._record("meeting.sync", "meetings", asdict(report))
        return report

    async def last_synced_at(self) -> datetime | None:
        """When the account's users were last read from Zoom (None: never)."""
        entries = await asyncio.to_thread(
            self._store.audit.entries, object_type="account", object_id="users", limit=1
        )
        return entries[0].at if entries else None

    async def ever_synced(self) -> bool:
        """Whether this account's database was ever synced with Zoom."""
        entries = await asyncio.to_thread(
            self._store.audit.entries, object_type="account", object_id="users", limit=1
        )
        return bool(entries)

    async def sync_users(self, progress: SyncProgress | None = None) -> SyncReport:
        """Pull every user; new ones join no tenant, gone ones are flagged as missing."""
        async with self._lock:
            try:
                return await self._sync_users(progress)
            finally:
                self._say(None)

    async def _sync_users(self, progress: SyncProgress | None) -> SyncReport:
        self._say(SyncActivity("Reading the account's users from Zoom"))
        users = await self._pull(self._users_progress(progress))
        # The hosts, their flags and the sync's audit entry are written as one unit, so a
        # cancelled sync leaves either all of them or none (and is then not "ever synced").
        report = await asyncio.to_thread(
            self._store.atomically, lambda tx: self._store_users(tx, users)
        )
        self._bus.publish(ChangeKind.HOSTS)
        self._bus.publish(ChangeKind.TENANTS)
        return report

    def _store_users(self, tx: Transaction, users: list[ZoomUser]) -> SyncReport:
        before = {h.zoom_user_id: h for h in tx.hosts.all()}
        data: list[HostData] = [host_data(u, None) for u in users]
        result = tx.hosts.upsert(data, synced_at=self._now())
        tx.hosts.mark_missing([u.id for u in users])
        after = tx.hosts.all()
        missing = sorted(
            h.email
            for h in after
            if h.missing_in_zoom and not getattr(before.get(h.zoom_user_id), "missing_in_zoom", 0)
        )
        changed = sorted(
            h.email
            for h in after
            if h.changed_in_zoom
            and (old := before.get(h.zoom_user_id)) is not None
            and old.changed_in_zoom != h.changed_in_zoom
        )
        report = SyncReport(
            len(users), result.inserted, result.updated, result.unchanged, missing, changed
        )
        value = asdict(report)
        del value["unchanged"], value["meetings"]
        tx.audit.record(
            actor=current_actor(),
            action="host.sync",
            object_type="account",
            object_id="users",
            new_value=value,
            at=self._now(),
        )
        return report

    async def _record(self, action: str, object_id: str, value: dict[str, object]) -> None:
        """Audit a sync of the account's ``object_id`` (users or meetings)."""
        await asyncio.to_thread(
            self._store.audit.record,
            actor=current_actor(),
            action=action,
            object_type="account",
            object_id=object_id,
            new_value=value,
            at=self._now(),
        )

    async def _pull(self, progress: SyncProgress | None) -> list[ZoomUser]:
        firsts: list[Page[ZoomUser]] = [
            await self._zoom.list_users_page(status) for status in STATUSES
        ]
        total = sum(p.total_records or len(p.items) for p in firsts)
        users: dict[str, ZoomUser] = {}

        def tick(page: Page[ZoomUser]) -> None:
            users.update((u.id, u) for u in page.items)
            if progress is not None:
                progress(len(users), max(total, len(users)))

        for status, first in zip(STATUSES, firsts, strict=True):
            page = first
            tick(page)
            while not page.is_last:
                page = await self._zoom.list_users_page(
                    status, next_page_token=page.next_page_token
                )
                tick(page)
        return list(users.values())

    async def clear_flags(self, host_id: int) -> None:
        """The user has seen what changed in Zoom for this host."""
        await asyncio.to_thread(self._store.hosts.clear_change_note, host_id)
