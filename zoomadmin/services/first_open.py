"""First open of an account: the demo's tenants on a fresh sandbox, else a first sync."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from zoomadmin.core.actor import acting_as
from zoomadmin.core.records import TenantRecord
from zoomadmin.services.hosts import HostService
from zoomadmin.services.sync import SyncService
from zoomadmin.services.tenants import TenantDraft, TenantService
from zoomadmin.store.repositories import Store

log = logging.getLogger(__name__)

DEMO_ACTOR = "zoomadmin (demo set-up)"
"""Who the audit log names for what the demo set-up creates."""

DEMO_DONE_ACTION = "demo.setup"
"""The audit action written once the demo set-up has finished every step (its durable mark)."""

Progress = Callable[[str], None]
"""Called with one line saying what the first open is doing now (for the status bar)."""


def scheme_pattern(tenant: TenantRecord) -> re.Pattern[str]:
    """A pattern matching every email of the tenant's scheme, whatever its ``n``."""
    marker = "\x00n\x00"
    sample = tenant.email_scheme.format(
        mailbox=tenant.mailbox, tenant=tenant.slug, domain=tenant.domain, n=marker
    )
    head, _, tail = sample.partition(marker)
    return re.compile(re.escape(head.lower()) + r"[0-9]+" + re.escape(tail.lower()))


def tenant_for(email: str, patterns: Sequence[tuple[TenantRecord, re.Pattern[str]]]) -> int | None:
    """The id of the tenant whose scheme ``email`` follows, if any."""
    for tenant, pattern in patterns:
        if pattern.fullmatch(email.lower()):
            return tenant.id
    return None


@dataclass(frozen=True)
class FirstOpenReport:
    """What the first open did (``summary`` goes to the status bar)."""

    tenants_created: int
    hosts_linked: int
    summary: str


class FirstOpen:
    """The work an account needs when it is opened with an empty or never-synced database.

    With ``demo_tenants`` (the sandbox's demo account only; app.py passes them from the
    sandbox's seed) until the set-up is marked done: create those tenants (reusing any that
    exist by name), sync the users, link each user in no tenant whose email follows a
    tenant's scheme (linked hosts stay where they are), read the tenant hosts' sessions, and
    only then write the :data:`DEMO_DONE_ACTION` audit entry. A set-up cut short (quit, a
    Zoom error, an account switch) is therefore finished by the next open. The set-up's
    changes are audited as :data:`DEMO_ACTOR`. Otherwise, when
    the database was never synced: one full sync. Every step goes through the ordinary
    services, so it is audited; run again once done, it does nothing.
    """

    def __init__(
        self,
        store: Store,
        *,
        tenants: TenantService,
        hosts: HostService,
        sync: SyncService,
        demo_tenants: Sequence[TenantDraft] = (),
    ) -> None:
        self._store = store
        self._tenants = tenants
        self._hosts = hosts
        self._sync = sync
        self._demo = list(demo_tenants)

    async def needed(self) -> bool:
        """Whether :meth:`run` has anything to do."""
        if self._demo and not await asyncio.to_thread(self._demo_done):
            return True
        return not await self._sync.ever_synced()

    def _demo_done(self) -> bool:
        audit = self._store.audit
        if audit.entries(object_type="account", object_id="demo", limit=1):
            return True
        # Databases set up before the done mark existed: the old set-up's last step was the
        # sessions sync, so a sessions sync by the demo set-up means it got to the end.
        syncs = audit.entries(object_type="account", object_id="meetings", limit=10_000)
        return any(e.actor == DEMO_ACTOR for e in syncs)

    async def run(self, progress: Progress | None = None) -> FirstOpenReport | None:
        """Do what the account needs (None when nothing was needed)."""
        with self._sync.announced("Setting up the account from Zoom…"):
            return await self._run(progress or (lambda _text: None))

    async def _run(self, say: Progress) -> FirstOpenReport | None:
        if self._demo and not await asyncio.to_thread(self._demo_done):
            with acting_as(DEMO_ACTOR):
                return await self._set_up_demo(say)
        if await self._sync.ever_synced():
            return None
        report = await self._sync.sync(
            lambda done, total: say(f"First sync with Zoom: {done} of {total} users…"),
            lambda done, total: say(f"First sync with Zoom: sessions of {done} of {total} hosts…"),
        )
        return FirstOpenReport(0, 0, report.summary())

    async def _set_up_demo(self, say: Progress) -> FirstOpenReport:
        tenants, created = await self._demo_tenants(say)
        await self._sync.sync_users(
            lambda done, total: say(f"Setting up the demo: {done} of {total} Zoom users…")
        )
        linked = await self._link_by_scheme(tenants)
        meetings = await self._sync.sync_meetings(
            lambda done, total: say(f"Setting up the demo: sessions of {done} of {total} hosts…")
        )
        summary = (
            f"Demo set up: {created} tenants created, {linked} hosts linked, "
            f"{meetings.sessions} sessions."
        )
        await asyncio.to_thread(
            self._store.audit.record,
            actor=DEMO_ACTOR,
            action=DEMO_DONE_ACTION,
            object_type="account",
            object_id="demo",
            new_value={"tenants": [t.name for t in tenants], "created": created, "linked": linked},
        )
        log.info("%s", summary)
        return FirstOpenReport(created, linked, summary)

    async def _demo_tenants(self, say: Progress) -> tuple[list[TenantRecord], int]:
        """The demo's tenants, creating those a cut-short set-up left out; and how many."""
        tenants: list[TenantRecord] = []
        created = 0
        for number, draft in enumerate(self._demo, 1):
            found = await asyncio.to_thread(self._store.tenants.find_by_name, draft.name)
            if found is None:
                say(f"Setting up the demo: tenant {number} of {len(self._demo)} ({draft.name})…")
                found = await self._tenants.create(draft)
                created += 1
            tenants.append(found)
        return tenants, created

    async def _link_by_scheme(self, tenants: Sequence[TenantRecord]) -> int:
        patterns = [(t, scheme_pattern(t)) for t in tenants]
        chosen: dict[int, list[int]] = {}
        for host in await self._hosts.unlinked():
            tenant_id = tenant_for(host.email, patterns)
            if tenant_id is not None:
                chosen.setdefault(tenant_id, []).append(host.id)
        linked = 0
        for tenant_id, host_ids in chosen.items():
            linked += await self._hosts.link(host_ids, tenant_id)
        return linked
