"""``zoomadmin session ...``: each change prices itself, ``--dry-run`` sends nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cli_support import run_cli


def _host(demo: Path, capsys: pytest.CaptureFixture[str], tenant: str) -> str:
    """An active host of a demo tenant."""
    listed = run_cli(capsys, demo, "hosts", "list", "--tenant", tenant, "--json")
    assert listed.code == 0, listed.err
    active = [h for h in listed.json["hosts"] if h["status"] == "active"]
    email: str = active[-1]["email"]
    return email


def test_add_move_and_cancel_a_session_each_at_one_request(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    email = _host(demo, capsys, "Northside High")
    start = (datetime.now(UTC) + timedelta(days=20)).replace(microsecond=0)
    when = start.strftime("%Y-%m-%dT%H:%M:%SZ")
    add = ["session", "add", "--host", email, "--title", "Tutoring: Sam", "--start", when]
    dry = run_cli(capsys, demo, *add, "--duration", "30", "--dry-run", "--json")
    assert dry.code == 0, dry.err
    assert (dry.json["requests"], dry.json["goes_now"]) == (1, True)
    assert "batch" not in dry.json
    listed = run_cli(capsys, demo, "queue", "list", "--json").json["intents"]
    assert "Tutoring: Sam" not in {i["topic"] for i in listed}  # the dry run queued nothing
    done = run_cli(capsys, demo, *add, "--duration", "30", "--json")
    assert done.code == 0, done.err
    assert (done.json["sent"], done.json["failed"]) == (1, 0)
    (meeting_id,) = done.json["created_meeting_ids"]
    later = (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    move = run_cli(capsys, demo, "session", "move", str(meeting_id), "--start", later, "--json")
    assert move.code == 0, move.err
    assert (move.json["requests"], move.json["sent"]) == (1, 1)
    links = run_cli(capsys, demo, "session", "links", str(meeting_id), "--json")
    assert links.code == 0 and links.json["join_url"] and links.json["start_url"]
    text = run_cli(capsys, demo, "session", "cancel", str(meeting_id), "--dry-run")
    assert text.code == 0 and "1 request, all today" in text.out
    cancel = run_cli(capsys, demo, "session", "cancel", str(meeting_id), "--json")
    assert cancel.code == 0, cancel.err
    gone = run_cli(capsys, demo, "session", "links", str(meeting_id), "--json")
    assert gone.code == 1 and "no longer in Zoom" in gone.json["error"]["message"]


def test_start_now_prints_the_links_and_bad_input_exits_1(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    email = _host(demo, capsys, "Northside High")
    now = run_cli(
        capsys, demo, "session", "start-now", "--host", email, "--title", "Drop-in", "--json"
    )
    assert now.code == 0, now.err
    assert now.json["links"]["join_url"] and now.json["links"]["start_url"]
    bad = run_cli(
        capsys,
        demo,
        "session",
        "add",
        "--host",
        email,
        "--title",
        "X",
        "--start",
        "next tuesday",
        "--duration",
        "30",
        "--json",
    )
    assert bad.code == 1 and "not a date and time" in bad.json["error"]["message"]
    assert bad.json["error"]["kind"] == "refusal"
    usage = run_cli(capsys, demo, "session", "cancel", "1", "--occurrence", "2", "--series")
    assert usage.code == 2 and usage.out == ""
