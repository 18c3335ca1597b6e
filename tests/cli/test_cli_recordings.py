"""``zoomadmin recordings sync|list|download|trash|recover`` on the demo sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import run_cli


def test_sync_list_download_trash_and_recover_from_the_command_line(
    demo: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    synced = run_cli(capsys, demo, "recordings", "sync", "--json")
    assert synced.code == 0, synced.err
    assert synced.json["meetings"] > 0 and synced.json["files"] > 0
    assert "Recordings of" in synced.err  # progress on stderr, never on stdout

    listed = run_cli(capsys, demo, "recordings", "list", "--type", "TRANSCRIPT", "--json")
    assert listed.code == 0, listed.err
    recordings = listed.json["recordings"]
    assert recordings and all(
        any(f["type"] == "TRANSCRIPT" for f in r["files"]) for r in recordings
    )
    host = recordings[0]["host"]
    only = ["--host", host, "--type", "TRANSCRIPT"]

    dest = tmp_path / "archive"
    fetched = run_cli(capsys, demo, "recordings", "download", "--dest", str(dest), *only, "--json")
    assert fetched.code == 0, fetched.err
    summary = fetched.json
    assert summary["verified"] > 0 and summary["failed"] == []
    assert (
        sorted(p.suffix for p in dest.rglob("*") if p.is_file()) == [".vtt"] * summary["verified"]
    )
    again = run_cli(capsys, demo, "recordings", "download", "--dest", str(dest), *only, "--json")
    # A second run over the same selection fetches nothing.
    assert again.code == 0 and again.json["verified"] == 0 and again.json["bytes"] == 0

    asked = run_cli(capsys, demo, "recordings", "trash", "--verified", *only, "--json")
    assert asked.code == 1 and "--yes" in asked.err
    assert asked.json["planned"]["files"] == summary["verified"] and asked.json["trashed"] == []
    moved = run_cli(capsys, demo, "recordings", "trash", "--verified", *only, "--yes", "--json")
    assert moved.code == 0, moved.err
    assert len(moved.json["trashed"]) == summary["verified"]

    back = run_cli(capsys, demo, "recordings", "recover", "--host", host, "--json")
    assert back.code == 0, back.err
    assert back.json["recovered"]


def test_trash_needs_the_verified_flag(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(capsys, demo, "recordings", "trash", "--yes").code == 2
