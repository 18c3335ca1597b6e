"""An account runtime over the test sandbox and a fresh database: what the GUI tests build."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from zoomadmin.account.runtime import AccountRuntime
from zoomadmin.sandbox import SandboxServer
from zoomadmin.services.connection import ActiveAccount, sandbox_credentials
from zoomadmin.store.repositories import Store
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.limits import MemoryQuotaLedger


def sandbox_runtime(sandbox: SandboxServer, folder: Path, **options: Any) -> AccountRuntime:
    """The sandbox's account opened as the app opens one (``options`` go to the runtime)."""
    store = Store.open_file(folder / "data" / "zoomadmin.sqlite3")
    now = sandbox.sandbox.clock.now
    zoom = ZoomClient(sandbox_credentials(sandbox.info), now=now, ledger=MemoryQuotaLedger())
    account = ActiveAccount("Sandbox: test account", zoom, sandbox=sandbox.info)
    return AccountRuntime(account=account, store=store, clock=sandbox.sandbox.clock, **options)


async def close_runtime(runtime: AccountRuntime) -> None:
    """Close what :func:`sandbox_runtime` opened."""
    await runtime.account.client.aclose()
    runtime.store.close()
