"""Minimal event bus, simulation and seed used until the sandbox's living world is wired in."""

from __future__ import annotations

import asyncio
import random
from datetime import datetime
from typing import Any

from zoomadmin.sandbox.clock import SandboxClock
from zoomadmin.sandbox.state import SandboxState, User


class EventBus:
    """Records nothing and delivers nothing yet."""

    def __init__(self, state: SandboxState, clock: SandboxClock, rng: random.Random) -> None:
        """Keep the collaborators."""
        self.state = state

    def publish(
        self,
        event: str,
        obj: dict[str, Any],
        *,
        extra_payload: dict[str, Any] | None = None,
        top_level: dict[str, Any] | None = None,
    ) -> None:
        """Drop the event."""

    async def run(self) -> None:
        """Idle until cancelled."""
        await asyncio.Event().wait()

    async def websocket_endpoint(self, websocket: Any) -> None:
        """Refuse the stream."""
        await websocket.close(code=4001)

    def drop_websockets(self) -> None:
        """Nothing to drop."""

    def set_faults(self, lost: float, duplicated: float, rng: random.Random) -> None:
        """Ignore webhook faults."""

    def add_subscription(self, url: str, secret: str | None, events: list[str] | None) -> str:
        """Not supported yet."""
        raise NotImplementedError("webhooks are not available yet")

    def remove_subscription(self, sub_id: str) -> None:
        """Not supported yet."""

    def list_subscriptions(self) -> list[dict[str, Any]]:
        """None."""
        return []

    def deliveries(self) -> list[dict[str, Any]]:
        """None."""
        return []


class Simulation:
    """Does not move the world yet."""

    def __init__(
        self, state: SandboxState, clock: SandboxClock, bus: EventBus, rng: random.Random
    ) -> None:
        """Keep the collaborators."""

    def tick(self) -> None:
        """Nothing to catch up."""


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
