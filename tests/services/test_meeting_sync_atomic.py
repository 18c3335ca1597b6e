"""A host's meetings and sessions are saved as one unit: never half a host's calendar."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from atomic_support import Gate, settled
from tenancy_support import (
    Tenancy,
    add_session,
    add_zoom_user,
    draft,
    schedule_one_off_and_weekly,
    store,
    tenancy,
)

from zoomadmin.core.records import HostRecord
from zoomadmin.store.meetings import MeetingRepository

__all__ = ["store", "tenancy"]

STALE = 999_001


async def _host_with_meetings(tenancy: Tenancy) -> tuple[HostRecord, set[int]]:
    """A tenant host with a one-off and a weekly meeting in Zoom, and one stale one stored."""
    tenant = await tenancy.tenants.create(draft("Acme"))
    add_zoom_user(tenancy.server, "ann@school.example")
    host = await tenancy.hosts.link_email("ann@school.example", tenant.id)
    start = tenancy.now() + timedelta(days=1)
    one_off, weekly = await schedule_one_off_and_weekly(tenancy, host.zoom_user_id, start)
    add_session(tenancy.store, host.id, start, STALE)  # deleted in Zoom since the last sync
    return host, {one_off.id, weekly.id}


def _stored(tenancy: Tenancy, host_id: int) -> set[int]:
    return {m.id for m in tenancy.store.meetings.for_host(host_id)}


async def test_a_sync_cancelled_mid_host_still_saves_the_whole_host(
    tenancy: Tenancy, monkeypatch: pytest.MonkeyPatch
) -> None:
    host, in_zoom = await _host_with_meetings(tenancy)
    gate = Gate(monkeypatch, MeetingRepository, "save")
    await gate.cancel_inside(tenancy.sync.sync_meetings())
    assert await settled(lambda: _stored(tenancy, host.id), in_zoom) == in_zoom
    sessions = sum(len(tenancy.store.meetings.get(i).occurrences) for i in in_zoom)
    assert sessions == 5


async def test_a_failing_meeting_write_leaves_the_host_as_it_was(
    tenancy: Tenancy, monkeypatch: pytest.MonkeyPatch
) -> None:
    host, _ = await _host_with_meetings(tenancy)
    real = MeetingRepository.save
    calls: list[int] = []

    def second_fails(repo: MeetingRepository, *args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        real(repo, *args, **kwargs)

    monkeypatch.setattr(MeetingRepository, "save", second_fails)
    with pytest.raises(OSError, match="disk full"):
        await tenancy.sync.sync_meetings()
    assert _stored(tenancy, host.id) == {STALE}
    assert tenancy.store.audit.entries(object_type="account", object_id="meetings") == []
