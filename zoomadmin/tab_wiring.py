"""The feature tabs of an open account: each builder hands its tab only the services it needs.

Part of the composition root (with ``app.py`` and ``account_wiring.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from zoomadmin.paths import AppPaths
    from zoomadmin.services.accounts import AccountService
    from zoomadmin.services.connection import ActiveAccount, AppClock
    from zoomadmin.services.tenants import TenantDraft
    from zoomadmin.ui.async_runner import AsyncRunner
    from zoomadmin.ui.main_window import TabSpec
    from zoomadmin.zoom.events.stream import EventStream


@dataclass(frozen=True)
class AccountContext:
    """What a tab builder may hand to its tab and services: one open account's world."""

    account: ActiveAccount
    clock: AppClock
    runner: AsyncRunner
    engine: Engine
    paths: AppPaths
    accounts: AccountService
    events: EventStream | None = None
    """The account's Zoom events (user.updated, meeting.started/ended, ...)."""
    after_first_open: list[Callable[[], None]] = field(default_factory=list)
    """Called once the first open (demo set-up or first sync) changed the data: reload."""


TabBuilder = Callable[[AccountContext], "TabSpec"]
"""Builds one feature tab for an open account; see :func:`tab_builders`."""


def tab_builders() -> list[TabBuilder]:
    """The feature tabs, in menu order (Ctrl+1, Ctrl+2, ...). Each feature adds its builder.

    A builder imports its tab lazily and returns ``TabSpec(title, widget, icon_name)``;
    the widget gets only the services it needs, built here from the context.
    """
    return [_tenants_tab]


def actor_of(context: AccountContext) -> str:
    """Who the audit log names for changes made from this desktop: the OS login."""
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (some containers): name the Zoom owner
        owner = context.account.owner
        return owner.email if owner else "unknown"


def _tenants_tab(context: AccountContext) -> TabSpec:
    """Tenants & Hosts: tenants, their host users, CSV import and sync with Zoom."""
    from zoomadmin.services.host_import import HostImporter
    from zoomadmin.services.hosts import HostService
    from zoomadmin.services.sync import SyncService
    from zoomadmin.services.tenants import TenantService
    from zoomadmin.store.repositories import Store
    from zoomadmin.ui.main_window import TabSpec
    from zoomadmin.ui.tenants_tab import TenantsTab

    store = Store.over(context.engine)
    zoom, now, actor = context.account.client, context.clock.now, actor_of(context)
    hosts = HostService(store, zoom, now=now, actor=actor)
    tab = TenantsTab(
        tenants=TenantService(store, now=now, actor=actor),
        hosts=hosts,
        sync=SyncService(store, zoom, now=now, actor=actor),
        importer=HostImporter(store, zoom, hosts),
        runner=context.runner,
        clock=context.clock,
        events=context.events,
    )
    context.after_first_open.append(tab.refresh)
    return TabSpec("Tenants && Hosts", tab, "link")


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
