"""How EventStream hands events to subscribers: each has its own queue, so a slow one delays
no other; order is kept per subscriber; a failing one is reported; a stuck one loses its
oldest events, never memory; subscribing before or after ``run`` both work."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import httpx
import pytest

from tests.zoom.events.events_support import eventually, served
from tests.zoom.events.test_webhook_receiver import SECRET, envelope, signed
from zoomadmin.zoom.events.model import Event, EventKind
from zoomadmin.zoom.events.stream import EventStream, StreamStatus
from zoomadmin.zoom.events.webhook import WebhookReceiver
from zoomadmin.zoom.events.webhook_app import WebhookEventSource

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def started(n: int) -> Event:
    """A distinct meeting.started (its own dedupe key) numbered ``n``."""
    obj = {"id": 81234567000 + n, "uuid": f"uuid-{n:04d}==", "host_id": "h" * 22}
    return Event(EventKind.MEETING_STARTED, AT, "acct", obj, "websocket")


def numbers(events: list[Event]) -> list[int]:
    return [int(e.object["id"]) - 81234567000 for e in events]


class Collector:
    """A subscriber that remembers what it got, optionally sleeping or failing first."""

    def __init__(self, *, sleep: float = 0.0, fail_on: frozenset[int] = frozenset()) -> None:
        self.got: list[Event] = []
        self._sleep = sleep
        self._fail_on = fail_on

    async def __call__(self, event: Event) -> None:
        if self._sleep:
            await asyncio.sleep(self._sleep)
        (n,) = numbers([event])
        if n in self._fail_on:
            raise ValueError(f"cannot handle event {n}")
        self.got.append(event)


def webhook_stream(**options: int) -> EventStream:
    return EventStream([WebhookEventSource(WebhookReceiver(SECRET))], **options)


@pytest.fixture
async def stream() -> AsyncIterator[EventStream]:
    made = webhook_stream()
    yield made
    await made.aclose()


async def test_a_slow_subscriber_does_not_delay_a_fast_one(stream: EventStream) -> None:
    slow, fast = Collector(sleep=5.0), Collector()
    stream.subscribe(slow)
    stream.subscribe(fast)
    began = time.perf_counter()
    async with asyncio.timeout(0.1):
        for n in range(3):
            assert await stream.deliver(started(n))
        await eventually(lambda: len(fast.got) == 3, "the fast subscriber's events")
    assert numbers(fast.got) == [0, 1, 2]
    assert time.perf_counter() - began < 0.1
    assert slow.got == []  # still asleep on the first event


async def test_each_subscriber_gets_events_in_order(stream: EventStream) -> None:
    collectors = [Collector(), Collector(sleep=0.001), Collector()]
    for collector in collectors:
        stream.subscribe(collector)
    for n in range(50):
        await stream.deliver(started(n))
    await stream.drain()
    assert [numbers(c.got) for c in collectors] == [list(range(50))] * 3


async def test_a_failing_subscriber_is_reported_and_the_others_go_on(
    stream: EventStream, caplog: pytest.LogCaptureFixture
) -> None:
    statuses: list[StreamStatus] = []
    stream.add_status_listener(statuses.append)
    broken, fine = Collector(fail_on=frozenset({1, 2})), Collector()
    stream.subscribe(broken)
    stream.subscribe(fine)
    with caplog.at_level(logging.ERROR, logger="zoomadmin.zoom.events.stream"):
        for n in range(4):
            await stream.deliver(started(n))
        await stream.drain()
    assert numbers(fine.got) == [0, 1, 2, 3]
    assert numbers(broken.got) == [0, 3]  # it goes on after a failure
    (failure,) = stream.subscriber_failures
    assert (failure.failures, failure.dropped) == (2, 0)
    assert failure.last_error == "ValueError: cannot handle event 2"
    assert "Collector" in failure.name
    # The status bar hears of it: the tooltip says an event handler failed.
    assert statuses and statuses[-1].handler_failed
    assert "An event handler failed" in statuses[-1].detail
    assert "ValueError: cannot handle event 2" in statuses[-1].detail
    assert stream.status == statuses[-1]
    logged = [r for r in caplog.records if r.exc_info]
    assert len(logged) == 2 and "cannot handle event 1" in str(logged[0].exc_info[1])


async def test_a_stuck_subscriber_loses_its_oldest_events_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stream = webhook_stream(queue_size=3)
    release = asyncio.Event()
    got: list[Event] = []

    async def stuck(event: Event) -> None:
        await release.wait()
        got.append(event)

    fast = Collector()
    stream.subscribe(stuck)
    stream.subscribe(fast)
    try:
        await stream.deliver(started(0))
        await eventually(lambda: len(fast.got) == 1, "the first event")  # 0 is being handled
        with caplog.at_level(logging.WARNING, logger="zoomadmin.zoom.events.stream"):
            for n in range(1, 8):
                await stream.deliver(started(n))
                await eventually(lambda n=n: len(fast.got) == n + 1, "the fast subscriber")
        release.set()
        await stream.drain()
    finally:
        await stream.aclose()
    assert numbers(fast.got) == list(range(8))
    assert numbers(got) == [0, 5, 6, 7]  # three kept in the queue, the oldest dropped
    (report,) = stream.subscriber_failures
    assert (report.failures, report.dropped) == (0, 4)
    assert "dropped" in stream.status.detail
    assert any("dropped" in r.getMessage() for r in caplog.records)


async def test_unsubscribing_stops_delivery(stream: EventStream) -> None:
    gone, kept = Collector(), Collector()
    unsubscribe = stream.subscribe(gone)
    stream.subscribe(kept)
    await stream.deliver(started(0))
    await stream.drain()
    unsubscribe()
    unsubscribe()  # twice is harmless
    await stream.deliver(started(1))
    await stream.drain()
    assert (numbers(gone.got), numbers(kept.got)) == ([0], [0, 1])


def test_subscribing_before_any_loop_runs_works() -> None:
    stream = webhook_stream()
    early = Collector()
    stream.subscribe(early)  # no event loop yet: the app wires tabs before the stream runs

    async def main() -> None:
        runner = asyncio.create_task(stream.run())
        await stream.deliver(started(0))
        await stream.drain()
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)

    asyncio.run(main())
    assert numbers(early.got) == [0]


@pytest.fixture
def receiver_source() -> Iterator[WebhookEventSource]:
    yield WebhookEventSource(WebhookReceiver(SECRET))


async def test_over_loopback_a_slow_subscriber_before_and_one_after_run(
    receiver_source: WebhookEventSource,
) -> None:
    stream = EventStream([receiver_source])
    slow, fast = Collector(sleep=5.0), Collector()
    stream.subscribe(slow)  # before run
    runner = asyncio.create_task(stream.run())
    try:
        await asyncio.sleep(0)
        stream.subscribe(fast)  # after run
        async with served(receiver_source.app) as base, httpx.AsyncClient() as client:
            for n in range(3):
                body = envelope(uuid=f"uuid-over-loopback-{n}==")
                answer = await client.post(
                    base + "/zoom/events", content=body, headers=signed(body)
                )
                assert answer.status_code == 200
            await eventually(lambda: len(fast.got) == 3, "every event at the fast subscriber")
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
    assert slow.got == []
    assert [e.meeting_uuid for e in fast.got] == [f"uuid-over-loopback-{n}==" for n in range(3)]
