"""Python's cyclic garbage collection run only in the GUI thread, on a timer."""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QObject, QTimer

GC_INTERVAL_MS = 500
FULL_GENERATION = 2
FULL_GC_INTERVAL_SECONDS = 60.0
GC_SETTLE_SECONDS = 5.0
"""For this long after start-up the GC timer sets new objects aside instead of collecting."""


def collect_garbage_in_gui_thread(parent: QObject) -> None:
    """Run Python's cyclic GC only in the GUI thread, on a timer.

    Automatic collection runs in whichever thread happens to allocate (the sandbox's server
    thread, keyring and database workers); freeing a Qt object there makes Qt warn or crash.
    """
    settle_until = time.monotonic() + GC_SETTLE_SECONDS
    last_full = [time.monotonic()]

    def collect() -> None:
        if time.monotonic() < settle_until:
            # Nearly all that start-up allocates (modules, classes, widgets, the sandbox's
            # world) lives as long as the app, and it holds a few hundred garbage objects at
            # most: freezing it is free, where traversing it cost 80-90 ms before loading.
            gc.freeze()
            return
        due = [
            generation
            for generation, (count, threshold) in enumerate(
                zip(gc.get_count(), gc.get_threshold(), strict=True)
            )
            if count > threshold
        ]
        if not due:
            return
        # Collecting a generation collects the younger ones too, so one call does it. A
        # full collection traverses every row of a large table: at most once a minute.
        oldest = max(due)
        now = time.monotonic()
        if oldest == FULL_GENERATION and now - last_full[0] < FULL_GC_INTERVAL_SECONDS:
            oldest = FULL_GENERATION - 1
        if oldest == FULL_GENERATION:
            last_full[0] = now
        gc.collect(oldest)

    gc.disable()
    timer = QTimer(parent)
    timer.setInterval(GC_INTERVAL_MS)
    timer.timeout.connect(collect)
    timer.start()
