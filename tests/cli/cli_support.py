"""Running ``zoomadmin`` account commands in-process and reading what they printed."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from zoomadmin.cli import main
from zoomadmin.paths import SANDBOX_STATE_NAME, AppPaths
from zoomadmin.sandbox.persist import state_from_json, state_to_json
from zoomadmin.sandbox.routes_users import paid_users
from zoomadmin.store.db import open_database, sqlite_url
from zoomadmin.store.repositories import Store


@dataclass(frozen=True)
class Run:
    """One command's exit code and output."""

    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        """stdout as the one JSON document it must be."""
        return json.loads(self.out)


def leave_free_seats(basedir: Path, free: int) -> None:
    """Give the embedded sandbox's account ``free`` unused paid seats.

    The demo lends a seat to each tenant host whose session is live when it is set up, so
    how many seats are free depends on the hour the tests run.
    """
    path = AppPaths.under(basedir).sandbox_dir / SANDBOX_STATE_NAME
    state = state_from_json(path.read_text(encoding="utf-8"))
    state.account.paid_seats = paid_users(state) + free
    path.write_text(state_to_json(state), encoding="utf-8")


def run_cli(capsys: pytest.CaptureFixture[str], basedir: Path, *argv: str) -> Run:
    """``zoomadmin --basedir BASEDIR ARGV...`` in this process; no thread outlives it."""
    capsys.readouterr()
    threads = set(threading.enumerate())
    try:
        code = main(["--basedir", str(basedir), *argv])
    except SystemExit as exc:  # argparse's bad usage
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    leftover = [t.name for t in set(threading.enumerate()) - threads if t.is_alive()]
    assert not leftover, f"threads left running: {leftover}"
    return Run(code, captured.out, captured.err)


def audit_at(database: Path, object_type: str) -> list[datetime]:
    """When the audit log says the changes of ``object_type`` in ``database`` were made."""
    store = Store.over(open_database(sqlite_url(database)))
    try:
        return [e.at for e in store.audit.entries(object_type=object_type)]
    finally:
        store.close()


def audit_actors(database: Path, object_type: str) -> list[str]:
    """Who the audit log names for the changes of ``object_type`` in ``database``."""
    store = Store.over(open_database(sqlite_url(database)))
    try:
        return [e.actor for e in store.audit.entries(object_type=object_type)]
    finally:
        store.close()
