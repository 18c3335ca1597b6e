"""Screenshots of the Tenants & Hosts tab and its dialogs on the demo sandbox.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_tenants.py OUT_DIR

Saves ``tenants-hosts-<size>-<theme>.png`` and ``dialog-<name>-<size>-<theme>.png`` at
1280x800 and 1024x640, with the light palette and a dark one.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import TypeVar

import qasync
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from zoomadmin.app import Application, build_window
from zoomadmin.paths import AppPaths
from zoomadmin.services.credentials import MemorySecretStore
from zoomadmin.ui.common.error_dialog import ErrorReporter
from zoomadmin.ui.common.icons import stylesheet
from zoomadmin.ui.tenants.session_offer import DeleteTenantDialog, RemoveHostDialog
from zoomadmin.ui.tenants.tenants_tab import TenantsTab

SIZES = ((1280, 800), (1024, 640))
T = TypeVar("T")
PAUSE = 0.3


def dark_palette() -> QPalette:
    """A plain dark palette (what a dark desktop theme hands Qt)."""
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#2b2b2b",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1f1f1f",
        QPalette.ColorRole.AlternateBase: "#262626",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.Highlight: "#3d6fb4",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#353535",
        QPalette.ColorRole.ToolTipText: "#e6e6e6",
        QPalette.ColorRole.PlaceholderText: "#8a8a8a",
        QPalette.ColorRole.Link: "#7fb0ff",
        QPalette.ColorRole.Mid: "#505050",
        QPalette.ColorRole.Dark: "#1a1a1a",
        QPalette.ColorRole.Shadow: "#101010",
        QPalette.ColorRole.Light: "#5a5a5a",
        QPalette.ColorRole.Midlight: "#454545",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#7a7a7a"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#7a7a7a"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#7a7a7a"))
    return palette


def need(value: T | None, what: str) -> T:
    """``value``, which the step before should have produced."""
    if value is None:
        raise RuntimeError(f"{what} did not open")
    return value


async def settle(app: Application) -> None:
    await app.runner.wait_idle()
    await asyncio.sleep(PAUSE)
    await app.runner.wait_idle()


def save(widget: QWidget, out: Path, name: str) -> None:
    if not widget.grab().save(str(out / f"{name}.png")):
        raise OSError(f"could not write {name}.png")
    print(name)


async def host_questions(app: Application, tab: TenantsTab, out: Path, tag: str) -> None:
    acts = tab.host_actions
    panel = tab.hosts_panel
    # Move, deactivate confirmation for three hosts.
    panel.view.selectAll()
    acts.move.trigger()
    await settle(app)
    save(acts.dialog, out, f"dialog-move-hosts-{tag}")  # type: ignore[arg-type]
    acts.dialog.reject()  # type: ignore[union-attr]
    panel.view.clearSelection()
    for row in range(3):
        panel.view.selectionModel().select(
            panel.proxy.index(row, 0),
            panel.view.selectionModel().SelectionFlag.Select
            | panel.view.selectionModel().SelectionFlag.Rows,
        )
    acts.deactivate.trigger()
    await settle(app)
    box = need(acts.confirmation, "the deactivate question")
    save(box, out, f"dialog-deactivate-hosts-{tag}")
    box.reject()
    # Remove one host with coming sessions: hand them over (the default), cancel or leave.
    panel.view.selectRow(0)
    acts.remove.trigger()
    await settle(app)
    remove = acts.dialog
    if not isinstance(remove, RemoveHostDialog):
        raise RuntimeError("the first host has no coming sessions to offer a choice for")
    save(remove, out, f"dialog-remove-host-{tag}")
    remove.cancel_them.click()
    await settle(app)
    save(remove, out, f"dialog-remove-host-cancel-{tag}")
    remove.reject()
    # Delete a tenant whose hosts have coming sessions: cancel them first, priced.
    tab._select_tenant(tab.tenant_records()[0].id)
    tab.delete_tenant.trigger()
    await settle(app)
    delete = tab.dialog
    if not isinstance(delete, DeleteTenantDialog):
        raise RuntimeError("the first tenant has no coming sessions to offer to cancel")
    save(delete, out, f"dialog-delete-tenant-{tag}")
    delete.reject()
    tab.tenants_view.clearSelection()


async def import_and_accounts(
    app: Application, tab: TenantsTab, out: Path, tag: str, tmp: Path
) -> None:
    acts = tab.host_actions
    # Link users.
    acts.link.trigger()
    await settle(app)
    save(acts.dialog, out, f"dialog-link-users-{tag}")  # type: ignore[arg-type]
    acts.dialog.reject()  # type: ignore[union-attr]
    # Import: a checked file with one bad row.
    csv = tmp / "hosts.csv"
    csv.write_text(
        "email,first_name,last_name,type\n,Marcus,Reyes,Basic\n"
        "jennifer@school,Jennifer,Walsh,Basic\nandre@school.example,Andre,Thompson,Licensed\n",
        encoding="utf-8",
    )
    acts.import_csv.trigger()
    await settle(app)
    wizard = acts.dialog
    need(wizard, "wizard")
    save(wizard, out, f"dialog-import-file-{tag}")
    wizard.path.setText(str(csv))  # type: ignore[attr-defined]
    wizard.next.click()  # type: ignore[attr-defined]
    await settle(app)
    save(wizard, out, f"dialog-import-preview-{tag}")
    wizard.reject()
    # Accounts.
    app.open_accounts_dialog()
    await settle(app)
    accounts = need(app._accounts_dialog, "Accounts")
    save(accounts, out, f"dialog-accounts-{tag}")
    accounts.close()
    await settle(app)


async def dialogs(app: Application, tab: TenantsTab, out: Path, tag: str, tmp: Path) -> None:
    acts = tab.host_actions
    panel = tab.hosts_panel
    # New tenant, with a name already taken (the inline error) and a preview.
    tab.hosts_panel.show_tenant(None)
    tab.open_new_tenant()
    dialog = tab.dialog
    need(dialog, "dialog")
    dialog.name.setText("Northside High")  # type: ignore[attr-defined]
    dialog.mailbox.setText("teach")  # type: ignore[attr-defined]
    dialog.domain.setText("school.example")  # type: ignore[attr-defined]
    dialog.buttons.accepted.emit()  # type: ignore[attr-defined]
    await settle(app)
    save(dialog, out, f"dialog-new-tenant-{tag}")
    dialog.reject()
    # Edit a tenant that has hosts (the scheme warning).
    tab._select_tenant(tab.tenant_records()[0].id)
    tab.open_edit_tenant()
    edit = tab.dialog
    need(edit, "edit")
    edit.scheme.setText("{mailbox}+{tenant}{n}@{domain}")  # type: ignore[attr-defined]
    await settle(app)
    save(edit, out, f"dialog-edit-tenant-{tag}")
    edit.reject()
    # Add host.
    acts.add.trigger()
    await settle(app)
    need(acts.dialog, "acts.dialog")
    save(acts.dialog, out, f"dialog-add-host-{tag}")
    acts.dialog.reject()
    # Host details and the audit log.
    panel.view.selectRow(0)
    panel.view.setCurrentIndex(panel.proxy.index(0, 0))
    acts.open_details()
    await settle(app)
    details = acts.dialog
    need(details, "details")
    save(details, out, f"dialog-host-details-{tag}")
    details.open_audit.click()  # type: ignore[attr-defined]
    await settle(app)
    need(tab.audit_dialog, "tab.audit_dialog")
    tab.audit_dialog.resize(900, 480)
    await settle(app)
    save(tab.audit_dialog, out, f"dialog-audit-log-{tag}")
    tab.audit_dialog.close()
    details.reject()
    await host_questions(app, tab, out, tag)
    await import_and_accounts(app, tab, out, tag, tmp)


async def run(out: Path, dark: bool) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="zoomadmin-shots-"))
    paths = AppPaths.under(tmp / "basedir")
    settings = QSettings(str(paths.config_dir / "window.ini"), QSettings.Format.IniFormat)
    reporter = ErrorReporter(paths.log_root / "zoomadmin.log")
    reporter.install(asyncio.get_running_loop())
    app = Application(
        paths=paths,
        window=build_window(paths, settings),
        reporter=reporter,
        secrets=MemorySecretStore(),
        force_sandbox=True,
    )
    app.start()
    async with asyncio.timeout(90):  # a stuck start fails instead of hanging
        await app.loaded.wait()
        await settle(app)
        await app.runner.wait_idle()
    theme = "dark" if dark else "light"
    tab = app.window.tab_specs[0].widget
    if not isinstance(tab, TenantsTab):
        raise RuntimeError("the first tab is not Tenants & Hosts")
    for width, height in SIZES:
        tag = f"{width}x{height}-{theme}"
        app.window.resize(width, height)
        tab.hosts_panel.show_tenant(None)
        await settle(app)
        save(app.window, out, f"tenants-hosts-{tag}")
        tab._select_tenant(tab.tenant_records()[0].id)
        await settle(app)
        save(app.window, out, f"tenants-hosts-tenant-{tag}")
        tab.tenants_view.clearSelection()
        await dialogs(app, tab, out, tag, tmp)
    await app.shutdown()


def main() -> int:
    out = Path(sys.argv[1])
    dark = "--dark" in sys.argv
    out.mkdir(parents=True, exist_ok=True)
    qt_app = QApplication(sys.argv[:1])
    qt_app.setStyle("Fusion")
    if dark:
        qt_app.setPalette(dark_palette())
    qt_app.setStyleSheet(stylesheet())
    qt_app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(run(out, dark))
    return 0


if __name__ == "__main__":
    sys.exit(main())
