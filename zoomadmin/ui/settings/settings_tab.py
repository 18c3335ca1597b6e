"""The Host settings tab: a tenant's policy, the drift report, and one host's settings."""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from zoomadmin.core.changes import ChangeBus, ChangeKind
from zoomadmin.core.policy import SettingsPolicy, TenantPolicy
from zoomadmin.services.drift import DriftService
from zoomadmin.services.host_settings import PolicyService
from zoomadmin.ui.common.async_runner import AsyncRunner
from zoomadmin.ui.common.change_listener import ChangeListener
from zoomadmin.ui.settings.drift_panel import DriftPanel
from zoomadmin.ui.settings.host_view import HostView
from zoomadmin.ui.settings.policy_editor import PolicyEditor

ALL = -1


class HostSettingsTab(QWidget):
    """Policy editor per tenant, drift report with re-apply, and the host view."""

    def __init__(
        self,
        *,
        policies: PolicyService,
        drift: DriftService,
        runner: AsyncRunner,
        changes: ChangeBus,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._policies = policies
        self._drift = drift
        self._runner = runner
        self._loaded = asyncio.Event()
        self._shown: tuple[int | None, SettingsPolicy | None] = (None, None)
        self.tenants = QComboBox(self)
        self.tenants.setMinimumWidth(220)
        self.pages = QTabWidget(self)
        self.editor = PolicyEditor(self)
        self.report = DriftPanel(self)
        self.host_view = HostView(self)
        self.pages.addTab(self.editor, "&Policy")
        self.pages.addTab(self.report, "&Drift report")
        self.pages.addTab(self.host_view, "H&ost view")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        label = QLabel("&Tenant:", self)
        label.setBuddy(self.tenants)
        top.addWidget(label)
        top.addWidget(self.tenants)
        top.addStretch(1)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)
        self._connect()
        self._listener = ChangeListener(
            changes, frozenset({ChangeKind.SETTINGS, ChangeKind.TENANTS, ChangeKind.HOSTS}), self
        )
        self._listener.changes_arrived.connect(lambda _: self.reload())
        self.reload()

    def _connect(self) -> None:
        self.tenants.activated.connect(lambda _: self.reload())
        self.editor.save_requested.connect(self._save)
        self.editor.bind_requested.connect(self._bind)
        self.editor.unbind_requested.connect(self._unbind)
        self.report.scan_requested.connect(self.scan)
        self.report.apply_requested.connect(self._apply)
        self.report.host_chosen.connect(self._open_host)
        self.host_view.host_requested.connect(self.show_host)
        self.host_view.edit_requested.connect(self._edit)

    async def ready(self) -> None:
        """Return once the tenants, the policy and the stored report are shown."""
        await self._loaded.wait()

    def tenant_id(self) -> int | None:
        """The chosen tenant (None: all tenants, where only the report applies)."""
        value = self.tenants.currentData()
        return None if value is None or value == ALL else int(value)

    # -- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read tenants, the chosen tenant's policy, the report and the host list again."""
        self._runner.run(self._read(), on_done=self._show, label="Reading host settings…")

    async def _read(self) -> dict[str, Any]:
        tenants = await self._policies.tenant_names()
        chosen = self.tenant_id()
        if chosen is None and tenants and self.tenants.count() == 0:
            chosen = tenants[0][0]
        record = await self._policies.policy(chosen) if chosen is not None else None
        return {
            "tenants": tenants,
            "chosen": chosen,
            "policy": record,
            "rows": await self._drift.rows(chosen),
            "hosts": await self._drift.host_choices(chosen),
        }

    def _show(self, data: dict[str, Any]) -> None:
        self.tenants.clear()
        self.tenants.addItem("All tenants", ALL)
        for tenant_id, name in data["tenants"]:
            self.tenants.addItem(name, tenant_id)
        chosen = data["chosen"]
        self.tenants.setCurrentIndex(
            max(self.tenants.findData(chosen if chosen is not None else ALL), 0)
        )
        record: TenantPolicy | None = data["policy"]
        self.editor.setEnabled(record is not None)
        if record is not None and not self._unsaved_edits(chosen):
            self._show_policy(record)
        self.report.show_rows(data["rows"])
        self.host_view.set_hosts(data["hosts"])
        self._loaded.set()

    def _unsaved_edits(self, tenant_id: int | None) -> bool:
        """Whether the editor holds changes to ``tenant_id``'s policy nobody saved yet."""
        shown_tenant, shown = self._shown
        return shown_tenant == tenant_id and shown is not None and self.editor.policy() != shown

    def _show_policy(self, record: TenantPolicy) -> None:
        self.editor.show_policy(record)
        self._shown = (record.tenant_id, self.editor.policy())

    # -- actions ---------------------------------------------------------------------------

    def _save(self, policy: SettingsPolicy) -> None:
        tenant = self.tenant_id()
        if tenant is not None:
            self._runner.run(
                self._policies.set_policy(tenant, policy),
                on_done=self._show_policy,
                disable=self.editor,
                label="Saving the policy…",
            )

    def _bind(self) -> None:
        tenant = self.tenant_id()
        if tenant is not None:
            self._runner.run(
                self._policies.bind_group(tenant),
                on_done=self._show_policy,
                disable=self.editor,
                label="Holding the policy in a Zoom group…",
            )

    def _unbind(self) -> None:
        tenant = self.tenant_id()
        if tenant is not None:
            self._runner.run(
                self._policies.unbind_group(tenant),
                on_done=self._show_policy,
                disable=self.editor,
                label="Applying the policy per user…",
            )

    def scan(self) -> None:
        """Read the chosen tenant's (or every) host's settings, then show the report."""

        async def work() -> None:
            await self._drift.scan(self.tenant_id(), progress=self.report.show_progress)

        self._runner.run(
            work(),
            on_done=lambda _: self.reload(),
            disable=self.report.scan_button,
            label="Reading hosts' settings from Zoom…",
        )

    def _apply(self, host_ids: list[int]) -> None:
        self._runner.run(
            self._policies.apply(host_ids),
            on_done=self._applied,
            disable=[self.report.apply_selected, self.report.apply_all],
            label="Re-applying the policy…",
        )

    def _applied(self, results: Any) -> None:
        self.report.show_results(results)
        self._runner.run(self._drift.rows(self.tenant_id()), on_done=self.report.show_rows)

    def _open_host(self, host_id: int) -> None:
        self.pages.setCurrentWidget(self.host_view)
        self.host_view.choose(host_id)

    def show_host(self, host_id: int) -> None:
        """Read one host's settings from Zoom into the host view."""
        self._runner.run(
            self._drift.host_view(host_id),
            on_done=self.host_view.show_view,
            disable=self.host_view.tree,
            label="Reading the host's settings…",
        )

    def _edit(self, host_id: int, key: str, value: Any) -> None:
        async def work() -> Any:
            await self._policies.edit(host_id, key, value)
            return await self._drift.host_view(host_id)

        self._runner.run(work(), on_done=self.host_view.show_view, label="Changing the setting…")
