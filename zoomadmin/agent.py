"""``zoomadmin agent``: the account's always-on work, headless, for when every desk is closed.

It opens the account as every command does (the environment's credentials, ``--account``, or
the sandbox), on the shared database (``--database-url``), and runs the same jobs under the
same supervisor as the desktop: the event stream, the schedule queue, the license controller,
the recordings index and downloads, the settings drift watch. One agent leads per account
(PostgreSQL's advisory lock); a second one stands by and takes over when the first dies.
Logs are JSON lines on stderr, secrets redacted. SIGTERM or SIGINT stop it cleanly (exit 0).

``zoomadmin agent status [--json]`` tells, from any machine on the database, who leads, who
stands by, and the leader's jobs, queue and pool.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zoomadmin.account.runtime import AccountRuntime
    from zoomadmin.commands.account_choice import AccountChoice
    from zoomadmin.jobs.pg_lease import PostgresLease
    from zoomadmin.paths import AppPaths
    from zoomadmin.services.connection import ActiveAccount
    from zoomadmin.store.processes import ProcessRecord
    from zoomadmin.store.repositories import Store

log = logging.getLogger("zoomadmin.agent")

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
BEAT_EVERY = 5.0
"""Seconds between the heartbeats of an agent on SQLite (PostgreSQL's lease beats itself)."""
CHANGE_SETTLE = 0.5
"""Seconds a heartbeat waits after a job's state changed, so a burst of changes makes one."""


def add_agent_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``zoomadmin agent [options]`` and ``zoomadmin agent status [--json]``."""
    agent = sub.add_parser(
        "agent",
        help="run the account's always-on work headless (queue, license pool, events, ...)",
        description="Run the account's jobs headless. On a shared PostgreSQL database one "
        "agent leads and the others stand by.",
    )
    agent.add_argument(
        "--recordings-dir",
        metavar="DIR",
        type=Path,
        help="download recordings into DIR on this server (default: beside the database)",
    )
    agent.add_argument(
        "--health-listen",
        metavar="HOST:PORT",
        help="serve /healthz and Prometheus /metrics on HOST:PORT",
    )
    agent.add_argument(
        "--webhook-listen",
        metavar="HOST:PORT",
        help="receive Zoom's webhooks on HOST:PORT (behind a reverse proxy); the secret "
        "token comes from ZOOMADMIN_WEBHOOK_SECRET_TOKEN or ..._FILE",
    )
    leaves = agent.add_subparsers(dest="agent_command", metavar="COMMAND")
    status = leaves.add_parser(
        "status", help="who leads, who stands by, and the leader's jobs, queue and pool"
    )
    status.add_argument("--json", action="store_true", help="print one JSON document")
    agent.set_defaults(agent=True)


def run(args: argparse.Namespace) -> int:
    """``zoomadmin agent ...``; returns the exit code."""
    from zoomadmin.core.actor import set_default_actor
    from zoomadmin.logs import json_stderr_logging
    from zoomadmin.paths import AppPaths

    paths = AppPaths.from_basedir(args.basedir)
    if args.agent_command == "status":
        return _status_command(args, paths)
    json_stderr_logging()
    set_default_actor("zoomadmin agent")
    try:
        return asyncio.run(_serve(args, paths))
    except KeyboardInterrupt:
        return EXIT_OK


# -- running ----------------------------------------------------------------------------------


async def _serve(args: argparse.Namespace, paths: AppPaths) -> int:
    from zoomadmin.account.shared import database_url
    from zoomadmin.commands.account_choice import OpenOptions, choose_account, opened_account
    from zoomadmin.core.errors import AppError

    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stopping.set)
    url = database_url(args.database_url, os.environ)
    try:
        choice = choose_account(args.account, os.environ, log.info)
        options = OpenOptions(
            database_url=url,
            lease_for=lambda account, store: _lease(paths, choice, account, store),
            downloads_dir=args.recordings_dir,
        )
        async with opened_account(paths, choice, log.info, options) as runtime:
            return await _lead_until_stopped(args, runtime, stopping)
    except AppError as exc:
        log.error("The agent cannot run: %s", exc.user_message)
        return EXIT_REFUSED


def _lease(paths: AppPaths, choice: AccountChoice, account: ActiveAccount, store: Store) -> Any:
    from zoomadmin.account.shared import lease_for
    from zoomadmin.commands.account_choice import credentials_database_path

    environment = choice.environment
    if choice.is_embedded_sandbox:
        from zoomadmin.jobs.lease import LocalLease

        # The command holds the embedded sandbox's lock file while it runs (one process per
        # sandbox state file), so its jobs are this process's to run: taking the same lock
        # a second time would only ever find it held, and the agent would stand by forever.
        return LocalLease()
    if environment is not None:
        lock = credentials_database_path(paths, environment.credentials.account_id)
        lock = lock.with_name("jobs.lock")
    else:
        lock = paths.jobs_lock(choice.profile)
    return lease_for(account, store, lock, role="agent")


async def _lead_until_stopped(
    args: argparse.Namespace, runtime: AccountRuntime, stopping: asyncio.Event
) -> int:
    from zoomadmin.core.changes import ChangeKind
    from zoomadmin.jobs.pg_lease import PostgresLease

    watch = AgentWatch(runtime)
    lease = runtime.lease
    if isinstance(lease, PostgresLease):
        lease.status = watch.status
    # A job's new state reaches ``agent status`` within a second, not at the next beat.
    jobs_changed = asyncio.Event()
    stop_hearing = runtime.bus.subscribe(
        lambda change: (
            jobs_changed.set()
            if change.kind is ChangeKind.JOBS and change.origin == runtime.bus.origin
            else None
        )
    )
    servers: list[asyncio.Task[None]] = []
    if args.health_listen:
        servers.append(asyncio.create_task(_health_server(args.health_listen, watch)))
    if args.webhook_listen:
        servers.append(asyncio.create_task(_webhook_server(args.webhook_listen, runtime)))
    runtime.start()
    log.info("The agent runs for %s", runtime.account.label)
    tasks = [asyncio.create_task(_first_open_when_leading(runtime))]
    if isinstance(lease, PostgresLease):
        tasks.append(asyncio.create_task(_beat_soon_on_change(lease, jobs_changed)))
    else:
        tasks.append(asyncio.create_task(_beat(runtime, watch, jobs_changed)))
    try:
        await stopping.wait()
        log.info("Stopping: the jobs finish what they are sending")
    finally:
        for task in tasks + servers:
            task.cancel()
        await asyncio.gather(*tasks, *servers, return_exceptions=True)
        await runtime.stop()
        stop_hearing()
        watch.close()
    log.info("Stopped")
    return EXIT_OK


async def _first_open_when_leading(runtime: AccountRuntime) -> None:
    """The leader syncs a never-synced account once (the desktop's first open)."""
    from zoomadmin.core.changes import ChangeKind

    leading = asyncio.Event()
    stop_hearing = runtime.bus.subscribe(
        lambda change: (
            leading.set() if change.kind is ChangeKind.JOBS and runtime.supervisor.leading else None
        )
    )
    try:
        if not runtime.supervisor.leading:
            await leading.wait()
    finally:
        stop_hearing()
    try:
        report = await runtime.services.first_open.run(log.info)
    except Exception:  # the jobs go on; the next sync makes good what this one missed
        log.exception("The first sync failed")
        return
    if report is not None:
        log.info("%s", report.summary)


async def _beat_soon_on_change(lease: PostgresLease, changed: asyncio.Event) -> None:
    """Ask the lease for a heartbeat whenever a job's state changed."""
    while True:
        await changed.wait()
        changed.clear()
        lease.beat_soon()


async def _beat(runtime: AccountRuntime, watch: AgentWatch, changed: asyncio.Event) -> None:
    """An agent on SQLite writes its heartbeat itself (``agent status`` reads it): every
    :data:`BEAT_EVERY` seconds and soon after a job's state changed."""
    import socket

    from zoomadmin.core.clock import utc_now

    host, pid, started = socket.gethostname(), os.getpid(), utc_now()
    process_id = f"{host}:{pid}:{started.timestamp():.0f}"
    registry = runtime.store.processes
    try:
        while True:
            leading = runtime.supervisor.leading
            await asyncio.to_thread(
                registry.beat,
                process_id=process_id,
                account=runtime.account.client.account_id,
                host=host,
                pid=pid,
                role="agent",
                leading=leading,
                started_at=started,
                leading_since=started if leading else None,
                status=await watch.status() if leading else None,
            )
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(BEAT_EVERY):
                    await changed.wait()
            await asyncio.sleep(CHANGE_SETTLE)  # a burst of changes makes one beat
            changed.clear()
    finally:
        with contextlib.suppress(Exception):
            await asyncio.to_thread(registry.leave, process_id)


class AgentWatch:
    """What the agent says about itself: the heartbeat's status and the metrics."""

    def __init__(self, runtime: AccountRuntime) -> None:
        self.runtime = runtime
        self._loop = asyncio.get_running_loop()
        self.last_event: float | None = None
        self._unsubscribe = runtime.events.subscribe(self._on_event)

    async def _on_event(self, _event: object) -> None:
        self.last_event = self._loop.time()

    def close(self) -> None:
        """Stop listening to events."""
        self._unsubscribe()

    def last_event_age(self) -> float | None:
        """Seconds since the last Zoom event (None: none yet)."""
        return None if self.last_event is None else self._loop.time() - self.last_event

    async def status(self) -> dict[str, Any]:
        """``{"jobs": {...}, "queue": {...}, "pool": {...}}`` for ``agent status``."""
        runtime = self.runtime
        counts = await runtime.services.queue.counts()
        pool = runtime.services.licenses.last
        stats = runtime.account.client.transport.stats
        return {
            "jobs": {
                s.name: {
                    "state": str(s.state),
                    "detail": s.detail,
                    "until": s.until.isoformat() if s.until else None,
                    "restarts": s.restarts,
                }
                for s in runtime.job_statuses
            },
            "queue": {
                "queued": counts.queued,
                "waiting": counts.waiting,
                "failed": counts.failed,
                "created": counts.created,
                "wait_until": counts.wait_until.isoformat() if counts.wait_until else None,
            },
            "pool": {}
            if pool is None
            else {
                "enabled": pool.enabled,
                "paid": pool.paid,
                "in_use": pool.in_use,
                "pool_seats": pool.movable,
                "alerts": len(pool.alerts),
            },
            "zoom": {
                "requests": stats.requests,
                "rate_limited": stats.rate_limited,
                "retries": stats.retries,
                "unauthorized": stats.unauthorized,
            },
            "last_event_age_s": self.last_event_age(),
        }


# -- /healthz and /metrics, and the webhook receiver ---------------------------------------------


def _host_port(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise SystemExit(f"zoomadmin agent: expected HOST:PORT, got {text!r}")
    return host.strip("[]"), int(port)


async def _serve_app(listen: str, app: Any) -> None:
    import uvicorn

    host, port = _host_port(listen)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield  # the agent's own handlers stop it (and this server with it)

    server = Server(config)
    log.info("Listening on %s:%s", host, port)
    try:
        await server.serve()
    finally:
        server.should_exit = True


async def _health_server(listen: str, watch: AgentWatch) -> None:
    from zoomadmin.agent_http import health_app

    await _serve_app(listen, health_app(watch))


async def _webhook_server(listen: str, runtime: AccountRuntime) -> None:
    """Zoom's webhooks (checked: signature, time window, replays) into the event stream."""
    from zoomadmin.agent_http import webhook_secret
    from zoomadmin.zoom.events.webhook import WebhookReceiver
    from zoomadmin.zoom.events.webhook_app import WebhookEventSource

    source = WebhookEventSource(WebhookReceiver(webhook_secret(os.environ)))

    async def sink(event: Any) -> None:
        await runtime.events.deliver(event)

    async with asyncio.TaskGroup() as group:
        group.create_task(_serve_app(listen, source.app))
        group.create_task(source.run(sink))


# -- status -------------------------------------------------------------------------------------


def _status_command(args: argparse.Namespace, paths: AppPaths) -> int:
    from zoomadmin.core.errors import AppError

    try:
        document = asyncio.run(agent_status(args, paths))
    except AppError as exc:
        _print(args, {"error": {"message": exc.user_message}}, exc.user_message, err=True)
        return EXIT_REFUSED
    _print(args, document, status_text(document))
    return EXIT_OK


def _print(
    args: argparse.Namespace, document: dict[str, Any], text: str, *, err: bool = False
) -> None:
    if args.json:
        print(json.dumps(document, indent=2))
    else:
        print(text, file=sys.stderr if err else sys.stdout)


async def agent_status(args: argparse.Namespace, paths: AppPaths) -> dict[str, Any]:
    """The status document of the chosen account, read from its database (no Zoom call)."""
    from zoomadmin.account.shared import database_url
    from zoomadmin.store.db import open_database, sqlite_url
    from zoomadmin.store.repositories import Store

    url = database_url(args.database_url, os.environ)
    account, database = await _status_account(args, paths)
    store = Store.over(await asyncio.to_thread(open_database, url or sqlite_url(database)))
    try:
        alive = await asyncio.to_thread(store.processes.alive, account)
    finally:
        await asyncio.to_thread(store.close)
    if account is None and alive:
        account = alive[0].account
        alive = [p for p in alive if p.account == account]
    return status_document(account or "", alive)


async def _status_account(args: argparse.Namespace, paths: AppPaths) -> tuple[str | None, Path]:
    """The account whose status is asked for, and its SQLite file (when not shared)."""
    from zoomadmin.commands.account_choice import (
        AccountChoiceError,
        choose_account,
        credentials_database_path,
    )

    choice = choose_account(args.account, os.environ, lambda _text: None)
    if choice.environment is not None:
        account_id = choice.environment.credentials.account_id
        return account_id, credentials_database_path(paths, account_id)
    if choice.profile is not None:
        from zoomadmin.services.accounts import AccountService
        from zoomadmin.services.credentials import KeyringSecretStore
        from zoomadmin.store.preferences import PreferencesFile

        service = AccountService(PreferencesFile(paths.preferences_path), KeyringSecretStore())
        for profile in await service.profiles():
            if profile.name == choice.profile:
                return profile.account_id, paths.account_database(profile.name)
        raise AccountChoiceError(f"There is no saved account called {choice.profile!r}.")
    # The embedded sandbox's account id is made when it is first seeded: any account there.
    return None, paths.account_database(None)


def status_document(account: str, alive: list[ProcessRecord]) -> dict[str, Any]:
    """``{"account", "leader", "standbys", "desks", "jobs", "queue", "pool"}``."""
    leader = next((p for p in alive if p.leading), None)
    status = leader.status if leader is not None else {}
    return {
        "account": account,
        "leader": None
        if leader is None
        else {
            "host": leader.host,
            "pid": leader.pid,
            "role": leader.role,
            "since": (leader.leading_since or leader.started_at).isoformat(),
        },
        "standbys": [
            {"host": p.host, "pid": p.pid} for p in alive if not p.leading and p.role == "agent"
        ],
        "desks": [
            {"host": p.host, "pid": p.pid} for p in alive if not p.leading and p.role != "agent"
        ],
        "jobs": status.get("jobs", {}),
        "queue": status.get("queue", {}),
        "pool": status.get("pool", {}),
        "last_event_age_s": status.get("last_event_age_s"),
    }


def status_text(document: dict[str, Any]) -> str:
    """The status document for a person."""
    leader = document["leader"]
    lines = [
        f"Account {document['account']}: "
        + (
            f"led by {leader['role']} on {leader['host']} (pid {leader['pid']}) "
            f"since {leader['since']}"
            if leader
            else "no process leads (no agent or desk runs the jobs)"
        )
    ]
    for standby in document["standbys"]:
        lines.append(f"Standby: agent on {standby['host']} (pid {standby['pid']})")
    for desk in document["desks"]:
        lines.append(f"Desk: {desk['host']} (pid {desk['pid']})")
    for name, job in document["jobs"].items():
        detail = f" ({job['detail']})" if job.get("detail") else ""
        lines.append(f"  {name}: {job['state']}{detail}")
    queue = document["queue"]
    if queue:
        lines.append(
            f"Queue: {queue['queued']} queued, {queue['waiting']} waiting, {queue['failed']} failed"
        )
    pool = document["pool"]
    if pool:
        lines.append(
            f"Pool: {pool['in_use']} of {pool['pool_seats']} seats in use, "
            f"{pool['alerts']} alerts" + ("" if pool["enabled"] else " (off)")
        )
    return "\n".join(lines)
