"""``zoomadmin settings policy show|set``, ``settings drift`` and ``settings apply``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import run_cli

JBH = "schedule_meeting.join_before_host"


def test_policy_drift_and_apply_from_the_command_line(
    demo: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shown = run_cli(
        capsys, demo, "settings", "policy", "show", "--tenant", "Northside High", "--json"
    )
    assert shown.code == 0, shown.err
    policy = shown.json
    assert policy["name"] == "Northside High hosts" and policy["zoom_group"] is None
    entries = {e["key"]: e for e in policy["settings"]}
    assert entries[JBH]["value"] is False
    entries[JBH]["value"] = True
    policy["settings"] = list(entries.values())
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(policy), encoding="utf-8")
    saved = run_cli(
        capsys, demo, "settings", "policy", "set", "--tenant", "Northside High", str(path)
    )
    assert saved.code == 0, saved.err
    assert "join_before_host" in saved.out

    drift = run_cli(capsys, demo, "settings", "drift", "--tenant", "Northside High", "--json")
    assert drift.code == 1, drift.err
    rows = drift.json["rows"]
    assert rows and {r["setting"] for r in rows} == {JBH}
    first = rows[0]
    assert (first["expected"], first["actual"], first["locked"]) == (True, False, False)
    assert first["layer"] in ("account", "user")
    host = first["host"]

    asked = run_cli(capsys, demo, "settings", "apply", "--tenant", "Northside High", "--host", host)
    assert asked.code == 1 and "--yes" in asked.err
    done = run_cli(
        capsys,
        demo,
        "settings",
        "apply",
        "--tenant",
        "Northside High",
        "--host",
        host,
        "--yes",
        "--json",
    )
    assert done.code == 0, done.err
    (result,) = done.json["results"]
    assert result["ok"] and result["changed"] == {JBH: {"old": False, "new": True}}
    again = run_cli(capsys, demo, "settings", "drift", "--tenant", "Northside High", "--json")
    assert host not in {r["host"] for r in again.json["rows"]}


def test_a_policy_file_zoom_would_refuse_is_refused(
    demo: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "bad.json"
    bad = {"name": "Bad", "settings": [{"key": "recording.auto_recording", "value": "tape"}]}
    path.write_text(json.dumps(bad), encoding="utf-8")
    refused = run_cli(
        capsys, demo, "settings", "policy", "set", "--tenant", "Northside High", str(path), "--json"
    )
    assert refused.code == 1
    assert "Record automatically takes" in refused.json["error"]["message"]
