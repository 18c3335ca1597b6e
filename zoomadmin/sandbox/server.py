"""Run the sandbox: uvicorn (httptools) on its own thread and loop, bound before start() returns."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from zoomadmin.sandbox.app import TRANSPORT_KEY, build_app
from zoomadmin.sandbox.world import Sandbox, load_state_or_set_aside, save_state

__all__ = ["Sandbox", "SandboxInfo", "SandboxServer", "SandboxStartError"]

_log = logging.getLogger(__name__)
_TICK_SECONDS = 0.2
# After a failing tick the next one waits this long, doubling up to the maximum, so an
# error that persists is logged a few times a minute instead of five times a second.
_TICK_BACKOFF_SECONDS = 1.0
_TICK_BACKOFF_MAX_SECONDS = 30.0
_SAVE_SECONDS = 30.0
_START_TIMEOUT = 15.0


class SandboxStartError(RuntimeError):
    """The server could not bind or start; the message carries the cause."""


@dataclass(frozen=True)
class SandboxInfo:
    """Where the sandbox listens and the credentials of its account."""

    api_url: str
    oauth_url: str
    ws_url: str
    admin_url: str
    account_id: str
    client_id: str
    client_secret: str
    webhook_secret: str
    subscription_id: str


class _Protocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, exposing the transport so faults can drop a connection."""

    def on_headers_complete(self) -> None:
        scope: dict[str, Any] = self.scope  # type: ignore[assignment]
        scope[TRANSPORT_KEY] = self.transport
        super().on_headers_complete()


def _url_host(host: str) -> str:
    if host in ("", "0.0.0.0"):  # noqa: S104 - a wildcard bind is reached through loopback
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


class SandboxServer:
    """A sandbox account served over HTTP on a background thread; also a context manager."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: str = "empty",
        seed_value: int = 0,
        speed: float = 1.0,
        state_file: Path | None = None,
        faults: str | None = None,
        token_lifetime: int = 3599,
        start_time: datetime | None = None,
        simulate: bool = True,
        admin_token: str | None = None,
        download_rate: int = 0,
        port_file: Path | None = None,
    ) -> None:
        """Build the world now; :meth:`start` binds and serves it.

        ``admin_token``: None keeps ``/_sandbox`` to loopback clients; a token opens it to
        any address presenting it (``Authorization: Bearer <token>`` or
        ``X-Sandbox-Admin-Token``) and closes it to requests without it.
        ``download_rate`` limits each recording download connection (bytes per second).
        ``port_file`` (with ``port`` 0) keeps the port between runs: the last one is taken
        again when it is free, so links the sandbox handed out (recordings' download URLs in
        a client's index) keep working across restarts, as Zoom's do.
        """
        state = load_state_or_set_aside(state_file) if state_file is not None else None
        self.host = host
        self.port = port
        self.port_file = port_file
        self.state_file = state_file
        self.sandbox = Sandbox(
            seed=seed,
            seed_value=seed_value,
            speed=speed,
            start_time=start_time,
            token_lifetime=token_lifetime,
            state=state,
            faults=faults,
            simulate=simulate,
            admin_token=admin_token,
        )
        if download_rate:
            self.sandbox.config.download_rate = download_rate
        self._thread: threading.Thread | None = None
        self._server: uvicorn.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._started = threading.Event()
        self._error: BaseException | None = None
        self._info: SandboxInfo | None = None
        # A periodic save can still be writing on an executor thread when stop() saves:
        # both write the same temporary file, which would leave a corrupt state file.
        self._save_lock = threading.Lock()

    @property
    def info(self) -> SandboxInfo:
        """URLs and credentials (after :meth:`start`)."""
        if self._info is None:
            raise SandboxStartError("the sandbox server is not started yet: call start() first")
        return self._info

    def _bind(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        ports = [self.port]
        if self.port == 0 and self.port_file is not None:
            with contextlib.suppress(OSError, ValueError):
                ports.insert(0, int(self.port_file.read_text(encoding="ascii").strip()))
        for attempt, port in enumerate(ports):
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind((self.host, port))
            except OSError as exc:
                sock.close()
                if attempt + 1 < len(ports):
                    continue  # the last run's port is taken now: any free one will do
                raise SandboxStartError(f"cannot bind {self.host}:{port}: {exc}") from exc
            return sock
        raise SandboxStartError("no port to bind")

    def start(self) -> SandboxInfo:
        """Bind, start serving on a background thread and return once the port accepts requests."""
        if self._info is not None:
            return self._info
        sock = self._bind()
        sock.listen(512)
        port = sock.getsockname()[1]
        if self.port_file is not None:
            with contextlib.suppress(OSError):
                self.port_file.write_text(str(port), encoding="ascii")
        base = f"http://{_url_host(self.host)}:{port}"
        self.sandbox.base_url = base
        config = uvicorn.Config(
            build_app(self.sandbox),
            http=_Protocol,
            ws="websockets-sansio",
            lifespan="off",
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._run, args=(sock,), name=f"sandbox-{port}", daemon=True
        )
        self._thread.start()
        if not self._started.wait(_START_TIMEOUT) or self._error is not None:
            self.stop()
            raise SandboxStartError(f"the sandbox server did not start: {self._error!r}")
        account = self.sandbox.config
        self._info = SandboxInfo(
            api_url=f"{base}/v2",
            oauth_url=f"{base}/oauth/token",
            ws_url=f"ws://{_url_host(self.host)}:{port}/ws",
            admin_url=f"{base}/_sandbox",
            account_id=account.account_id,
            client_id=account.client_id,
            client_secret=account.client_secret,
            webhook_secret=account.webhook_secret,
            subscription_id=account.subscription_id,
        )
        return self._info

    def _run(self, sock: socket.socket) -> None:
        try:
            import uvloop

            loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
        except ImportError:
            loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._main(sock))
        except (
            BaseException
        ) as exc:  # reported to start()'s caller; the thread must not die silently
            self._error = exc
            _log.exception("sandbox server stopped with an error")
        finally:
            self._started.set()
            sock.close()
            loop.close()

    async def _main(self, sock: socket.socket) -> None:
        server = self._server
        if server is None:  # start() builds it before the thread runs this
            raise RuntimeError("the sandbox server was not built before its loop started")
        helpers = [
            asyncio.create_task(self.sandbox.bus.run(), name="sandbox-events"),
            asyncio.create_task(self._background(server), name="sandbox-ticker"),
        ]
        try:
            await server.serve(sockets=[sock])
        finally:
            for task in helpers:
                task.cancel()
            for task in helpers:
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _background(self, server: uvicorn.Server) -> None:
        """Mark started once bound; tick the simulation and save the state periodically."""
        while not server.started:
            if server.should_exit:
                return
            await asyncio.sleep(0.005)
        self._started.set()
        since_save = 0.0
        pause = _TICK_SECONDS
        while True:
            await asyncio.sleep(pause)
            since_save += pause
            pause = self._tick(pause)
            if self.state_file is not None and since_save >= _SAVE_SECONDS:
                since_save = 0.0
                await asyncio.to_thread(self._save)

    def _tick(self, pause: float) -> float:
        """Advance the simulation once; the pause before the next tick (longer after errors).

        An error must not stop simulated time for good: it is logged, kept for
        ``GET /_sandbox/state`` and the tick is tried again after a back-off.
        """
        try:
            self.sandbox.tick()
        except Exception as exc:  # any bug in the simulation: the ticker must live on
            backoff = (
                _TICK_BACKOFF_SECONDS
                if pause <= _TICK_SECONDS
                else min(pause * 2, _TICK_BACKOFF_MAX_SECONDS)
            )
            error = self.sandbox.note_tick_error(exc)
            _log.exception(
                "The sandbox simulation failed to advance (%d time(s) so far); "
                "trying again in %.1f s",
                error.count,
                backoff,
            )
            return backoff
        return _TICK_SECONDS

    def _save(self) -> None:
        """Write the state file, one writer at a time."""
        state_file = self.state_file
        if state_file is None:  # only called when the sandbox keeps a state file
            return
        with self._save_lock:
            save_state(self.sandbox.state, state_file)

    def stop(self) -> None:
        """Stop serving and save the state file if one is set; safe to call twice."""
        server, thread = self._server, self._thread
        if server is not None:
            server.should_exit = True
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10)
        self._server = None
        self._thread = None
        if self.state_file is not None and self._info is not None:
            self._save()
        self._info = None

    def __enter__(self) -> SandboxServer:
        """Start and return self."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop."""
        self.stop()

    def __repr__(self) -> str:
        """Where it listens."""
        where: Any = self._info.api_url if self._info else "not started"
        return f"SandboxServer({where})"
