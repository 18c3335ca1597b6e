"""Store fixtures: a real, migrated database on each backend zoomadmin runs on.

``store`` is an SQLite file under tmp_path (one desk) and a new PostgreSQL database (the
desks and agent of an account sharing one); every test that takes it runs on both. The
PostgreSQL run skips, saying why, where no server can start.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from zoomadmin.store.repositories import Store

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "postgresql":
        opened = Store.open(request.getfixturevalue("postgres_url"))
    else:
        opened = Store.open_file(tmp_path / "data" / "zoomadmin.sqlite3")
    yield opened
    opened.close()
