"""The command line speaks to people: one plain sentence and exit 2 for a folder it cannot
make, the sandbox's commands when none is given, and a smoke-test summary in plain names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keyring.backends.null
import pytest

from zoomadmin.cli import main
from zoomadmin.services.credentials import KeyringSecretStore, MemorySecretStore
from zoomadmin.ui.screenshots import backend_name, plain_title

REPO = Path(__file__).resolve().parents[1]


def _one_sentence(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "Error:" not in stderr, stderr
    return lines[0]


def test_a_basedir_that_cannot_be_made_is_one_sentence_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert main(["--basedir", str(blocker / "base"), "--smoke-test"]) == 2
    sentence = _one_sentence(capsys.readouterr().err)
    assert str(blocker / "base") in sentence
    assert "--basedir" in sentence


def test_an_account_command_with_a_basedir_that_cannot_be_made_says_so_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert main(["--basedir", str(blocker / "base"), "tenants", "list", "--json"]) == 2
    assert "--basedir" in _one_sentence(capsys.readouterr().err)


def test_a_screenshot_folder_that_cannot_be_made_is_one_sentence_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    shots = blocker / "shots"
    assert main(["--basedir", str(tmp_path / "base"), "--screenshot", str(shots)]) == 2
    sentence = _one_sentence(capsys.readouterr().err)
    assert str(shots) in sentence and "--screenshot" in sentence


def test_the_command_says_so_without_a_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "a-file"
    missing.write_text("", encoding="utf-8")
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "zoomadmin", "--basedir", str(missing / "x")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 2
    assert "cannot make or write the folder" in _one_sentence(result.stderr)


def test_sandbox_alone_lists_what_it_can_do(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox"]) == 2
    err = capsys.readouterr().err
    assert "serve" in err and "serve a sandbox account until interrupted" in err
    assert "required" not in err and "sandbox_command" not in err


def test_tab_titles_are_shown_without_mnemonic_markers() -> None:
    assert plain_title("Tenants && Hosts") == "Tenants & Hosts"
    assert plain_title("&Calendar") == "Calendar"
    assert plain_title("R&&D &Notes") == "R&D Notes"


def test_the_keyring_is_named_by_its_backend_class() -> None:
    store = KeyringSecretStore(backend=keyring.backends.null.Keyring())
    assert backend_name(store) == "keyring.backends.null.Keyring"
    memory = backend_name(MemorySecretStore())
    assert memory == "zoomadmin.services.credentials.MemorySecretStore"


def test_the_smoke_test_summary_reads_as_shown(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "zoomadmin", "--basedir", str(tmp_path / "b"), "--smoke-test"],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
        cwd=REPO,
        check=False,
    )
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["tabs"] == [
        "Tenants & Hosts",
        "Calendar",
        "License Pool",
        "Recordings",
        "Host settings",
    ]
    # The name PYTHON_KEYRING_BACKEND takes (the tests choose keyring's null backend).
    assert summary["keyring"] == os.environ["PYTHON_KEYRING_BACKEND"]
