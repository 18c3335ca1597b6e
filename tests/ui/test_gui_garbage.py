"""Python's GC runs only in the GUI thread: start-up objects set aside, cycles later collected."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import QObject

from zoomadmin import app as app_module
from zoomadmin.app import collect_garbage_in_gui_thread


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
    monkeypatch.setattr(app_module, "GC_SETTLE_SECONDS", 60.0)
    gc.unfreeze()
    collect_garbage_in_gui_thread(owner)
    assert not gc.isenabled()
    kept = [_Node() for _ in range(100)]
    await wait_until(lambda: gc.get_freeze_count() > 0, within=3, what="the first freeze")
    assert gc.get_freeze_count() >= len(kept)


async def test_after_start_up_cycles_are_collected_on_the_timer(
    owner: QObject, wait_until, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "GC_SETTLE_SECONDS", 0.0)
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
