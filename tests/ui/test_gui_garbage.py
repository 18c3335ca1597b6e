"""Python's GC runs only in the GUI thread: start-up objects set aside, cycles later collected."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import QObject

from zoomadmin.ui import gui_garbage
from zoomadmin.ui.gui_garbage import collect_garbage_in_gui_thread


class _Node:
    """One half of a reference cycle."""

    def __init__(self) -> None:
        self.other: _Node | None = None


@pytest.fixture
def owner(qapp: object) -> Iterator[QObject]:
    parent = QObject()
    yield parent
    shiboken6.delete(parent)  # and its timer with it, before the next test
    gc.unfreeze()
    gc.enable()


async def test_start_up_objects_are_frozen_not_traversed(
    owner: QObject, wait_until, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gui_garbage, "GC_SETTLE_SECONDS", 60.0)
    gc.unfreeze()
    collect_garbage_in_gui_thread(owner)
    assert not gc.isenabled()
    kept = [_Node() for _ in range(100)]
    await wait_until(lambda: gc.get_freeze_count() > 0, within=3, what="the first freeze")
    assert gc.get_freeze_count() >= len(kept)


async def test_after_start_up_cycles_are_collected_on_the_timer(
    owner: QObject, wait_until, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gui_garbage, "GC_SETTLE_SECONDS", 0.0)
    collect_garbage_in_gui_thread(owner)
    first, second = _Node(), _Node()
    first.other, second.other = second, first
    gone = weakref.ref(first)
    del first, second
    # Enough new objects that the youngest generation passes its threshold.
    churn = [[] for _ in range(gc.get_threshold()[0] + 10)]
    assert gone() is not None  # automatic collection is off
    await wait_until(lambda: gone() is None, within=3, what="the cycle to be collected")
    assert churn


@pytest.mark.parametrize(("interval", "expected"), [(3600.0, 1), (0.0, 2)])
async def test_full_collections_wait_for_their_interval(
    owner: QObject, wait_until, monkeypatch: pytest.MonkeyPatch, interval: float, expected: int
) -> None:
    """A full collection traverses every row of a big table, so it runs at most once a minute."""
    monkeypatch.setattr(gui_garbage, "GC_SETTLE_SECONDS", 0.0)
    monkeypatch.setattr(gui_garbage, "FULL_GC_INTERVAL_SECONDS", interval)
    monkeypatch.setattr(gc, "get_count", lambda: (0, 0, 50))
    calls: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: calls.append(generation) or 0)
    collect_garbage_in_gui_thread(owner)
    await wait_until(lambda: len(calls) >= 2, within=3, what="two timer collections")
    assert set(calls) == {expected}
