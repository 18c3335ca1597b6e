"""Fixtures for the Tenants & Hosts tab tests: services on a real store and the sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from runtime_support import close_runtime, sandbox_runtime

from zoomadmin.core.changes import ChangeBus
from zoomadmin.sandbox import SandboxServer
from zoomadmin.store.repositories import Store
from zoomadmin.ui.common.async_runner import AsyncRunner
from zoomadmin.ui.tenants.tenants_tab import TenantsTab
from zoomadmin.zoom.client import ZoomClient


@dataclass
class TabWorld:
    """The tab under test and what it talks to."""

    tab: TenantsTab
    store: Store
    zoom: ZoomClient
    server: SandboxServer
    runner: AsyncRunner
    changes: ChangeBus


@pytest.fixture
async def world(
    qtbot: QtBot, tmp_path: Path, sandbox: SandboxServer, runner: AsyncRunner
) -> AsyncIterator[TabWorld]:
    """The tab, shown and loaded, over an empty sandbox account and a fresh database."""
    runtime = sandbox_runtime(sandbox, tmp_path)
    store, zoom = runtime.store, runtime.account.client
    services = runtime.services
    tab = TenantsTab(
        tenants=services.tenants,
        hosts=services.hosts,
        sync=services.sync,
        importer=services.importer,
        runner=runner,
        clock=sandbox.sandbox.clock,
        changes=runtime.bus,
    )
    qtbot.addWidget(tab)
    tab.resize(1200, 760)
    tab.show()
    await tab.ready()
    await runner.wait_idle()
    yield TabWorld(tab, store, zoom, sandbox, runner, runtime.bus)
    runner.cancel_all()
    await close_runtime(runtime)
