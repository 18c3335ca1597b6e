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
