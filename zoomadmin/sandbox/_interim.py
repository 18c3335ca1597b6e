"""A minimal seed (an owner, a few hosts) used until the sandbox's seeds are wired in."""

from __future__ import annotations

import random
from datetime import datetime

from zoomadmin.sandbox.state import SandboxState, User


def seed(state: SandboxState, name: str, *, now: datetime, seed_value: int = 0) -> None:
    """An owner (and for "demo" a few users)."""
    rng = random.Random(seed_value)
    count = 1 if name == "empty" else 4
    for index in range(count):
        user = User(
            id=state.new_user_id(rng),
            email="owner@sandbox.example.com" if index == 0 else f"host{index}@sandbox.example.com",
            first_name="Owner" if index == 0 else f"Host{index}",
            last_name="Sandbox",
            type=2,
            status="active",
            created_at=now,
            pmi=rng.randrange(1_000_000_000, 9_999_999_999),
            role_id="0" if index == 0 else "2",
        )
        user.licensed_spans.append((now, None))
        state.add_user(user)
