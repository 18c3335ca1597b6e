"""Fixtures for the Tenants & Hosts tab tests: services on a real store and the sandbox."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from zoomadmin.sandbox import SandboxServer
from zoomadmin.sandbox.state import User
from zoomadmin.services.host_import import HostImporter
from zoomadmin.services.hosts import HostService
from zoomadmin.services.sync import SyncService
from zoomadmin.services.tenants import TenantService
from zoomadmin.store.repositories import Store
from zoomadmin.ui.async_runner import AsyncRunner
from zoomadmin.ui.tenants_tab import TenantsTab
from zoomadmin.zoom.auth import ZoomCredentials
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.limits import MemoryQuotaLedger

ACTOR = "pat@school.example"


@dataclass
class TabWorld:
    """The tab under test and what it talks to."""

    tab: TenantsTab
    store: Store
    zoom: ZoomClient
    server: SandboxServer
    runner: AsyncRunner


def add_zoom_user(server: SandboxServer, email: str, first: str = "Ann", last: str = "Lee") -> str:
    """Put an active Basic user straight into the sandbox; returns its id."""
    state = server.sandbox.state
    rng = random.Random(email)
    user_id = state.new_user_id(rng)
    state.add_user(
        User(
            id=user_id,
            email=email,
            first_name=first,
            last_name=last,
            type=1,
            status="active",
            created_at=server.sandbox.clock.now(),
            pmi=rng.randrange(1_000_000_000, 9_999_999_999),
        )
    )
    return user_id


@pytest.fixture
async def world(
    qtbot: QtBot, tmp_path: Path, sandbox: SandboxServer, runner: AsyncRunner
) -> AsyncIterator[TabWorld]:
    """The tab, shown and loaded, over an empty sandbox account and a fresh database."""
    store = Store.open_file(tmp_path / "data" / "zoomadmin.sqlite3")
    info = sandbox.info
    credentials = ZoomCredentials(
        account_id=info.account_id,
        client_id=info.client_id,
        client_secret=info.client_secret,
        api_url=info.api_url,
        oauth_url=info.oauth_url,
    )
    now = sandbox.sandbox.clock.now
    zoom = ZoomClient(credentials, now=now, ledger=MemoryQuotaLedger())
    hosts = HostService(store, zoom, now=now, actor=ACTOR)
    tab = TenantsTab(
        tenants=TenantService(store, now=now, actor=ACTOR),
        hosts=hosts,
        sync=SyncService(store, zoom, now=now, actor=ACTOR),
        importer=HostImporter(store, zoom, hosts),
        runner=runner,
    )
    qtbot.addWidget(tab)
    tab.resize(1200, 760)
    tab.show()
    await tab.ready()
    await runner.wait_idle()
    yield TabWorld(tab, store, zoom, sandbox, runner)
    runner.cancel_all()
    await zoom.aclose()
    store.close()
