"""Service tests: changes are audited as a person at a desk unless a test says otherwise."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from zoomadmin.core.actor import set_default_actor

ACTOR = "pat@school.example"


@pytest.fixture(autouse=True)
def acting_person() -> Iterator[None]:
    """Who the audit log names for what a test changes."""
    set_default_actor(ACTOR)
    yield
    set_default_actor("zoomadmin")
