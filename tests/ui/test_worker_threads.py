"""Quit lets work already on the loop's worker threads end, but never waits for it forever."""

from __future__ import annotations

import asyncio
import threading
import time

from zoomadmin.app import finish_worker_threads


async def test_quit_lets_worker_threads_end_before_the_database_closes() -> None:
    loop = asyncio.get_running_loop()
    ended = threading.Event()

    def database_work() -> None:
        time.sleep(0.2)
        ended.set()

    work = loop.run_in_executor(None, database_work)
    assert await finish_worker_threads(within=10)
    assert ended.is_set()
    await work
    # A later call gets fresh worker threads.
    assert await asyncio.to_thread(lambda: 42) == 42


async def test_a_worker_thread_that_never_ends_does_not_stop_quit() -> None:
    loop = asyncio.get_running_loop()
    release = threading.Event()
    stuck = loop.run_in_executor(None, release.wait)
    started = time.monotonic()
    try:
        finished = await finish_worker_threads(within=0.5)
    finally:
        release.set()
    assert not finished
    assert time.monotonic() - started < 5
    await stuck
    assert await finish_worker_threads(within=10)
