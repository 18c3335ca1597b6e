"""Store fixtures: a real, migrated SQLite file under tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from zoomadmin.store.repositories import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open_file(tmp_path / "data" / "zoomadmin.sqlite3")
    yield opened
    opened.close()
