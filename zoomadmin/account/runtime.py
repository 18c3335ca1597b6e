"""``AccountRuntime``: everything one open account is, built once for every front end."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from zoomadmin.account.events import event_stream
from zoomadmin.core.changes import ChangeBus
from zoomadmin.core.clock import Clock
from zoomadmin.jobs.lease import LeadershipLease, LocalLease
from zoomadmin.services.connection import ActiveAccount

if TYPE_CHECKING:
    from zoomadmin.jobs.supervisor import Job, JobStatus, Supervisor
    from zoomadmin.services.calendar import CalendarService
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
    from zoomadmin.store.notifications import ChangeRelay
    from zoomadmin.store.repositories import Store
    from zoomadmin.zoom.client import ZoomClient
    from zoomadmin.zoom.events.poller import Poller
    from zoomadmin.zoom.events.stream import EventStream

log = logging.getLogger(__name__)


def downloads_beside(store: Store) -> Path:
    """The default download folder: ``downloads`` beside the account's database."""
    database = store.engine.url.database
    base = Path(database).parent if database else Path.home() / "zoomadmin"
    return base / "downloads"


class AccountServices:
    """Exactly one instance of each service of an open account, each built on first use.

    A service (and the modules it needs) is made the first time something asks for it,
    together with the services it is built on, and kept: opening an account costs what
    the tab on screen uses, and every later ask gets the same instance. Build and use them
    on the loop's thread.
    """

    def __init__(self, runtime: AccountRuntime, demo_tenants: Sequence[TenantDraft]) -> None:
        self._runtime = runtime
        self._store = runtime.store
        self._zoom: ZoomClient = runtime.account.client
        self._bus = runtime.bus
        self._now = runtime.clock.now
        self._demo = tuple(demo_tenants) if runtime.account.is_sandbox else ()

    def built(self) -> list[str]:
        """The names of the services made so far (in the order they were made)."""
        return [name for name in vars(self) if not name.startswith("_")]

    @cached_property
    def tenants(self) -> TenantService:
        from zoomadmin.services.tenants import TenantService

        return TenantService(self._store, now=self._now, bus=self._bus)

    @cached_property
    def hosts(self) -> HostService:
        from zoomadmin.services.hosts import HostService

        hosts = HostService(self._store, self._zoom, now=self._now, bus=self._bus)
        # New hosts take their tenant's settings policy; the lambda builds the policy
        # service only when there are new hosts to adopt.
        hosts.on_new_hosts = lambda new: self.policies.adopt(new)  # noqa: PLW0108
        return hosts

    @cached_property
    def sync(self) -> SyncService:
        from zoomadmin.services.sync import SyncService

        return SyncService(self._store, self._zoom, now=self._now, bus=self._bus)

    @cached_property
    def importer(self) -> HostImporter:
        from zoomadmin.services.host_import import HostImporter

        return HostImporter(self._store, self._zoom, self.hosts)

    @cached_property
    def first_open(self) -> FirstOpen:
        from zoomadmin.services.first_open import FirstOpen

        return FirstOpen(
            self._store,
            tenants=self.tenants,
            hosts=self.hosts,
            sync=self.sync,
            demo_tenants=self._demo,
        )

    @cached_property
    def curricula(self) -> CurriculumService:
        from zoomadmin.services.curriculum import CurriculumService

        curricula = CurriculumService(
            self._store,
            self._zoom,
            self.hosts,
            now=self._now,
            bus=self._bus,
            on_submitted=self.queue.wake,
        )
        # The license pool is built when a preview first checks its seats.
        curricula.seat_check = lambda needs: self.pool.shortfalls_with(needs)  # noqa: PLW0108
        return curricula

    @cached_property
    def queue(self) -> ScheduleQueue:
        from zoomadmin.services.schedule_queue import ScheduleQueue

        return ScheduleQueue(self._store, self._zoom, now=self._now, bus=self._bus)

    @cached_property
    def calendar(self) -> CalendarService:
        from zoomadmin.services.calendar import CalendarService

        poller = self._runtime.poller
        return CalendarService(self._store, self.queue, live=lambda: poller.live_meeting_ids)

    @cached_property
    def sessions(self) -> SessionChanges:
        from zoomadmin.services.session_changes import SessionChanges

        return SessionChanges(self._store, self._zoom, self.queue, now=self._now, bus=self._bus)

    @cached_property
    def policies(self) -> PolicyService:
        from zoomadmin.services.host_settings import PolicyService

        return PolicyService(self._store, self._zoom, now=self._now, bus=self._bus)

    @cached_property
    def drift(self) -> DriftService:
        from zoomadmin.services.drift import DriftService

        return DriftService(self._store, self._zoom, self.policies, now=self._now, bus=self._bus)

    @cached_property
    def recordings(self) -> RecordingsIndex:
        from zoomadmin.services.recordings_index import RecordingsIndex

        return RecordingsIndex(self._store, self._zoom, now=self._now, bus=self._bus)

    @cached_property
    def downloads(self) -> DownloadService:
        from zoomadmin.services.recording_downloads import DownloadService

        root = self._runtime.downloads_dir or downloads_beside(self._store)
        return DownloadService(self._store, self._zoom, bus=self._bus, root=root)

    @cached_property
    def retention(self) -> RetentionService:
        from zoomadmin.services.recording_retention import RetentionService

        return RetentionService(self._store, self._zoom, now=self._now, bus=self._bus)

    @cached_property
    def pool(self) -> LicensePool:
        from zoomadmin.services.license_pool import LicensePool

        return LicensePool(self._store, self._zoom, self.calendar)

    @cached_property
    def licenses(self) -> LicenseControl:
        from zoomadmin.services.license_control import LicenseControl

        return LicenseControl(
            self._store,
            self._zoom,
            self.calendar,
            now=self._now,
            bus=self._bus,
            on_by_default=self._runtime.account.is_sandbox,
        )


class AccountRuntime:
    """One open account: its store, Zoom client, events, services and jobs supervisor.

    The desktop, the command line, the agent and the tests all build an account through
    this class, and nothing else constructs services, so each exists once per account (the
    sync's "one at a time" holds across every caller). Services are built on first use
    (:class:`AccountServices`), the jobs (and the services they run) when first asked for,
    at the latest by :meth:`start`, which runs them (once this process holds the account's
    lease); :meth:`stop` ends them. Closing the client and the store is the opener's
    business (:class:`ConnectionService` and the store's).
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
        follow_clock: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self.account = account
        self._follow_clock = follow_clock
        """Reads a separately started sandbox's clock into :attr:`clock` (None: not one)."""
        self._following: asyncio.Task[None] | None = None
        self.store = store
        self.clock = clock
        self.bus = bus or ChangeBus()
        self.downloads_dir = downloads_dir
        self.events, self.poller = stream or event_stream(account, clock)
        self.lease = lease or LocalLease()
        self.services = AccountServices(self, demo_tenants)
        self._relay: ChangeRelay | None = None

    @cached_property
    def jobs(self) -> list[Job]:
        """Every job of the account, in status-bar order (built, with the services they
        run, the first time they are asked for)."""
        from zoomadmin.jobs.drift_watch import DriftWatchJob
        from zoomadmin.jobs.event_stream import EventStreamJob
        from zoomadmin.jobs.host_events import HostEventsJob
        from zoomadmin.jobs.license_controller import LicenseControllerJob
        from zoomadmin.jobs.quota_midnight import QuotaMidnightJob
        from zoomadmin.jobs.recording_downloads import RecordingDownloadsJob
        from zoomadmin.jobs.recordings_index import RecordingsIndexJob
        from zoomadmin.jobs.schedule_queue import ScheduleQueueJob

        services, clock = self.services, self.clock
        return [
            EventStreamJob(self.events),
            HostEventsJob(self.events, services.hosts, self.bus),
            QuotaMidnightJob(clock, self.bus),
            ScheduleQueueJob(services.queue, clock, self.bus),
            DriftWatchJob(self.events, services.drift),
            RecordingsIndexJob(self.events, services.recordings, clock),
            RecordingDownloadsJob(services.downloads),
            LicenseControllerJob(self.events, services.licenses, clock, self.bus),
        ]

    @cached_property
    def supervisor(self) -> Supervisor:
        """Runs :attr:`jobs` while this process holds the account's lease."""
        from zoomadmin.jobs.supervisor import Supervisor

        on_lead = self._announce_takeover if self._shared_url is not None else None
        return Supervisor(self.jobs, lease=self.lease, bus=self.bus, on_lead=on_lead)

    @property
    def _shared_url(self) -> str | None:
        """The database's URL (password included) when processes share it; None on SQLite."""
        from zoomadmin.account.shared import store_url
        from zoomadmin.store.db import is_shared

        url = store_url(self.store)
        return url if is_shared(url) else None

    def _announce_takeover(self) -> None:
        """Tell every process on the shared database that anything may have changed.

        A leader killed between a commit and its notification took that notification with
        it: the desks would not hear of the last session it created or seat it moved. The
        process that leads next says "everything" once, so each desk reads afresh.
        """
        from zoomadmin.core.changes import ChangeKind

        for kind in ChangeKind:
            if kind not in (ChangeKind.JOBS, ChangeKind.SYNC):
                self.bus.publish(kind)

    @property
    def job_statuses(self) -> list[JobStatus]:
        """Every job's state (for the status bar and ``zoomadmin agent status``)."""
        return self.supervisor.statuses

    def share_changes(self) -> None:
        """On a shared database, tell other processes this one's changes and hear theirs
        (``LISTEN/NOTIFY``; on the running loop). Nothing on SQLite; idempotent."""
        url = self._shared_url
        if self._relay is None and url is not None:
            from zoomadmin.store.db import libpq_conninfo
            from zoomadmin.store.notifications import ChangeRelay

            self._relay = ChangeRelay(libpq_conninfo(url), self.bus)
            self._relay.start()

    def start(self) -> None:
        """Run the account's jobs once this process holds its lease (on the running loop)."""
        self.share_changes()
        if self._follow_clock is not None and self._following is None:
            self._following = asyncio.create_task(
                follow_sandbox_clock(self._follow_clock), name="sandbox-clock"
            )
        self.supervisor.start()

    async def stop(self) -> None:
        """Stop every job (the event stream's connections are closed before this returns)."""
        if "supervisor" in vars(self):  # jobs never asked for have nothing to stop
            await self.supervisor.stop()
        following, self._following = self._following, None
        if following is not None:
            following.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await following
        relay, self._relay = self._relay, None
        if relay is not None:
            await relay.stop()

    async def close(self) -> None:
        """Stop the jobs and release the database (the client closes with the connection)."""
        await self.stop()
        await asyncio.to_thread(self.store.close)


FOLLOW_EVERY = 1.0
"""Real seconds between readings of a separately started sandbox's clock."""


async def follow_sandbox_clock(
    read: Callable[[], Awaitable[object]], every: float = FOLLOW_EVERY
) -> None:
    """Read a separately started sandbox's clock into the account's clock until cancelled.

    Someone else may step that sandbox or change its speed (its admin API, a test, another
    desk); :class:`~zoomadmin.core.clock.AppClock` wakes every job asleep on it when a reading
    is not where it was. Every process follows it, leading or not, so a standby that takes
    over starts its jobs on the right time. A sandbox that does not answer is waited for
    (the clock goes on at its last speed meanwhile).
    """
    from zoomadmin.core.errors import AppError

    away = False
    while True:
        try:
            await read()
        except AppError as exc:
            if not away:
                log.info("The sandbox's clock did not answer: %s", exc.user_message)
            away = True
        else:
            if away:
                log.info("The sandbox's clock answers again")
            away = False
        await asyncio.sleep(every)
