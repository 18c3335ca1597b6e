"""Processes opening one new PostgreSQL database at once migrate it one after the other:
none fails on a table the other has just made (agents, desks and ``agent status`` all open
the shared database when they start)."""

from __future__ import annotations

import subprocess
import sys
import threading

from zoomadmin.store.db import SCHEMA_HEAD, create_db_engine, open_database, schema_is_current

OPENERS = 6


def test_threads_opening_a_new_database_at_once_all_migrate_it(postgres_url: str) -> None:
    start = threading.Barrier(OPENERS)
    failures: list[BaseException] = []

    def open_it() -> None:
        start.wait()
        try:
            open_database(postgres_url).dispose()
        except BaseException as exc:  # the test reports every opener's failure
            failures.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(OPENERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "an opener hung"
    assert failures == []
    _assert_at_head(postgres_url)


def test_processes_opening_a_new_database_at_once_all_migrate_it(postgres_url: str) -> None:
    code = (
        "import sys; from zoomadmin.store.db import open_database;"
        " open_database(sys.argv[1]).dispose()"
    )
    procs = [
        subprocess.Popen(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", code, postgres_url],
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(OPENERS)
    ]
    try:
        errors = [p.communicate(timeout=120)[1] for p in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
    assert [p.returncode for p in procs] == [0] * OPENERS, "\n".join(errors)
    _assert_at_head(postgres_url)


def _assert_at_head(url: str) -> None:
    engine = create_db_engine(url)
    try:
        assert schema_is_current(engine), f"not at {SCHEMA_HEAD}"
    finally:
        engine.dispose()
