"""The feature tabs of an open account: each builder hands its tab only what it needs.

Part of the composition root (with ``app.py``): the tabs get their services from the
account's one :class:`~zoomadmin.account.runtime.AccountRuntime`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QWidget

    from zoomadmin.account.runtime import AccountRuntime
    from zoomadmin.services.tenants import TenantDraft
    from zoomadmin.ui.common.async_runner import AsyncRunner
    from zoomadmin.ui.main_window import TabSpec
    from zoomadmin.ui.pool.pool_notifier import PoolNotifier


@dataclass(frozen=True)
class AccountContext:
    """What a tab builder may hand to its tab: one open account's runtime, the desk's
    async runner and, while the account is open, its pool alerts' desktop notifier."""

    runtime: AccountRuntime
    runner: AsyncRunner
    pool_notifier: PoolNotifier | None = None


TabBuilder = Callable[[AccountContext], "TabSpec"]
"""Builds one feature tab for an open account; see :func:`tab_builders`."""


def tab_builders() -> list[TabBuilder]:
    """The feature tabs, in menu order (Ctrl+1, Ctrl+2, ...). Each feature adds its builder.

    A builder imports its tab lazily and returns ``TabSpec(title, widget, icon_name)``;
    the widget gets only the services it needs, from the account's runtime.
    """
    return [_tenants_tab, _calendar_tab, _pool_tab, _recordings_tab, _settings_tab]


def _tenants_tab(context: AccountContext) -> TabSpec:
    """Tenants & Hosts: tenants, their host users, CSV import and sync with Zoom."""
    from zoomadmin.ui.main_window import TabSpec

    def build() -> QWidget:
        from zoomadmin.ui.tenants.tenants_tab import TenantsTab

        runtime = context.runtime
        services = runtime.services
        return TenantsTab(
            tenants=services.tenants,
            hosts=services.hosts,
            sync=services.sync,
            importer=services.importer,
            runner=context.runner,
            clock=runtime.clock,
            changes=runtime.bus,
            sessions=services.sessions,
        )

    return TabSpec("Tenants && Hosts", build, "tenants")


def _calendar_tab(context: AccountContext) -> TabSpec:
    """Calendar: every session in day, week and month views, its changes, the queue."""
    from zoomadmin.ui.main_window import TabSpec

    def build() -> QWidget:
        from zoomadmin.ui.calendar.calendar_tab import CalendarTab

        runtime = context.runtime
        services = runtime.services
        return CalendarTab(
            calendar=services.calendar,
            queue=services.queue,
            sessions=services.sessions,
            curricula=services.curricula,
            runner=context.runner,
            clock=runtime.clock,
            changes=runtime.bus,
        )

    return TabSpec("&Calendar", build, "details")


def _pool_tab(context: AccountContext) -> TabSpec:
    """License Pool: the seats over the day, who holds them and why, moves and alerts."""
    from zoomadmin.ui.main_window import TabSpec

    def build() -> QWidget:
        from zoomadmin.ui.pool.pool_tab import LicensePoolTab

        runtime = context.runtime
        return LicensePoolTab(
            licenses=runtime.services.licenses,
            runner=context.runner,
            clock=runtime.clock,
            changes=runtime.bus,
            notifier=context.pool_notifier,
        )

    return TabSpec("&License Pool", build, "pool")


def pool_notifier(runtime: AccountRuntime, parent: QObject) -> PoolNotifier:
    """The account's desktop notifications for pool alerts (made when the account opens, so
    they come whether or not the License Pool tab was ever shown)."""
    from zoomadmin.ui.common.tray import TrayNotifier
    from zoomadmin.ui.pool.pool_notifier import PoolNotifier

    services = runtime.services
    tray = TrayNotifier()
    # The pool's news comes from its controller, so the getter builds nothing at open.
    notifier = PoolNotifier(
        runtime.bus, lambda: services.licenses.last, tray, runtime.clock.now, parent
    )
    tray.setParent(notifier)  # the tray icon goes with the account
    return notifier


def _recordings_tab(context: AccountContext) -> TabSpec:
    """Recordings: the account-wide index, downloads, storage per tenant, retention."""
    from zoomadmin.ui.main_window import TabSpec

    def build() -> QWidget:
        from zoomadmin.ui.recordings.recordings_tab import RecordingsTab

        runtime = context.runtime
        services = runtime.services
        return RecordingsTab(
            index=services.recordings,
            downloads=services.downloads,
            retention=services.retention,
            runner=context.runner,
            changes=runtime.bus,
        )

    return TabSpec("&Recordings", build, "import")


def _settings_tab(context: AccountContext) -> TabSpec:
    """Host settings: tenants' policies, the drift report and one host's settings."""
    from zoomadmin.ui.main_window import TabSpec

    def build() -> QWidget:
        from zoomadmin.ui.settings.settings_tab import HostSettingsTab

        runtime = context.runtime
        return HostSettingsTab(
            policies=runtime.services.policies,
            drift=runtime.services.drift,
            runner=context.runner,
            changes=runtime.bus,
        )

    return TabSpec("Host &settings", build, "settings")


def demo_tenants() -> list[TenantDraft]:
    """The tenants the sandbox's demo seed has hosts for (names, zones, email scheme)."""
    from zoomadmin.sandbox import seed
    from zoomadmin.services.tenants import TenantDraft

    return [
        TenantDraft(
            name=t.name or t.slug.title(),
            timezone=t.timezone,
            mailbox=seed.MAILBOX,
            domain=seed.DOMAIN,
            slug=t.slug,
        )
        for t in seed.TENANTS
    ]
