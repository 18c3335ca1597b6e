"""The quota ledger of an open account, telling the screens when a host's count moved."""

from __future__ import annotations

from datetime import date

from zoomadmin.core.changes import ChangeBus, ChangeKind
from zoomadmin.zoom.limits import QuotaLedger


class PublishingLedger:
    """A :class:`QuotaLedger` that publishes a quota change (by Zoom user id) after each
    count it changes, so the "requests today" cells move as the requests go out."""

    def __init__(self, inner: QuotaLedger, bus: ChangeBus) -> None:
        self._inner = inner
        self._bus = bus

    async def used(self, host_id: str, day: date) -> int:
        """As the inner ledger."""
        return await self._inner.used(host_id, day)

    async def used_on(self, day: date) -> dict[str, tuple[int, int]]:
        """As the inner ledger."""
        return await self._inner.used_on(day)

    async def exhausted(self, host_id: str, day: date) -> bool:
        """As the inner ledger."""
        return await self._inner.exhausted(host_id, day)

    async def record_request(self, host_id: str, day: date) -> int:
        """Count one request, then tell."""
        count = await self._inner.record_request(host_id, day)
        self._bus.publish(ChangeKind.QUOTA, [host_id])
        return count

    async def observe(self, host_id: str, day: date, limit: int, remaining: int) -> None:
        """Adopt Zoom's figures, then tell."""
        await self._inner.observe(host_id, day, limit, remaining)
        self._bus.publish(ChangeKind.QUOTA, [host_id])

    async def mark_exhausted(self, host_id: str, day: date) -> None:
        """Note the daily limit is spent, then tell."""
        await self._inner.mark_exhausted(host_id, day)
        self._bus.publish(ChangeKind.QUOTA, [host_id])
