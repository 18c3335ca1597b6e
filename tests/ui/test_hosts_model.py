"""Hosts and tenants models: qtmodeltester, columns, roles, filters and incremental updates."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from zoomadmin.core.records import (
    FieldChange,
    HostRecord,
    TenantRecord,
    TenantSummary,
    decode_changes,
    encode_changes,
)
from zoomadmin.services.hosts import HostRow
from zoomadmin.ui.common.words import changes_words
from zoomadmin.ui.tenants.hosts_filter import NO_TENANT, HostsFilterProxy
from zoomadmin.ui.tenants.hosts_model import ROW_ROLE, SORT_ROLE, HostColumn, HostsModel
from zoomadmin.ui.tenants.tenants_model import TenantColumn, TenantsModel

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def host_row(
    n: int,
    *,
    tenant: tuple[int, str] | None = (1, "Acme"),
    status: str = "active",
    user_type: int = 1,
    used: int = 0,
    next_at: datetime | None = None,
    missing: bool = False,
) -> HostRow:
    host = HostRecord(
        id=n,
        tenant_id=tenant[0] if tenant else None,
        zoom_user_id=f"zoomid{n:04d}",
        email=f"teach+acme-{n}@school.example",
        first_name="Host",
        last_name=f"Number{n}",
        user_type=user_type,
        status=status,
        missing_in_zoom=missing,
        changed_in_zoom=None,
        last_synced_at=T0,
        created_at=T0,
        updated_at=T0,
    )
    return HostRow(host, tenant[1] if tenant else "", "America/New_York", next_at, used)


def tenant_summary(n: int, name: str, hosts: int = 0) -> TenantSummary:
    record = TenantRecord(
        id=n,
        name=name,
        slug=name.lower(),
        timezone="Europe/London",
        mailbox="teach",
        domain="school.example",
        email_scheme="{mailbox}+{tenant}-{n}@{domain}",
        settings_policy=None,
        created_at=T0,
        updated_at=T0,
    )
    return TenantSummary(record, hosts, 0, None)


def test_hosts_model_passes_modeltester_through_every_change(qtmodeltester: ModelTester) -> None:
    model = HostsModel()
    qtmodeltester.check(model, force_py=True)
    model.append_rows([host_row(n) for n in range(1, 6)])
    model.append_rows([host_row(n) for n in range(6, 9)])
    model.upsert(host_row(3, status="inactive"))
    model.remove(4)
    model.clear()
    model.append_rows([host_row(1)])
    assert model.rowCount() == 1


def test_host_cells_roles_and_time_in_tenant_zone(qtbot: QtBot) -> None:
    model = HostsModel()
    row = host_row(7, used=37, next_at=datetime(2026, 3, 3, 21, 0, tzinfo=UTC), user_type=2)
    model.append_rows([row, host_row(8, tenant=None, status="pending")])

    def cell(r: int, column: HostColumn, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        return model.data(model.index(r, column), role)

    assert cell(0, HostColumn.NAME) == "Host Number7"
    assert cell(0, HostColumn.QUOTA) == "37 of 100"
    assert cell(0, HostColumn.TYPE) == "Licensed"
    assert cell(0, HostColumn.NEXT_SESSION) == "Tue 3 Mar 2026 16:00 EST"
    assert cell(0, HostColumn.QUOTA, SORT_ROLE) == 37
    assert cell(0, HostColumn.NAME, ROW_ROLE) is row
    assert cell(1, HostColumn.TENANT) == "—"
    assert cell(1, HostColumn.STATUS) == "Pending"
    assert "not accepted" in str(cell(1, HostColumn.STATUS, Qt.ItemDataRole.ToolTipRole))


def test_upsert_changes_one_row_in_place(qtbot: QtBot) -> None:
    model = HostsModel()
    model.append_rows([host_row(n) for n in range(1, 4)])
    with (
        qtbot.assertNotEmitted(model.modelReset),
        qtbot.assertNotEmitted(model.rowsInserted),
        qtbot.waitSignal(model.dataChanged) as changed,
    ):
        model.upsert(host_row(2, missing=True))
    top, bottom = changed.args[0], changed.args[1]
    assert (top.row(), bottom.row(), bottom.column()) == (1, 1, len(HostColumn) - 1)
    assert model.data(model.index(1, HostColumn.STATUS)) == "Removed in Zoom"


def test_filter_by_text_tenant_type_and_status(qtmodeltester: ModelTester) -> None:
    model = HostsModel()
    model.append_rows(
        [
            host_row(1),
            host_row(2, tenant=(2, "Beta"), user_type=2),
            host_row(3, tenant=None, status="inactive"),
            host_row(4, missing=True),
            host_row(12),
        ]
    )
    proxy = HostsFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy, force_py=True)

    def shown() -> list[int]:
        return sorted(
            proxy.data(proxy.index(r, 0), ROW_ROLE).host.id for r in range(proxy.rowCount())
        )

    proxy.set_text("number1")
    assert shown() == [1, 12]
    proxy.set_text("beta")
    assert shown() == [2]
    proxy.set_text("")
    proxy.set_tenant(NO_TENANT)
    assert shown() == [3]
    proxy.set_tenant(1)
    assert shown() == [1, 4, 12]
    proxy.set_status("missing")
    assert shown() == [4]
    proxy.set_status("active")
    assert shown() == [1, 12]
    proxy.set_tenant(None)
    proxy.set_status(None)
    proxy.set_user_type(2)
    assert shown() == [2]
    proxy.set_user_type(None)
    proxy.sort(HostColumn.NAME, Qt.SortOrder.DescendingOrder)
    # Natural order: 12 after 4, so it comes first going down.
    assert proxy.data(proxy.index(0, HostColumn.NAME)) == "Host Number12"


def test_tenants_model_updates_rows_in_place(qtmodeltester: ModelTester, qtbot: QtBot) -> None:
    model = TenantsModel()
    qtmodeltester.check(model, force_py=True)
    model.set_summaries([tenant_summary(1, "Acme"), tenant_summary(2, "Beta")])
    assert model.data(model.index(0, TenantColumn.EMAIL_SCHEME)) == "teach+acme-1@school.example"
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged):
        model.set_summaries([tenant_summary(1, "Acme", hosts=3), tenant_summary(2, "Beta")])
    assert model.data(model.index(0, TenantColumn.HOSTS)) == "3"
    with qtbot.waitSignal(model.rowsRemoved), qtbot.waitSignal(model.rowsInserted):
        model.set_summaries([tenant_summary(2, "Beta"), tenant_summary(3, "Gamma")])
    names = [model.data(model.index(r, 0)) for r in range(model.rowCount(QModelIndex()))]
    assert names == ["Beta", "Gamma"]
    assert replace(model.summary_at(0)) == tenant_summary(2, "Beta")


def test_model_sorts_itself_and_keeps_the_selection(qtmodeltester: ModelTester) -> None:
    model = HostsModel()
    proxy = HostsFilterProxy()
    proxy.setSourceModel(model)
    model.append_rows([host_row(1, used=5), host_row(2, used=90), host_row(3, used=40)])
    qtmodeltester.check(proxy, force_py=True)
    held = QPersistentModelIndex(model.index(1, 0))
    proxy.sort(HostColumn.QUOTA, Qt.SortOrder.DescendingOrder)
    quotas = [proxy.index(r, HostColumn.QUOTA).data() for r in range(3)]
    assert quotas == ["90 of 100", "40 of 100", "5 of 100"]
    assert held.row() == 0 and held.data(ROW_ROLE).host.id == 2
    later = [host_row(4, used=70), host_row(5, used=1)]
    assert [r.host.id for r in model.ordered(later)] == [4, 5]


def test_changes_in_zoom_read_as_words_and_older_notes_stay_as_written() -> None:
    changes = (FieldChange("user_type", 1, 2), FieldChange("first_name", "", "Ada"))
    assert changes_words(changes) == "type Basic → Licensed; first name (empty) → “Ada”"
    assert changes_words(decode_changes(encode_changes(changes))) == changes_words(changes)
    assert changes_words(decode_changes("last name “Lee” → “Lee-Smith”")) == (
        "last name “Lee” → “Lee-Smith”"
    )
    assert changes_words(None) is None
