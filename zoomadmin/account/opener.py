"""Opens an account into an :class:`AccountRuntime`: its database first, then its client."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from zoomadmin.account.ledger import PublishingLedger
from zoomadmin.account.runtime import AccountRuntime
from zoomadmin.core.changes import ChangeBus
from zoomadmin.core.profiles import AccountProfile
from zoomadmin.jobs.lease import LeadershipLease
from zoomadmin.services.connection import ActiveAccount, ClientFactory, ConnectionService
from zoomadmin.services.tenants import TenantDraft
from zoomadmin.store.quota import SqlQuotaLedger
from zoomadmin.store.repositories import Store
from zoomadmin.zoom.auth import ZoomCredentials
from zoomadmin.zoom.client import ZoomClient

StoreOpener = Callable[[AccountProfile | None], Store]
"""Opens (and migrates) the database of a profile (None: the sandbox); runs on a worker."""
LeaseFor = Callable[[ActiveAccount, Store], LeadershipLease]
"""The lease that decides which process runs the jobs of that account."""


class AccountOpener:
    """Turns "open this profile" into a running account world, the same way everywhere.

    The account's database is opened before its client is built, so the client counts
    each host's meeting requests in that database from its very first request.
    """

    def __init__(
        self,
        connection: ConnectionService,
        *,
        open_store: StoreOpener,
        lease_for: LeaseFor,
        demo_tenants: Sequence[TenantDraft] = (),
        bus: Callable[[], ChangeBus] = ChangeBus,
        downloads_dir: Path | None = None,
    ) -> None:
        self.connection = connection
        self._open_store = open_store
        self._lease_for = lease_for
        self._demo = list(demo_tenants)
        self._bus = bus
        self._downloads_dir = downloads_dir

    async def open(self, profile: str | None, *, remember: bool = True) -> AccountRuntime:
        """Close the current account (the caller closed its runtime) and open ``profile``."""
        return await self._open_with(
            lambda client_for: self.connection.switch(
                profile, remember=remember, client_for=client_for
            )
        )

    async def open_credentials(
        self, credentials: ZoomCredentials, *, label: str, admin_url: str | None = None
    ) -> AccountRuntime:
        """Open an account from given credentials (servers and CI: no saved profile).

        ``open_store`` gets the account's unsaved profile named ``label``; ``admin_url``
        makes a running sandbox's clock "now" (see :meth:`ConnectionService.open_credentials`).
        """
        return await self._open_with(
            lambda client_for: self.connection.open_credentials(
                credentials, label=label, admin_url=admin_url, client_for=client_for
            ),
            # Someone else may step or speed up that sandbox: the jobs follow its clock.
            follow_clock=self.connection.sync_clock if admin_url else None,
        )

    async def _open_with(
        self,
        connect: Callable[[ClientFactory], Awaitable[ActiveAccount]],
        *,
        follow_clock: Callable[[], Awaitable[object]] | None = None,
    ) -> AccountRuntime:
        """Connect with a client that counts in the account's database, opened first."""
        opened: list[Store] = []
        bus = self._bus()

        async def client_for(
            credentials: ZoomCredentials, chosen: AccountProfile | None
        ) -> ZoomClient:
            store = await asyncio.to_thread(self._open_store, chosen)
            opened.append(store)
            ledger = PublishingLedger(SqlQuotaLedger(store.engine), bus)
            return ZoomClient(credentials, now=self.connection.clock.now, ledger=ledger)

        try:
            account = await connect(client_for)
        except BaseException:
            for store in opened:
                await asyncio.to_thread(store.close)
            raise
        store = opened[-1]
        return AccountRuntime(
            account=account,
            store=store,
            clock=self.connection.clock,
            bus=bus,
            lease=self._lease_for(account, store),
            demo_tenants=self._demo,
            downloads_dir=self._downloads_dir,
            follow_clock=follow_clock,
        )
