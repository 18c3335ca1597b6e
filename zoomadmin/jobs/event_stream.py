"""The account's Zoom events (WebSocket, webhooks, polling) as a supervised job."""

from __future__ import annotations

from zoomadmin.jobs.supervisor import JobReport
from zoomadmin.zoom.events.stream import EventStream


class EventStreamJob:
    """Runs the event stream's sources until cancelled (their own reconnects happen inside)."""

    name = "events"

    def __init__(self, stream: EventStream) -> None:
        self._stream = stream

    async def run(self, report: JobReport) -> None:
        """Run every source; the stream's own status says how each is doing."""
        report.running(self._stream.status.text)
        await self._stream.run()
