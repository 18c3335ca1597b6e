"""A throw-away PostgreSQL server for the tests: ``initdb`` in a temporary folder.

``ZOOMADMIN_TEST_POSTGRES_URL`` (a server URL whose user may create databases) is used when
set; otherwise the first ``initdb`` found (``PATH``, then Debian's
``/usr/lib/postgresql/*/bin``) makes a cluster that listens on a free loopback port, run as
the ``postgres`` user when the tests run as root (PostgreSQL refuses to run as root). Each
test gets a database of its own. Where no server can be had, the tests that need one skip
and say why.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

URL_VARIABLE = "ZOOMADMIN_TEST_POSTGRES_URL"
DRIVER = "postgresql+psycopg"


class PostgresUnavailableError(RuntimeError):
    """No PostgreSQL server could be started or reached (the message says why)."""


@dataclass
class PostgresServer:
    """A running server the tests may create databases on."""

    host: str
    port: int
    user: str
    _counter: itertools.count[int]

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of ``database`` on this server."""
        return f"{DRIVER}://{self.user}@{self.host}:{self.port}/{database}"

    def new_database(self) -> str:
        """A new, empty database; its SQLAlchemy URL."""
        import psycopg

        name = f"zoomadmin_test_{os.getpid()}_{next(self._counter)}"
        with psycopg.connect(self._dsn("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop the database behind ``url`` (closing whatever still uses it)."""
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self._dsn("postgres"), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _dsn(self, database: str) -> str:
        return f"host={self.host} port={self.port} user={self.user} dbname={database}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _binaries() -> Path:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not candidates:
        raise PostgresUnavailableError(
            "no PostgreSQL server: initdb not found (apt-get install postgresql, "
            f"or set {URL_VARIABLE})"
        )
    return Path(candidates[-1]).parent


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    """``argv`` (PostgreSQL's own tools), as the ``postgres`` user when we are root."""
    return subprocess.run(  # noqa: S603 - PostgreSQL's tools with our own arguments
        _as_server_user(list(argv)), capture_output=True, text=True, check=False
    )


def _as_server_user(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    runuser = shutil.which("runuser")
    if runuser is None:
        raise PostgresUnavailableError("running as root and runuser is missing to drop to postgres")
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError as exc:
        raise PostgresUnavailableError("running as root and there is no postgres user") from exc
    return [runuser, "-u", "postgres", "--", *argv]


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """A server for this test run: the given URL's, or a throw-away cluster."""
    given = os.environ.get(URL_VARIABLE)
    if given:
        from sqlalchemy.engine import make_url

        url = make_url(given)
        yield PostgresServer(
            url.host or "127.0.0.1", url.port or 5432, url.username or "postgres", itertools.count()
        )
        return
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise PostgresUnavailableError("psycopg is not installed") from exc
    binaries = _binaries()
    folder = Path(tempfile.mkdtemp(prefix="zoomadmin-pg-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        data = folder / "data"
        port = _free_port()
        init = _run(
            *(str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"),
            *("--no-sync", "-E", "UTF8", "--locale=C"),
        )
        if init.returncode != 0:
            raise PostgresUnavailableError(f"initdb failed: {init.stderr.strip()[-400:]}")
        options = (
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        start = _run(
            *(str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-t", "30"),
            *("-l", str(folder / "server.log"), "start"),
        )
        if start.returncode != 0:
            log = (folder / "server.log").read_text(errors="replace")[-600:]
            raise PostgresUnavailableError(f"the server did not start: {start.stderr} {log}")
        try:
            yield PostgresServer("127.0.0.1", port, "postgres", itertools.count())
        finally:
            _run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
