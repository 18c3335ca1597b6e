"""Recordings tests: fixtures from recordings_support; changes are audited as a person."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from recordings_support import runtime, store

from zoomadmin.core.actor import set_default_actor

__all__ = ["runtime", "store"]

ACTOR = "pat@school.example"


@pytest.fixture(autouse=True)
def acting_person() -> Iterator[None]:
    """Who the audit log names for what a test changes."""
    set_default_actor(ACTOR)
    yield
    set_default_actor("zoomadmin")
