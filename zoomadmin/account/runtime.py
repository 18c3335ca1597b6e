"""``AccountRuntime``: everything one open account is, built once for every front end."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from zoomadmin.account.events import event_stream
from zoomadmin.core.changes import ChangeBus
from zoomadmin.core.clock import Clock
from zoomadmin.jobs.drift_watch import DriftWatchJob
from zoomadmin.jobs.event_stream import EventStreamJob
from zoomadmin.jobs.host_events import HostEventsJob
from zoomadmin.jobs.lease import LeadershipLease, LocalLease
from zoomadmin.jobs.license_controller import LicenseControllerJob
from zoomadmin.jobs.quota_midnight import QuotaMidnightJob
from zoomadmin.jobs.recording_downloads import RecordingDownloadsJob
from zoomadmin.jobs.recordings_index import RecordingsIndexJob
from zoomadmin.jobs.schedule_queue import ScheduleQueueJob
from zoomadmin.jobs.supervisor import Job, JobStatus, Supervisor
from zoomadmin.services.calendar import CalendarService
from zoomadmin.services.connection import ActiveAccount
from zoomadmin.services.curriculum import CurriculumService
from zoomadmin.services.drift import DriftService
from zoomadmin.services.first_open import FirstOpen
from zoomadmin.services.host_import import HostImporter
from zoomadmin.services.host_settings import PolicyService
from zoomadmin.services.hosts import HostService
from zoomadmin.services.license_control import LicenseControl
from zoomadmin.services.license_pool import LicensePool
from zoomadmin.services.recording_downloads import DownloadService
from zoomadmin.services.recording_retention import RetentionService
from zoomadmin.services.recordings_index import RecordingsIndex
from zoomadmin.services.schedule_queue import ScheduleQueue
from zoomadmin.services.session_changes import SessionChanges
from zoomadmin.services.sync import SyncService
from zoomadmin.services.tenants import TenantDraft, TenantService
from zoomadmin.store.db import is_shared, libpq_conninfo
from zoomadmin.store.repositories import Store
from zoomadmin.zoom.events.poller import Poller
from zoomadmin.zoom.events.stream import EventStream

if TYPE_CHECKING:
    from zoomadmin.store.notifications import ChangeRelay

log = logging.getLogger(__name__)


def downloads_beside(store: Store) -> Path:
    """The default download folder: ``downloads`` beside the account's database."""
    database = store.engine.url.database
    base = Path(database).parent if database else Path.home() / "zoomadmin"
    return base / "downloads"


@dataclass(frozen=True)
class AccountServices:
    """Exactly one instance of each service of an open account."""

    tenants: TenantService
    hosts: HostService
    sync: SyncService
    importer: HostImporter
    first_open: FirstOpen
    curricula: CurriculumService
    queue: ScheduleQueue
    calendar: CalendarService
    sessions: SessionChanges
    policies: PolicyService
    drift: DriftService
    recordings: RecordingsIndex
    downloads: DownloadService
    retention: RetentionService
    pool: LicensePool
    licenses: LicenseControl


class AccountRuntime:
    """One open account: its store, Zoom client, events, services and jobs supervisor.

    The desktop, the command line, the agent and the tests all build an account through
    this class, and nothing else constructs services, so each exists once per account (the
    sync's "one at a time" holds across every caller). :meth:`start` runs the jobs (once
    this process holds the account's lease); :meth:`stop` ends them. Closing the client
    and the store is the opener's business (:class:`ConnectionService` and the store's).
    """

    def __init__(
        self,
        *,
        account: ActiveAccount,
        store: Store,
        clock: Clock,
        bus: ChangeBus | None = None,
        lease: LeadershipLease | None = None,
        demo_tenants: Sequence[TenantDraft] = (),
        stream: tuple[EventStream, Poller] | None = None,
        downloads_dir: Path | None = None,
    ) -> None:
        self.account = account
        self.store = store
        self.clock = clock
        self.bus = bus or ChangeBus()
        self.events, self.poller = stream or event_stream(account, clock)
        zoom, now = account.client, clock.now
        hosts = HostService(store, zoom, now=now, bus=self.bus)
        tenants = TenantService(store, now=now, bus=self.bus)
        sync = SyncService(store, zoom, now=now, bus=self.bus)
        queue = ScheduleQueue(store, zoom, now=now, bus=self.bus)
        policies = PolicyService(store, zoom, now=now, bus=self.bus)
        hosts.on_new_hosts = policies.adopt
        calendar = CalendarService(store, queue, live=lambda: self.poller.live_meeting_ids)
        drift = DriftService(store, zoom, policies, now=now, bus=self.bus)
        self.services = AccountServices(
            tenants=tenants,
            hosts=hosts,
            sync=sync,
            importer=HostImporter(store, zoom, hosts),
            first_open=FirstOpen(
                store,
                tenants=tenants,
                hosts=hosts,
                sync=sync,
                demo_tenants=demo_tenants if account.is_sandbox else (),
            ),
            curricula=CurriculumService(
                store, zoom, hosts, now=now, bus=self.bus, on_submitted=queue.wake
            ),
            queue=queue,
            calendar=calendar,
            pool=LicensePool(store, zoom, calendar),
            licenses=LicenseControl(
                store, zoom, calendar, now=now, bus=self.bus, on_by_default=account.is_sandbox
            ),
            sessions=SessionChanges(store, zoom, queue, now=now, bus=self.bus),
            policies=policies,
            drift=drift,
            recordings=RecordingsIndex(store, zoom, now=now, bus=self.bus),
            downloads=DownloadService(
                store, zoom, bus=self.bus, root=downloads_dir or downloads_beside(store)
            ),
            retention=RetentionService(store, zoom, now=now, bus=self.bus),
        )
        self.services.curricula.seat_check = self.services.pool.shortfalls_with
        self.jobs: list[Job] = [
            EventStreamJob(self.events),
            HostEventsJob(self.events, hosts, self.bus),
            QuotaMidnightJob(clock, self.bus),
            ScheduleQueueJob(queue, clock, self.bus),
            DriftWatchJob(self.events, drift),
            RecordingsIndexJob(self.events, self.services.recordings, clock),
            RecordingDownloadsJob(self.services.downloads),
            LicenseControllerJob(self.events, self.services.licenses, clock, self.bus),
        ]
        self.lease = lease or LocalLease()
        self.supervisor = Supervisor(self.jobs, lease=self.lease, bus=self.bus)
        self._relay: ChangeRelay | None = None

    @property
    def job_statuses(self) -> list[JobStatus]:
        """Every job's state (for the status bar and ``zoomadmin agent status``)."""
        return self.supervisor.statuses

    def share_changes(self) -> None:
        """On a shared database, tell other processes this one's changes and hear theirs
        (``LISTEN/NOTIFY``; on the running loop). Nothing on SQLite; idempotent."""
        url = self.store.engine.url.render_as_string(hide_password=False)
        if self._relay is None and is_shared(url):
            from zoomadmin.store.notifications import ChangeRelay

            self._relay = ChangeRelay(libpq_conninfo(url), self.bus)
            self._relay.start()

    def start(self) -> None:
        """Run the account's jobs once this process holds its lease (on the running loop)."""
        self.share_changes()
        self.supervisor.start()

    async def stop(self) -> None:
        """Stop every job (the event stream's connections are closed before this returns)."""
        await self.supervisor.stop()
        relay, self._relay = self._relay, None
        if relay is not None:
            await relay.stop()

    async def close(self) -> None:
        """Stop the jobs and release the database (the client closes with the connection)."""
        await self.stop()
        await asyncio.to_thread(self.store.close)
