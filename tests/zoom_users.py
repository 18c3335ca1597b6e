"""Test helper: users put straight into a sandbox account, as if made in Zoom's web portal."""

from __future__ import annotations

import random

from zoomadmin.sandbox import SandboxServer
from zoomadmin.sandbox.state import User


def add_zoom_user(server: SandboxServer, email: str, first: str = "Ann", last: str = "Lee") -> str:
    """Put an active Basic user straight into the sandbox; returns its id."""
    state = server.sandbox.state
    rng = random.Random(email)
    user_id = state.new_user_id(rng)
    state.add_user(
        User(
            id=user_id,
            email=email,
            first_name=first,
            last_name=last,
            type=1,
            status="active",
            created_at=server.sandbox.clock.now(),
            pmi=rng.randrange(1_000_000_000, 9_999_999_999),
        )
    )
    return user_id
