"""Calendar sessions and their iCalendar and CSV exports, read back by a second library."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import icalendar
import recurring_ical_events
from schedule_support import curriculum_csv, tenant_with_hosts, zoom_sessions
from tenancy_support import Tenancy, store, tenancy

from zoomadmin.core.schedule import IntentState
from zoomadmin.services.calendar import CSV_EXPORT_COLUMNS

__all__ = ["store", "tenancy"]

TERM = "2026-03-03,2026-04-28"
FROM, TO = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC)


async def test_the_ics_export_reads_back_as_zooms_instants(tenancy: Tenancy) -> None:
    users = {}
    rows = []
    for name, tz in (("NY", "America/New_York"), ("SYD", "Australia/Sydney")):
        _, (email,) = await tenant_with_hosts(tenancy, name, tz, 1)
        rows.append(f"{name},{email},Seminar,Mon,09:00,40,{TERM},2026-04-06,")
        rows.append(f"{name},{email},Seminar,Thu,09:00,40,{TERM},,")
        users[email] = ""
    services = tenancy.runtime.services
    submitted = await services.curricula.submit_csv(curriculum_csv(rows))
    await services.queue.run_until_idle()
    assert not await services.queue.intents([IntentState.QUEUED, IntentState.WAITING])
    in_zoom: set[datetime] = set()
    for email in users:
        user = submitted.preview.hosts[email].zoom_user_id
        in_zoom |= {start for _, start in await zoom_sessions(tenancy.zoom, user)}
    sessions = await services.calendar.sessions(FROM, TO)
    document = await services.calendar.export_ics(sessions)
    calendar = icalendar.Calendar.from_ical(document)
    events = recurring_ical_events.of(calendar).between(FROM, TO)
    read_back = {e["DTSTART"].dt.astimezone(UTC) for e in events}
    assert read_back == in_zoom and len(events) == len(in_zoom) == 2 * 16 - 2
    zones = {e["DTSTART"].params.get("TZID") for e in events}
    assert zones == {"America/New_York", "Australia/Sydney"}
    assert {c["TZID"] for c in calendar.walk("VTIMEZONE")} == zones
    table = list(csv.DictReader(io.StringIO(await services.calendar.export_csv(sessions))))
    assert tuple(table[0]) == CSV_EXPORT_COLUMNS and len(table) == len(in_zoom)
    assert {row["local_start"][-5:] for row in table} == {"09:00"}


async def test_queued_sessions_are_on_the_calendar_before_they_exist(tenancy: Tenancy) -> None:
    _, (email,) = await tenant_with_hosts(tenancy, "Acme", "Europe/Berlin", 1)
    services = tenancy.runtime.services
    await services.curricula.submit_csv(
        curriculum_csv([f"Acme,{email},Algebra,Tue,09:00,40,2026-03-03,2026-03-17,,"])
    )
    queued = await services.calendar.sessions(FROM, TO)
    assert [(s.status, s.local_start.hour) for s in queued] == [("queued", 9)] * 3
    assert b"STATUS:TENTATIVE" in await services.calendar.export_ics(queued)
    await services.queue.run_until_idle()
    created = await services.calendar.sessions(FROM, TO)
    assert [s.start for s in created] == [s.start for s in queued]
    assert {s.status for s in created} == {"available"} and all(s.meeting_id for s in created)
