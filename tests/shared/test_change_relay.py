"""Changes across processes on a shared database: LISTEN/NOTIFY into each change bus."""

from __future__ import annotations

import asyncio
import time

from zoomadmin.core.changes import Change, ChangeBus, ChangeKind
from zoomadmin.store.db import libpq_conninfo
from zoomadmin.store.notifications import ChangeRelay, decode, encode


def test_a_payload_too_long_for_postgres_goes_as_everything() -> None:
    change = Change.of(ChangeKind.SESSIONS, [f"meeting-{n:06d}" for n in range(2000)])
    back = decode(encode(change))
    assert back is not None and back.kind is ChangeKind.SESSIONS and back.everything
    small = Change(ChangeKind.HOSTS, frozenset({1, "u2"}), "desk:1")
    assert decode(encode(small)) == small
    assert decode("{not json") is None
    assert decode('{"k": "no-such-kind", "i": [], "o": "x"}') is None


async def test_a_change_one_process_commits_reaches_the_other_within_a_second(
    postgres_url: str,
) -> None:
    conninfo = libpq_conninfo(postgres_url)
    agent_bus, desk_bus = ChangeBus("agent:1"), ChangeBus("desk:2")
    heard_by_desk: list[tuple[float, Change]] = []
    heard_by_agent: list[Change] = []
    desk_bus.subscribe(lambda change: heard_by_desk.append((time.monotonic(), change)))
    agent_bus.subscribe(heard_by_agent.append)
    agent, desk = ChangeRelay(conninfo, agent_bus), ChangeRelay(conninfo, desk_bus)
    agent.start()
    desk.start()
    try:
        assert await agent.listening() and await desk.listening()
        sent = time.monotonic()
        agent_bus.publish(ChangeKind.SESSIONS, [8123])
        agent_bus.publish(ChangeKind.POOL)
        for _ in range(100):
            if len(heard_by_desk) >= 2:
                break
            await asyncio.sleep(0.02)
        kinds = [(c.kind, c.ids, c.origin) for _, c in heard_by_desk]
        assert kinds == [
            (ChangeKind.SESSIONS, frozenset({8123}), "agent:1"),
            (ChangeKind.POOL, frozenset(), "agent:1"),
        ]
        assert heard_by_desk[-1][0] - sent < 1.0
        # The agent heard its own changes once, from its own bus, never echoed back.
        assert [c.kind for c in heard_by_agent] == [ChangeKind.SESSIONS, ChangeKind.POOL]
    finally:
        await agent.stop()
        await desk.stop()
