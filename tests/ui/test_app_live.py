"""An opened account comes alive: demo set-up, event stream in the status bar, live host rows."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx

from tests.ui.conftest import WaitUntil, opened
from zoomadmin.app import Application
from zoomadmin.core.clock import AppClock
from zoomadmin.paths import AppPaths
from zoomadmin.services.first_open import DEMO_ACTOR
from zoomadmin.store.repositories import Store
from zoomadmin.ui.tenants.hosts_model import HostColumn
from zoomadmin.ui.tenants.hosts_refresh import ms_until_utc_midnight
from zoomadmin.ui.tenants.tenants_tab import TenantsTab


def _tab(app: Application) -> TenantsTab:
    widget = app.window.tab_specs[0].widget
    assert isinstance(widget, TenantsTab)
    return widget


def _admin(app: Application, method: str, path: str, **kwargs: object) -> None:
    account = app.connection.active
    assert account is not None and account.sandbox is not None
    response = httpx.request(method, account.sandbox.admin_url + path, timeout=10, **kwargs)  # type: ignore[arg-type]
    response.raise_for_status()


async def test_a_fresh_sandbox_opens_on_the_demo_tenants_hosts_and_sessions(
    app: Application, reported_errors: list[str]
) -> None:
    tab = _tab(app)
    assert tab.tenants_model.rowCount() == 3
    names = {tab.tenants_model.summary_at(r).tenant.name for r in range(3)}
    assert names == {"Northside High", "Harbourview Academy", "Southbank College"}
    assert all(tab.tenants_model.summary_at(r).coming_sessions > 0 for r in range(3))
    model = tab.hosts_panel.model
    rows = [model.row_at(r) for r in range(model.rowCount())]
    linked = [r for r in rows if r.tenant_name]
    assert len(linked) == 13
    assert any(r.next_session_at is not None for r in linked)
    assert app.first_open is not None and "3 tenants" in app.first_open.summary
    titles = [spec.title for spec in app.window.tab_specs]
    assert titles.index("&License Pool") == titles.index("&Calendar") + 1
    # The pool's alerts reach the desktop whether or not its tab was ever shown.
    assert app.pool_notifier is not None and app.window.tab_specs[2].widget is None
    assert reported_errors == []


async def test_reopening_does_not_set_the_demo_up_twice(
    app: Application, app_paths: AppPaths, wait_until
) -> None:
    app.open_account(None)
    await opened(app, wait_until)
    assert app.first_open is None
    store = Store.open_file(app_paths.data_root / "sandbox" / "zoomadmin.sqlite3")
    try:
        assert len(store.tenants.all()) == 3
        entries = store.audit.entries(object_type="tenant", limit=100)
        assert len(entries) == 3 and {e.actor for e in entries} == {DEMO_ACTOR}
    finally:
        store.close()


async def test_status_bar_follows_the_sandbox_event_stream(app: Application, wait_until) -> None:
    events = app.status.events
    await wait_until(lambda: events.text() == "Events: connected", what="the stream to connect")
    await asyncio.to_thread(_admin, app, "POST", "/ws/drop")
    await wait_until(
        lambda: events.text().startswith("Events: reconnecting"), what="the drop to show"
    )
    await wait_until(
        lambda: events.text() == "Events: connected", within=10, what="the stream to reconnect"
    )


async def test_a_host_changed_in_zoom_refreshes_its_row(app: Application, wait_until) -> None:
    await wait_until(lambda: app.status.events.text() == "Events: connected")
    model = _tab(app).hosts_panel.model
    row = next(
        model.row_at(r)
        for r in range(model.rowCount())
        if model.row_at(r).host.email == "teach+northside-1@learnwell.example"
    )
    changed: list[object] = []
    model.dataChanged.connect(lambda first, last, roles=(): changed.append(first.row()))
    account = app.connection.active
    assert account is not None
    await account.client.update_user(row.host.zoom_user_id, first_name="Marcella")
    at = model.row_of(row.host.id)
    assert at is not None
    await wait_until(
        lambda: model.index(at, HostColumn.NAME).data() == "Marcella Reyes",
        what="the user.updated event to refresh the row",
    )
    assert at in changed


async def test_quota_cells_refresh_in_place(
    app: Application, app_paths: AppPaths, wait_until
) -> None:
    model = _tab(app).hosts_panel.model
    row = model.row_at(0)
    account = app.connection.active
    assert account is not None
    # What the client counts when it sends a meeting create/update for the host.
    day = app.clock.now().astimezone(UTC).date()
    for _ in range(3):
        await account.client.transport.ledger.record_request(row.host.zoom_user_id, day)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    cells: list[tuple[int, int]] = []
    model.dataChanged.connect(
        lambda first, last, roles=(): cells.append((first.row(), first.column()))
    )
    _tab(app).live.refresh_quota()
    at = model.row_of(row.host.id)
    assert at is not None
    want = f"{row.quota_used + 3} of 100"
    await wait_until(lambda: model.index(at, HostColumn.QUOTA).data() == want)
    assert (at, HostColumn.QUOTA) in cells
    assert resets == []


def test_midnight_timer_counts_in_app_time() -> None:
    clock = AppClock(monotonic=lambda: 0.0)
    clock.follow(datetime(2026, 3, 2, 23, 0, tzinfo=UTC), 60.0)
    assert ms_until_utc_midnight(clock) == 60_001  # an app hour at 60x: a real minute


async def test_switching_accounts_stops_the_old_accounts_work(
    app: Application, wait_until, reported_errors: list[str]
) -> None:
    old = app.connection.active
    assert old is not None
    gate = asyncio.Event()
    reached: list[str] = []

    async def old_accounts_sync() -> None:
        # Stands for a sync or host action that is still talking to the old account.
        await gate.wait()
        reached.append("after the switch")
        await old.client.list_users_page("active")

    job = app.runner.run(old_accounts_sync(), label="Syncing with Zoom…")
    app.open_account(None)
    await opened(app, wait_until)
    gate.set()
    await app.runner.wait_idle()
    assert job.cancelled() and reached == []
    assert reported_errors == []


async def test_the_status_bar_says_what_the_schedule_queue_holds(
    app: Application, wait_until: WaitUntil
) -> None:
    runtime = app.runtime
    assert runtime is not None
    assert not app.status.queue.isVisibleTo(app.window)  # nothing waits
    await runtime.stop()  # the queue's job would send it at once
    sessions = runtime.services.sessions
    host = runtime.store.hosts.all()[0]
    start = runtime.clock.now() + timedelta(days=3)
    plan = await sessions.plan_add(host.id, "Parent evening", start, 30, "UTC")
    await sessions.submit(plan)
    await wait_until(
        lambda: (
            app.status.queue.isVisibleTo(app.window)
            and app.status.queue.text() == "1 sessions queued"
        ),
        what="the queue's state in the status bar",
    )
