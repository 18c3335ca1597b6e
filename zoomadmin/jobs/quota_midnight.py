"""At 00:00 UTC on the account's clock Zoom resets every host's daily quota: say so."""

from __future__ import annotations

from zoomadmin.core.changes import ChangeBus, ChangeKind
from zoomadmin.core.clock import Clock, next_utc_midnight, sleep_until
from zoomadmin.jobs.supervisor import JobReport


class QuotaMidnightJob:
    """Publishes a quota change for every host at each 00:00 UTC of the account's clock."""

    name = "quota-reset"

    def __init__(self, clock: Clock, bus: ChangeBus) -> None:
        self._clock = clock
        self._bus = bus

    async def run(self, report: JobReport) -> None:
        """Sleep to each midnight, then tell the screens, until cancelled."""
        while True:
            midnight = next_utc_midnight(self._clock.now())
            report.waiting(midnight, "Zoom resets the daily quota")
            await sleep_until(self._clock, midnight)
            self._bus.publish(ChangeKind.QUOTA)
