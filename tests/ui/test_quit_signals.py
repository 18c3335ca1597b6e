"""SIGINT and SIGTERM quit the app on any loop: asyncio's signal handlers, or a polled fallback."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from zoomadmin.app import quit_on_signals


@pytest.mark.parametrize("name", ["SIGTERM", "SIGINT"])
async def test_a_signal_asks_to_quit_on_the_qt_loop(name: str, wait_until) -> None:
    requests: list[int] = []
    restore = quit_on_signals(asyncio.get_running_loop(), lambda: requests.append(1))
    try:
        os.kill(os.getpid(), getattr(signal, name))
        await wait_until(lambda: requests, within=2, what=f"{name} to ask for the quit")
    finally:
        restore()
    assert requests == [1]


async def test_where_the_loop_cannot_watch_signals_a_timer_lets_python_see_them(
    monkeypatch: pytest.MonkeyPatch, wait_until
) -> None:
    loop = asyncio.get_running_loop()

    def unsupported(*_args: object) -> None:
        raise NotImplementedError  # as on Windows' proactor loop

    monkeypatch.setattr(loop, "add_signal_handler", unsupported)
    monkeypatch.setattr(loop, "remove_signal_handler", unsupported)
    before = signal.getsignal(signal.SIGTERM)
    requests: list[int] = []
    restore = quit_on_signals(loop, lambda: requests.append(1))
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        await wait_until(lambda: requests, within=2, what="SIGTERM to ask for the quit")
    finally:
        restore()
    assert requests == [1]
    assert signal.getsignal(signal.SIGTERM) is before
