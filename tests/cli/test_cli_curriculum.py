"""``zoomadmin curriculum plan|submit``, ``queue run|list`` and ``calendar export``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from cli_support import run_cli

from zoomadmin.core.curriculum import CSV_COLUMNS


def _host(demo: Path, capsys: pytest.CaptureFixture[str], tenant: str) -> str:
    """An active host of a demo tenant (one made with ``hosts add`` is pending in Zoom)."""
    listed = run_cli(capsys, demo, "hosts", "list", "--tenant", tenant, "--json")
    assert listed.code == 0, listed.err
    active = [h for h in listed.json["hosts"] if h["status"] == "active"]
    email: str = active[-1]["email"]
    return email


def _file(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "term.csv"
    path.write_text("\n".join((",".join(CSV_COLUMNS), *rows)) + "\n", encoding="utf-8")
    return path


def test_plan_submit_run_list_and_export(
    demo: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    email = _host(demo, capsys, "Northside High")
    first = (datetime.now(UTC) + timedelta(days=14)).date()
    last = first + timedelta(weeks=4)
    rows = [
        f"Northside High,{email},Late seminar,{d},22:40,15,{first},{last},," for d in ("Mon", "Thu")
    ]
    term = _file(tmp_path, rows)
    plan = run_cli(capsys, demo, "curriculum", "plan", str(term), "--json")
    assert plan.code == 0, plan.err
    sessions = plan.json["sessions"]
    assert sessions >= 8 and plan.json["requests"] == 1 and plan.json["problems"] == []
    assert plan.json["seat_shortfalls"] == [] or all(
        {"from", "to", "need", "have", "sessions"} <= set(s) for s in plan.json["seat_shortfalls"]
    )
    assert plan.json["hosts"][email]["left_today"] == 100
    assert run_cli(capsys, demo, "curriculum", "submit", str(term), "--json").code == 0
    sent = run_cli(capsys, demo, "queue", "run", "--until-idle", "--json")
    assert sent.code == 0, sent.err
    assert (sent.json["created"], sent.json["sessions_queued"]) == (1, 0)
    listed = run_cli(capsys, demo, "queue", "list", "--json").json["intents"]
    assert [i["state"] for i in listed] == ["created"]
    out = tmp_path / "term.ics"
    export = run_cli(
        capsys, demo, "calendar", "export", "--format", "ics", "--host", email, "--output", str(out)
    )
    assert export.code == 0, export.err
    every = icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    events = [e for e in every if str(e["SUMMARY"]) == "Late seminar"]
    assert len(events) == sessions  # the host's other (demo) sessions come too
    assert {e["DTSTART"].dt.strftime("%H:%M") for e in events} == {"22:40"}
    assert {e["DTSTART"].params["TZID"] for e in events} == {"America/New_York"}


def test_plan_with_problems_exits_1_naming_rows_and_fields(
    demo: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = _file(tmp_path, ["Nowhere,someone@example.org,Seminar,Caturday,9,50,2026-01-01,x,,"])
    plan = run_cli(capsys, demo, "curriculum", "plan", str(bad), "--json")
    assert plan.code == 1
    fields = {(p["row"], p["field"]) for p in plan.json["problems"]}
    assert {(2, "weekday"), (2, "start_time"), (2, "last_date")} <= fields
    assert plan.json["error"]["kind"] == "refusal"
