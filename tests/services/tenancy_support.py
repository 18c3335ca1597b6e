"""Fixtures for the tenant and host services: a store under tmp_path, a sandbox client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from zoom_users import add_zoom_user

from zoomadmin.account.runtime import AccountRuntime
from zoomadmin.core.changes import ChangeBus
from zoomadmin.core.clock import Clock
from zoomadmin.sandbox import SandboxServer
from zoomadmin.services.connection import ActiveAccount, sandbox_credentials
from zoomadmin.services.first_open import FirstOpen
from zoomadmin.services.host_import import HostImporter
from zoomadmin.services.hosts import HostService
from zoomadmin.services.sync import SyncService
from zoomadmin.services.tenants import TenantDraft, TenantService
from zoomadmin.store.meetings import MeetingData
from zoomadmin.store.repositories import Store
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.limits import MemoryQuotaLedger
from zoomadmin.zoom.models import Meeting, MeetingRequest, MeetingType, Recurrence
from zoomadmin.zoom.wire import RetryPolicy

__all__ = ["add_zoom_user"]

ACTOR = "pat@school.example"
FAST_RETRY = RetryPolicy(max_attempts=4, max_rate_retries=10, base_delay=0.01, max_delay=0.1)


def sandbox_client(server: SandboxServer, http: httpx.AsyncClient | None = None) -> ZoomClient:
    """A client on ``server`` whose clock is the sandbox's."""
    return ZoomClient(
        sandbox_credentials(server.info),
        http=http,
        retry=FAST_RETRY,
        now=server.sandbox.clock.now,
        ledger=MemoryQuotaLedger(),
    )


@dataclass
class Tenancy:
    """The services under test, over one store and one sandbox."""

    server: SandboxServer
    store: Store
    zoom: ZoomClient
    tenants: TenantService
    hosts: HostService
    sync: SyncService
    importer: HostImporter
    first_open: FirstOpen
    runtime: AccountRuntime

    @property
    def bus(self) -> ChangeBus:
        """The account's change bus."""
        return self.runtime.bus

    def now(self) -> datetime:
        """The sandbox's time."""
        now: datetime = self.server.sandbox.clock.now()
        return now

    def admin(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """Call the sandbox admin API."""
        response = httpx.request(method, self.server.info.admin_url + path, timeout=10, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else {}


def build_tenancy(
    server: SandboxServer,
    store: Store,
    zoom: ZoomClient,
    demo_tenants: Sequence[TenantDraft] = (),
) -> Tenancy:
    """The account's services, built by the same runtime the app, the CLI and the agent use."""
    info = server.info
    account = ActiveAccount("Sandbox: test account", zoom, sandbox=info)
    runtime = AccountRuntime(
        account=account, store=store, clock=server.sandbox.clock, demo_tenants=demo_tenants
    )
    services = runtime.services
    return Tenancy(
        server=server,
        store=store,
        zoom=zoom,
        tenants=services.tenants,
        hosts=services.hosts,
        sync=services.sync,
        importer=services.importer,
        first_open=services.first_open,
        runtime=runtime,
    )


def first_open_of(
    world: Tenancy, account: ActiveAccount, clock: Clock, demo: Sequence[TenantDraft]
) -> FirstOpen:
    """The first open of ``account`` (its runtime's), over the world's store."""
    runtime = AccountRuntime(account=account, store=world.store, clock=clock, demo_tenants=demo)
    return runtime.services.first_open


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A migrated SQLite store under tmp_path."""
    opened = Store.open_file(tmp_path / "data" / "zoomadmin.sqlite3")
    yield opened
    opened.close()


@pytest.fixture
async def tenancy(sandbox: SandboxServer, store: Store) -> AsyncIterator[Tenancy]:
    """The services on the empty sandbox."""
    async with sandbox_client(sandbox) as zoom:
        yield build_tenancy(sandbox, store, zoom)


def draft(name: str = "Acme Academy", **kwargs: Any) -> TenantDraft:
    """A valid tenant form."""
    values: dict[str, Any] = {
        "timezone": "Europe/Berlin",
        "mailbox": "teach",
        "domain": "school.example",
    }
    values.update(kwargs)
    return TenantDraft(name=name, **values)


def add_session(store: Store, host_id: int, start: datetime, meeting_id: int) -> None:
    """A one-off 60-minute meeting of ``host_id`` at ``start`` in the store."""
    store.meetings.save(MeetingData(meeting_id, host_id, "Algebra", start, 60))


def soon(now: datetime, days: int = 1) -> datetime:
    """``days`` after ``now``."""
    return now + timedelta(days=days)


async def schedule_one_off_and_weekly(
    tenancy: Tenancy, host_id: str, start: datetime
) -> tuple[Meeting, Meeting]:
    """In Zoom: a 45-minute one-off at ``start`` and a 4-week weekly series two hours later."""
    one_off = await tenancy.zoom.create_meeting(
        host_id, MeetingRequest(topic="Algebra", start_time=start, duration=45)
    )
    weekly = await tenancy.zoom.create_meeting(
        host_id,
        MeetingRequest(
            topic="Physics",
            type=MeetingType.RECURRING_FIXED_TIME,
            start_time=start + timedelta(hours=2),
            duration=50,
            timezone="Europe/Berlin",
            recurrence=Recurrence(type=2, repeat_interval=1, weekly_days="3", end_times=4),
        ),
    )
    return one_off, weekly
