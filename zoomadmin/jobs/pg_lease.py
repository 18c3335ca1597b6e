"""The jobs lease on a shared PostgreSQL database: an advisory lock on its own connection.

PostgreSQL holds a session-level advisory lock until the session that took it unlocks it
or ends, however it ends: a leader killed with ``kill -9`` closes its socket and the
server lets the lock go at once; a leader whose machine vanishes is noticed by TCP
keepalives on both sides within about 15 s. A standby asks for the lock every second, so
it takes over within a second or two of the server letting go. Every process also writes
its heartbeat row (:class:`~zoomadmin.store.processes.ProcessRegistry`), which is how
``zoomadmin agent status`` names the leader and its standbys from any machine.

A desk (role ``desktop``) leads only while no agent is alive on the account: when an agent
appears, the desk gives the lease back and its jobs stand by, so an agent always runs the
always-on work where there is one.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

from zoomadmin.core.clock import utc_now
from zoomadmin.jobs.lease import LeaseHolder
from zoomadmin.store.db import PG_KEEPALIVE, libpq_conninfo
from zoomadmin.store.processes import ProcessRegistry

log = logging.getLogger(__name__)

AGENT = "agent"
DESKTOP = "desktop"
CHECK_EVERY = 1.0
"""Seconds between checks that the lock's connection is still alive."""
BEAT_EVERY = 5.0
"""Seconds between heartbeats (rows older than ``processes.FRESH`` are gone)."""
SERVER_KEEPALIVE = "-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3"
"""The server's keepalives on this session: a vanished leader's lock goes within ~11 s."""


def lock_key(account: str) -> int:
    """The advisory lock's 64-bit key for an account (stable across processes and versions)."""
    digest = hashlib.blake2b(f"zoomadmin-jobs:{account}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


RETRY_EVERY = 1.0
"""Seconds between a standby's tries: it takes over within about a second of the lock going."""


class PostgresLease:
    """One leader per account among every process on the shared database."""

    retry_every = RETRY_EVERY

    def __init__(
        self,
        url: str,
        *,
        account: str,
        registry: ProcessRegistry,
        role: str = AGENT,
        status: Callable[[], Awaitable[dict[str, Any]]] | None = None,
        check_every: float = CHECK_EVERY,
        beat_every: float = BEAT_EVERY,
    ) -> None:
        self._conninfo = libpq_conninfo(url)
        self._account = account
        self._key = lock_key(account)
        self._registry = registry
        self._role = role
        self.status = status
        """What the heartbeat carries while leading (jobs, queue, pool); set by the owner."""
        self._check_every = check_every
        self._beat_every = beat_every
        self._host = socket.gethostname()
        self._pid = os.getpid()
        self._started = utc_now()
        self._id = f"{self._host}:{self._pid}:{secrets.token_hex(4)}"
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobs-lease")
        self._connection: psycopg.Connection[Any] | None = None
        self._held = False
        self._since: datetime | None = None
        self._lost = asyncio.Event()
        self._keeper: asyncio.Task[None] | None = None
        self._beat_wanted = False

    @property
    def held(self) -> bool:
        """Whether this process holds the lock."""
        return self._held

    @property
    def process_id(self) -> str:
        """This process's row in the registry."""
        return self._id

    async def acquire(self) -> bool:
        """Try the lock once; True when this process holds it afterwards."""
        self._ensure_keeper()
        if self._held:
            return True
        if self._role == DESKTOP and await self._agent_alive():
            await self._beat()
            return False
        try:
            got = await self._on_connection(self._try_lock)
        except Exception as exc:  # the database is unreachable: stand by and try again
            log.warning("The jobs lease cannot be asked for: %s", exc)
            await self._on_connection(self._drop_connection)
            return False
        if got:
            self._held, self._since = True, utc_now()
            self._lost = asyncio.Event()
            log.info("This process leads the account's jobs (%s)", self._id)
        await self._beat()
        return bool(got)

    async def release(self) -> None:
        """Give the lock back, stop the heartbeat and leave the registry."""
        keeper, self._keeper = self._keeper, None
        if keeper is not None:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
        await self._give_back()
        with contextlib.suppress(Exception):
            await asyncio.to_thread(self._registry.leave, self._id)
        await self._on_connection(self._drop_connection)

    async def holder(self) -> LeaseHolder | None:
        """The leader the registry names (None when none is alive)."""
        alive = await asyncio.to_thread(self._registry.alive, self._account)
        for process in alive:
            if process.leading and process.id != self._id:
                return LeaseHolder(
                    f"{process.host} ({process.role})",
                    process.pid,
                    process.leading_since or process.started_at,
                )
        return None

    def beat_soon(self) -> None:
        """Write the heartbeat at the keeper's next check (within ``check_every``), not at the
        next regular beat: the owner calls this when what :attr:`status` says has changed."""
        self._beat_wanted = True

    async def lost(self) -> None:
        """Return once this process no longer holds the lock it took."""
        await self._lost.wait()

    # -- the keeper: liveness of the lock's connection, the heartbeat, a desk's yielding

    def _ensure_keeper(self) -> None:
        if self._keeper is None or self._keeper.done():
            self._keeper = asyncio.create_task(self._keep(), name="jobs-lease-keeper")

    async def _keep(self) -> None:
        loop = asyncio.get_running_loop()
        next_beat = loop.time() + self._beat_every
        while True:
            await asyncio.sleep(self._check_every)
            if self._held:
                await self._check_held()
            if self._held and self._role == DESKTOP and await self._agent_alive():
                log.info("An agent is on the account: this desk's jobs stand by")
                await self._give_back()
            if self._beat_wanted or loop.time() >= next_beat:
                self._beat_wanted = False
                next_beat = loop.time() + self._beat_every
                await self._beat()

    async def _check_held(self) -> None:
        try:
            await self._on_connection(self._ping)
        except Exception as exc:  # the session (and with it the lock) is gone
            log.warning("The jobs lease's connection failed (%s): standing by", exc)
            await self._on_connection(self._drop_connection)
            self._lose()

    async def _give_back(self) -> None:
        if not self._held:
            return
        with contextlib.suppress(Exception):
            await self._on_connection(self._unlock)
        self._lose()

    def _lose(self) -> None:
        self._held, self._since = False, None
        self._lost.set()
        with contextlib.suppress(RuntimeError):
            asyncio.get_running_loop().create_task(self._beat())

    async def _beat(self) -> None:
        status = None
        if self._held and self.status is not None:
            try:
                status = await self.status()
            except Exception:  # a status that cannot be read must not stop the heartbeat
                log.exception("The leader's status could not be read")
        try:
            await asyncio.to_thread(
                self._registry.beat,
                process_id=self._id,
                account=self._account,
                host=self._host,
                pid=self._pid,
                role=self._role,
                leading=self._held,
                started_at=self._started,
                leading_since=self._since,
                status=status,
            )
        except Exception as exc:  # the database is away; the next beat tries again
            log.warning("The heartbeat could not be written: %s", exc)

    async def _agent_alive(self) -> bool:
        try:
            alive = await asyncio.to_thread(self._registry.alive, self._account)
        except Exception:
            return False
        return any(p.role == AGENT and p.id != self._id for p in alive)

    # -- on the lease's own thread and connection

    async def _on_connection(self, work: Callable[[], Any]) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._executor, work)

    def _connect(self) -> psycopg.Connection[Any]:
        if self._connection is None or self._connection.closed:
            name = f"zoomadmin {self._role} {self._host}:{self._pid}"[:63]
            self._connection = psycopg.connect(
                make_conninfo(
                    self._conninfo,
                    application_name=name,
                    options=SERVER_KEEPALIVE,
                    **PG_KEEPALIVE,
                ),
                autocommit=True,
            )
        return self._connection

    def _try_lock(self) -> bool:
        row = self._connect().execute("SELECT pg_try_advisory_lock(%s)", (self._key,)).fetchone()
        return bool(row and row[0])

    def _ping(self) -> None:
        self._connect().execute("SELECT 1").fetchone()

    def _unlock(self) -> None:
        if self._connection is not None and not self._connection.closed:
            self._connection.execute("SELECT pg_advisory_unlock(%s)", (self._key,))

    def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.close()
