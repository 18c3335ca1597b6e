"""Hosts panel loading: rows in the table's order, repaints held back until done or scrolled."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot
from test_hosts_model import host_row

from zoomadmin.ui.tenants.hosts_model import HostColumn
from zoomadmin.ui.tenants.hosts_panel import HostsPanel


async def test_load_adds_every_row_in_order_and_paints_again_after(qtbot: QtBot) -> None:
    panel = HostsPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 400)
    panel.show()
    await panel.load([host_row(n) for n in range(30, 0, -1)], chunk=4)
    assert panel.model.rowCount() == 30
    emails = [panel.proxy.index(r, HostColumn.EMAIL).data() for r in range(3)]
    # Natural order: -1, -2, -3 (not -1, -10, -11).
    assert emails == [f"teach+acme-{n}@school.example" for n in range(1, 4)]
    assert panel.view.viewport().updatesEnabled()
    assert panel.count.text() == "30 hosts"


async def test_scrolling_while_loading_shows_rows_at_once(qtbot: QtBot) -> None:
    panel = HostsPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 300)
    panel.show()
    seen: list[tuple[int, bool, bool]] = []

    def scroll_midway() -> None:
        # Rows 60-79 just arrived: the user scrolls down while the rest still loads.
        if panel.model.rowCount() == 80:
            viewport, bar = panel.view.viewport(), panel.view.verticalScrollBar()
            before = viewport.updatesEnabled()
            bar.setValue(10)
            seen.append((bar.value(), before, viewport.updatesEnabled()))

    panel.model.rowsInserted.connect(scroll_midway)
    await panel.load([host_row(n) for n in range(1, 201)], chunk=20)
    assert seen == [(10, False, True)]
    assert panel.model.rowCount() == 200


def test_cell_text_follows_changes_and_sorting(qtbot: QtBot) -> None:
    panel = HostsPanel()
    qtbot.addWidget(panel)
    model = panel.model
    model.append_rows([host_row(1, used=5), host_row(2, used=90)])
    assert model.index(1, HostColumn.QUOTA).data() == "90 of 100"
    model.upsert(host_row(2, used=7))
    assert model.index(1, HostColumn.QUOTA).data() == "7 of 100"
    model.sort(HostColumn.QUOTA)
    assert [model.index(r, HostColumn.QUOTA).data() for r in range(2)] == ["5 of 100", "7 of 100"]
    model.remove(1)
    assert model.index(0, HostColumn.QUOTA).data() == "7 of 100"
    model.set_quota({"zoomid0002": (12, 100)})
    assert model.index(0, HostColumn.QUOTA).data() == "12 of 100"


async def test_a_panel_closed_while_loading_stops_without_an_error(
    qtbot: QtBot, wait_until: Any
) -> None:
    import asyncio

    import shiboken6

    panel = HostsPanel()
    panel.show()
    loading = asyncio.ensure_future(panel.load([host_row(n) for n in range(1, 201)], chunk=20))
    await wait_until(lambda: panel.model.rowCount() > 0, what="the first chunk")
    panel.deleteLater()  # the window closes between two chunks
    await asyncio.sleep(0.05)
    await loading  # returns quietly instead of touching the deleted table
    assert not shiboken6.isValid(panel)
