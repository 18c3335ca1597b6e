"""Helpers for the curriculum and queue tests: tenants with hosts, CSVs, Zoom's sessions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from tenancy_support import Tenancy, add_zoom_user, draft

from zoomadmin.core.curriculum import CSV_COLUMNS
from zoomadmin.core.records import TenantRecord
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.errors import OutcomeUnknown
from zoomadmin.zoom.models import Meeting, MeetingRequest

HEADER = ",".join(CSV_COLUMNS)


def curriculum_csv(rows: Sequence[str]) -> str:
    """A curriculum file with the header and ``rows``."""
    return "\n".join((HEADER, *rows)) + "\n"


async def tenant_with_hosts(
    tenancy: Tenancy, name: str, timezone: str, count: int
) -> tuple[TenantRecord, list[str]]:
    """A tenant in ``timezone`` with ``count`` linked hosts; their emails."""
    tenant = await tenancy.tenants.create(draft(name, timezone=timezone))
    emails = []
    for n in range(1, count + 1):
        email = tenant.host_email(n)
        add_zoom_user(tenancy.server, email)
        await tenancy.hosts.link_email(email, tenant.id)
        emails.append(email)
    return tenant, emails


async def zoom_sessions(zoom: ZoomClient, user: str) -> Counter[tuple[str, datetime]]:
    """Every available session of ``user`` in Zoom, as (topic, UTC start), counted."""
    found: Counter[tuple[str, datetime]] = Counter()
    async for listed in zoom.iter_meetings(user):
        meeting = await zoom.get_meeting(listed.id, show_previous_occurrences=True)
        if meeting.occurrences:
            for occ in meeting.occurrences:
                if occ.status == "available" and occ.start_time is not None:
                    found[(meeting.topic, occ.start_time)] += 1
        elif meeting.start_time is not None:
            found[(meeting.topic, meeting.start_time)] += 1
    return found


class Crash(BaseException):
    """Stands for the process dying: nothing of ours catches it."""


def lose_answers(
    zoom: ZoomClient, *, every: int = 0, crash_once: bool = False
) -> Callable[[], int]:
    """Make the client create in Zoom but lose the answer: on every ``every``-th create an
    OutcomeUnknown, or (``crash_once``) a :class:`Crash` on the first; returns a counter."""
    real: Callable[[str, MeetingRequest], Awaitable[Meeting]] = zoom.create_meeting
    calls = {"n": 0}

    async def create(user_id: str, request: MeetingRequest) -> Meeting:
        calls["n"] += 1
        made = await real(user_id, request)
        if crash_once and calls["n"] == 1:
            raise Crash
        if every and calls["n"] % every == 0:
            raise OutcomeUnknown(http_status=None)
        return made

    zoom.create_meeting = create  # type: ignore[method-assign]
    return lambda: calls["n"]


def admin_put(tenancy: Tenancy, path: str, body: dict[str, Any]) -> None:
    """PUT to the sandbox admin API."""
    tenancy.admin("PUT", path, json=body)
