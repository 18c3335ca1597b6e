"""A process killed (SIGKILL) anywhere in opening a database never leaves it unopenable."""

from __future__ import annotations

import os
import random
import shutil
import statistics
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.store.kill_support import Opener, delays
from zoomadmin.store.db import SCHEMA_HEAD, create_db_engine, open_database, sqlite_url
from zoomadmin.store.migrate import current_revision, upgrade

FIRST = "0001_tenants_and_hosts"
KILLS = 50
SLOW_KILLS = 400


@pytest.fixture(scope="module")
def opener() -> Iterator[Opener]:
    with Opener() as started:
        yield started


@pytest.fixture(scope="module")
def first_revision_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A database at the first revision with a tenant and a host, as one file (no WAL)."""
    path = tmp_path_factory.mktemp("template") / "first.sqlite3"
    engine = create_db_engine(sqlite_url(path))
    try:
        upgrade(engine, FIRST)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO tenant (id, name, slug, timezone, mailbox, domain, email_scheme,"
                    " created_at, updated_at) VALUES (7, 'Acme', 'acme', 'Europe/Berlin',"
                    " 'teacher', 'school.org', '{mailbox}+{tenant}-{n}@{domain}',"
                    " '2025-01-02 03:04:05.000000', '2025-01-02 03:04:05.000000')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO host (id, tenant_id, zoom_user_id, email, first_name, last_name,"
                    " user_type, status, missing_in_zoom, created_at, updated_at) VALUES (3, 7,"
                    " 'zu-1', 'ada@school.org', 'Ada', 'L', 2, 'active', 0,"
                    " '2025-01-02 03:04:05.000000', '2025-01-02 03:04:05.000000')"
                )
            )
    finally:
        engine.dispose()  # the last connection to close checkpoints the WAL into the file
    assert not path.with_name(path.name + "-wal").exists()
    yield path


def _opens_at_head_with(path: Path, *, data: bool) -> None:
    engine = open_database(sqlite_url(path))
    try:
        assert current_revision(engine) == SCHEMA_HEAD
        if data:
            with engine.connect() as conn:
                hosts = conn.execute(text("SELECT id, tenant_id, email FROM host")).all()
                tenants = conn.execute(text("SELECT id, name FROM tenant")).all()
            assert [tuple(r) for r in hosts] == [(3, 7, "ada@school.org")]
            assert [tuple(r) for r in tenants] == [(7, "Acme")]
    finally:
        engine.dispose()


def _kill_and_reopen(
    opener: Opener, tmp_path: Path, template: Path | None, kills: int, seed: int
) -> None:
    """Kill ``kills`` opens at random points over a whole open; each database opens after."""
    rng = random.Random(seed)
    probe = tmp_path / "probe.sqlite3"
    if template is not None:
        shutil.copyfile(template, probe)
    # Half as long again as an open takes here: the kills cover all of it and a little beyond.
    span = 1.5 * statistics.median(opener.time_open(probe) for _ in range(3))
    interrupted = 0
    for i, delay in enumerate(delays(rng, kills, span)):
        path = tmp_path / f"killed-{i}.sqlite3"
        if template is not None:
            shutil.copyfile(template, path)
        finished = opener.kill_during_open(path, delay)
        interrupted += not finished
        try:
            _opens_at_head_with(path, data=template is not None)
        except Exception as exc:
            raise AssertionError(f"kill {i} after {delay * 1000:.1f} ms broke {path}") from exc
    # Many kills land inside the open, not after it: the test exercised what it claims to
    # (a busy machine makes opens slower than measured, which only adds to them).
    assert interrupted >= kills // 5, f"{interrupted} of {kills} kills interrupted an open"


def test_killed_first_opens_leave_a_database_that_opens(opener: Opener, tmp_path: Path) -> None:
    _kill_and_reopen(opener, tmp_path, None, KILLS, seed=1)


def test_killed_upgrades_keep_the_data_and_open(
    opener: Opener, tmp_path: Path, first_revision_file: Path
) -> None:
    _kill_and_reopen(opener, tmp_path, first_revision_file, KILLS, seed=2)


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("ZOOMADMIN_SLOW_TESTS"),
    reason="about a minute; set ZOOMADMIN_SLOW_TESTS=1 to run (the 50-kill variants always run)",
)
@pytest.mark.parametrize("upgrade_from_first", [False, True])
def test_many_killed_opens(
    opener: Opener, tmp_path: Path, first_revision_file: Path, upgrade_from_first: bool
) -> None:
    template = first_revision_file if upgrade_from_first else None
    _kill_and_reopen(opener, tmp_path, template, SLOW_KILLS, seed=3 + upgrade_from_first)
