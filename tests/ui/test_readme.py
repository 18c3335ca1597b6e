"""The README tells people what is really there: the Accounts dialog's own labels, and what
the tests that reach outside the repository need."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QGroupBox, QPushButton
from pytestqt.qtbot import QtBot

from zoomadmin.paths import AppPaths
from zoomadmin.services.accounts import AccountService
from zoomadmin.services.credentials import MemorySecretStore
from zoomadmin.store.preferences import PreferencesFile
from zoomadmin.ui.accounts.accounts_dialog import AccountsDialog
from zoomadmin.ui.common.async_runner import AsyncRunner
from zoomadmin.ui.screenshots import plain_title

README = Path(__file__).resolve().parents[2] / "README.md"


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else None]


def test_the_accounts_steps_name_labels_the_dialog_shows(
    qtbot: QtBot, app_paths: AppPaths, runner: AsyncRunner
) -> None:
    secrets = MemorySecretStore()
    accounts = AccountService(PreferencesFile(app_paths.preferences_path), secrets)
    dialog = AccountsDialog(accounts, secrets, runner)
    qtbot.addWidget(dialog)
    labels = {plain_title(b.text()) for b in dialog.findChildren(QPushButton)}
    labels |= {plain_title(g.title()) for g in dialog.findChildren(QGroupBox)}
    named = re.findall(r"(?<!\*)\*([^*\n]+)\*(?!\*)", _section("Connecting a real Zoom account"))
    assert named, "the steps name the dialog's controls in *italics*"
    assert set(named) <= labels, f"not in the Accounts dialog: {set(named) - labels}"


def test_the_readme_says_what_the_outside_tests_need() -> None:
    development = _section("Development")
    assert "npm" in development and "@zoom/rivet" in development
    assert "../shared/zoom-api" in development and "ZOOMADMIN_SHARED" in development
