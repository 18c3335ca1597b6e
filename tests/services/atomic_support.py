"""Test helpers for units of work: hold a store write on its worker thread, then cancel."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import pytest


class Gate:
    """Holds ``owner.name`` (a repository method) on its worker thread until released."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, owner: type, name: str) -> None:
        self.entered, self.release, self.left = (threading.Event() for _ in range(3))
        real = getattr(owner, name)

        def held(repo: Any, *args: Any, **kwargs: Any) -> Any:
            self.entered.set()
            self.release.wait(10)
            try:
                return real(repo, *args, **kwargs)
            finally:
                self.left.set()

        monkeypatch.setattr(owner, name, held)

    async def cancel_inside(self, work: Awaitable[Any]) -> None:
        """Cancel ``work`` while the store write is under way, then let the write go on."""
        task = asyncio.ensure_future(work)
        assert await asyncio.to_thread(self.entered.wait, 10)
        task.cancel()
        self.release.set()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await asyncio.to_thread(self.left.wait, 10)


async def settled(read: Callable[[], Any], expected: Any) -> Any:
    """``read()`` once it equals ``expected``, or after 2 s whatever it is then.

    A unit of work goes on on its worker thread after its caller was cancelled.
    """
    return await settled_when(read, lambda value: value == expected)


async def settled_when(read: Callable[[], Any], done: Callable[[Any], bool]) -> Any:
    """``read()`` once ``done`` holds for it, or after 2 s whatever it is then."""
    value = read()
    for _ in range(200):
        if done(value):
            break
        await asyncio.sleep(0.01)
        value = read()
    return value
