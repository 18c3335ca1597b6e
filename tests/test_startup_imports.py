"""Start-up stays light: what opening the app's usual path must not import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from zoomadmin.store.db import open_database, sqlite_url


def _modules_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    return set(result.stdout.split())


def test_the_repositories_leave_the_postgresql_dialect_alone_on_sqlite() -> None:
    modules = _modules_after("import zoomadmin.store.repositories")
    assert "zoomadmin.store.meetings" in modules
    assert "sqlalchemy.dialects.postgresql" not in modules


def test_a_database_at_the_newest_revision_opens_without_alembic(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "current.sqlite3")
    open_database(url).dispose()  # created and migrated here
    code = f"from zoomadmin.store.db import open_database\nopen_database({url!r}).dispose()"
    modules = _modules_after(code)
    assert "sqlalchemy" in modules
    assert not {"alembic", "sqlmodel"} & modules


def test_the_command_line_is_built_without_the_sandbox_server() -> None:
    modules = _modules_after("from zoomadmin.cli import build_parser\nbuild_parser()")
    assert "zoomadmin.sandbox.cli" in modules
    assert not {"zoomadmin.sandbox.server", "uvicorn", "starlette"} & modules


def test_the_license_pool_tab_loads_qtcharts_only_when_it_draws_its_chart() -> None:
    modules = _modules_after("import zoomadmin.ui.pool.pool_tab, zoomadmin.tab_wiring")
    assert "zoomadmin.ui.pool.pool_tab" in modules
    assert not {"PySide6.QtCharts", "zoomadmin.ui.pool.pool_chart"} & modules


def test_an_account_opens_without_the_modules_of_its_jobs_and_other_tabs_services() -> None:
    modules = _modules_after(
        "import zoomadmin.account.opener, zoomadmin.tab_wiring, zoomadmin.ui.pool.pool_notifier"
    )
    assert "zoomadmin.account.runtime" in modules
    built_on_first_use = {
        "zoomadmin.jobs.supervisor",
        "zoomadmin.jobs.drift_watch",
        "zoomadmin.jobs.license_controller",
        "zoomadmin.jobs.recordings_index",
        "zoomadmin.services.calendar",
        "zoomadmin.services.curriculum",
        "zoomadmin.services.drift",
        "zoomadmin.services.host_settings",
        "zoomadmin.services.license_control",
        "zoomadmin.services.license_pool",
        "zoomadmin.services.recording_downloads",
        "zoomadmin.services.recordings_index",
    }
    assert not built_on_first_use & modules


def test_the_tenants_tab_loads_the_csv_import_wizard_only_when_it_opens() -> None:
    modules = _modules_after("import zoomadmin.ui.tenants.tenants_tab")
    assert "zoomadmin.ui.tenants.host_actions" in modules
    assert not {"zoomadmin.ui.tenants.import_wizard", "zoomadmin.ui.tenants.import_model"} & modules


def test_the_desktops_start_registers_no_account_command() -> None:
    code = "from zoomadmin.cli import desktop_arguments\ndesktop_arguments(['--basedir', 'b'])"
    modules = _modules_after(code)
    assert not {"zoomadmin.commands.registry", "zoomadmin.sandbox.cli"} & modules
