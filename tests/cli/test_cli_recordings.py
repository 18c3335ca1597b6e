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


def test_retention_policies_are_set_listed_and_applied_from_the_command_line(
    demo: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    listed = run_cli(capsys, demo, "recordings", "retention", "--json")
    assert listed.code == 0, listed.err
    assert {p["keep_days"] for p in listed.json["policies"]} == {None}
    tenant = listed.json["policies"][0]["tenant"]
    only = ["--tenant", tenant, "--type", "TRANSCRIPT"]
    assert run_cli(capsys, demo, "recordings", "sync").code == 0
    dest = tmp_path / "archive"
    fetched = run_cli(capsys, demo, "recordings", "download", "--dest", str(dest), *only, "--json")
    assert fetched.code == 0 and fetched.json["verified"] > 0, fetched.err

    nothing = run_cli(capsys, demo, "recordings", "trash", "--verified", "--by-policy", "--json")
    assert nothing.json["planned"]["files"] == 0

    set_ = run_cli(
        capsys, demo, "recordings", "retention", "--tenant", tenant, "--days", "1", "--json"
    )
    assert set_.code == 0, set_.err
    mine = [p for p in set_.json["policies"] if p["tenant"] == tenant]
    assert mine[0]["keep_days"] == 1
    text = run_cli(capsys, demo, "recordings", "retention").out
    assert "Trash 1 day after the meeting" in text and "Kept in Zoom" in text

    asked = run_cli(capsys, demo, "recordings", "trash", "--verified", "--by-policy", "--json")
    assert asked.code == 1 and "--yes" in asked.err
    assert asked.json["planned"]["files"] > 0

    mixed = run_cli(
        capsys, demo, "recordings", "trash", "--verified", "--by-policy", "--older-than", "3"
    )
    assert mixed.code == 1 and "--by-policy takes no filter but --tenant" in mixed.err
    half = run_cli(capsys, demo, "recordings", "retention", "--days", "3", "--json")
    assert half.code == 1 and half.json["error"]["kind"] == "refusal"
    bad = run_cli(capsys, demo, "recordings", "retention", "--tenant", tenant, "--days", "0")
    assert bad.code == 1 and "between 1 and 3650 days" in bad.err
    kept = run_cli(capsys, demo, "recordings", "retention", "--tenant", tenant, "--keep", "--json")
    assert {p["keep_days"] for p in kept.json["policies"]} == {None}
