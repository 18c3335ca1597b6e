"""``zoomadmin pool plan`` on the demo sandbox: the pool's seats, peak, moves and shortfalls."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import run_cli

from zoomadmin.paths import SANDBOX_STATE_NAME, AppPaths
from zoomadmin.sandbox.persist import state_from_json, state_to_json

KEYS = {"seats", "peak", "shortfalls", "moves", "seat_minutes", "session_minutes"}


def _paid_seats(basedir: Path, seats: int) -> None:
    path = AppPaths.under(basedir).sandbox_dir / SANDBOX_STATE_NAME
    state = state_from_json(path.read_text(encoding="utf-8"))
    state.account.paid_seats = seats
    path.write_text(state_to_json(state), encoding="utf-8")


def test_pool_plan_gives_the_seats_the_peak_and_the_moves(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capsys, demo, "pool", "plan", "--json")
    document = result.json
    assert set(document) >= KEYS
    # The demo has 5 paid seats; its owner and two staff keep their own.
    assert document["seats"] == 2
    assert document["peak"] >= 1 and document["moves"] >= 2
    assert document["seat_minutes"] >= document["session_minutes"] > 0
    assert result.code == (1 if document["shortfalls"] else 0)
    text = run_cli(capsys, demo, "pool", "plan").out
    assert "2 seats the pool may move (5 paid, 3 protected users keep their own)" in text


def test_without_pool_seats_every_session_is_a_shortfall_and_the_exit_code_says_so(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _paid_seats(demo, 3)  # only the protected users' own
    result = run_cli(capsys, demo, "pool", "plan", "--json")
    document = result.json
    assert result.code == 1 and document["seats"] == 0
    assert document["error"]["kind"] == "refusal"
    short = document["shortfalls"][0]
    assert short["have"] == 0 and short["need"] >= 1 and short["sessions"]
    assert "would run as Basic" in result.err
    _paid_seats(demo, 5)


STATUS_KEYS = {"seats", "next_moves", "alerts", "paid", "in_use", "pool_seats", "enabled"}


def test_pool_status_names_every_paid_seat_and_why(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capsys, demo, "pool", "status", "--json")
    document = result.json
    assert set(document) >= STATUS_KEYS
    assert result.code == (1 if any(a["kind"] == "basic" for a in document["alerts"]) else 0)
    whys = {seat["why"] for seat in document["seats"]}
    assert whys <= {"session", "protected", "idle", "manual"}
    protected = [s["host"] for s in document["seats"] if s["why"] == "protected"]
    assert len(protected) == 3  # the owner and two staff, as the plan says
    assert document["enabled"] is True  # on by default on the sandbox
    for move in document["next_moves"]:
        assert move["to"] in {"licensed", "basic"} and move["at"].endswith("Z")
    text = run_cli(capsys, demo, "pool", "status").out
    assert "paid seats in use" in text and "protected (staff)" in text


def test_pool_off_and_on_is_kept_and_said(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    off = run_cli(capsys, demo, "pool", "off", "--json")
    assert off.code == 0 and off.json == {"enabled": False}
    status = run_cli(capsys, demo, "pool", "status", "--json").json
    assert status["enabled"] is False
    assert any(a["kind"] == "off" for a in status["alerts"])
    assert run_cli(capsys, demo, "pool", "on", "--json").json == {"enabled": True}
    assert run_cli(capsys, demo, "pool", "status", "--json").json["enabled"] is True


def test_a_manual_attach_says_what_it_does_first_and_then_holds(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hosts = run_cli(capsys, demo, "hosts", "list", "--json").json
    basic = next(h["email"] for h in hosts["hosts"] if h["user_type"] == 1 and h["tenant_id"])
    _paid_seats(demo, 8)
    try:
        dry = run_cli(capsys, demo, "pool", "attach", basic, "--json")
        assert dry.code == 0 and dry.json["done"] is False
        assert "free paid seats" in dry.json["impact"]
        done = run_cli(capsys, demo, "pool", "attach", basic, "--yes", "--json")
        assert done.code == 0 and done.json["done"] is True
        seats = run_cli(capsys, demo, "pool", "status", "--json").json["seats"]
        assert [s["why"] for s in seats if s["host"] == basic] in (["manual"], ["session"])
        back = run_cli(capsys, demo, "pool", "detach", basic, "--yes", "--json")
        assert back.code == 0 and back.json["done"] is True
        seats = run_cli(capsys, demo, "pool", "status", "--json").json["seats"]
        assert basic not in {s["host"] for s in seats}
    finally:
        _paid_seats(demo, 5)


def test_unknown_hosts_and_protected_seats_are_refused_even_in_a_dry_run(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unknown = run_cli(capsys, demo, "pool", "attach", "nobody@nowhere.example", "--json")
    assert unknown.code == 1 and unknown.json["error"]["kind"] == "refusal"
    protected = run_cli(capsys, demo, "pool", "detach", "owner@sandbox.example.com", "--json")
    assert protected.code == 1 and "protected" in protected.json["error"]["message"]
