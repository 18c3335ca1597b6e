"""Sync with Zoom: pull every user (all statuses, all pages) and flag hosts removed or changed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from zoomadmin.services.hosts import host_data
from zoomadmin.services.tenants import Now
from zoomadmin.store.hosts import HostData
from zoomadmin.store.repositories import Store
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.models import Page, UserStatus, ZoomUser

SyncProgress = Callable[[int, int], None]
"""Called with (users read so far, users Zoom reports in all) after each page."""

STATUSES = (UserStatus.ACTIVE, UserStatus.INACTIVE, UserStatus.PENDING)


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

    def summary(self) -> str:
        """One sentence for the status line."""
        parts = [f"Synced {self.users} Zoom users: {self.added} new, {self.updated} changed"]
        if self.missing:
            parts.append(f"{len(self.missing)} removed in Zoom")
        return ", ".join(parts) + "."


class SyncService:
    """Reads the account's users from Zoom into the hosts table (keeping each tenant)."""

    def __init__(self, store: Store, zoom: ZoomClient, *, now: Now, actor: str) -> None:
        self._store = store
        self._zoom = zoom
        self._now = now
        self._actor = actor

    async def sync(self, progress: SyncProgress | None = None) -> SyncReport:
        """Pull every user; new ones join no tenant, gone ones are flagged as missing."""
        users = await self._pull(progress)
        before = {h.zoom_user_id: h for h in await asyncio.to_thread(self._store.hosts.all)}
        data: list[HostData] = [host_data(u, None) for u in users]
        result = await asyncio.to_thread(self._store.hosts.upsert, data, synced_at=self._now())
        present = [u.id for u in users]
        await asyncio.to_thread(self._store.hosts.mark_missing, present)
        after = await asyncio.to_thread(self._store.hosts.all)
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
        await asyncio.to_thread(
            self._store.audit.record,
            actor=self._actor,
            action="host.sync",
            object_type="account",
            object_id="users",
            new_value={
                "users": report.users,
                "added": report.added,
                "updated": report.updated,
                "missing": missing,
                "changed": changed,
            },
            at=self._now(),
        )
        return report

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
