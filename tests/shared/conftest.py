"""Fixtures of the shared-database tests: a separately started sandbox, the agents."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from agent_support import Agents, sandbox_environment, serve_sandbox


@pytest.fixture(scope="module")
def served() -> Iterator[dict[str, Any]]:
    """``zoomadmin sandbox serve --seed demo --speed 1``'s JSON line (one per module)."""
    yield from serve_sandbox("--speed", "1")


@pytest.fixture
def agents(served: dict[str, Any], postgres_url: str, tmp_path: Path) -> Iterator[Agents]:
    """Agents on a database of the test's own against the served sandbox."""
    started = Agents(sandbox_environment(served, postgres_url), tmp_path)
    try:
        yield started
    finally:
        started.kill_all()
