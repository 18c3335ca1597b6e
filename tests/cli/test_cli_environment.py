"""The account from ZOOMADMIN_ variables, against a separately started ``sandbox serve``:
its clock is "now", the secret never shows, and no Qt is loaded."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cli_support import audit_at

PROBE = (
    "import sys\n"
    "from zoomadmin.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print('QT LOADED' if 'PySide6' in sys.modules else 'NO QT', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


@pytest.fixture(scope="module")
def served() -> Iterator[dict[str, Any]]:
    """``zoomadmin sandbox serve --seed empty`` in its own process: its JSON line."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "zoomadmin", "sandbox", "serve", "--seed", "empty", "--speed", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        yield json.loads(proc.stdout.readline())
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0


def _environment(info: dict[str, Any], **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZOOMADMIN_")}
    env |= {
        "ZOOMADMIN_ACCOUNT_ID": info["account_id"],
        "ZOOMADMIN_CLIENT_ID": info["client_id"],
        "ZOOMADMIN_API_URL": info["api_url"],
        "ZOOMADMIN_OAUTH_URL": info["oauth_url"],
        "ZOOMADMIN_SANDBOX_ADMIN_URL": info["admin_url"],
    }
    return env | extra


def _run(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", PROBE, *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_commands_on_the_environments_account_follow_the_sandbox_clock(
    served: dict[str, Any], tmp_path: Path
) -> None:
    secret = served["client_secret"]
    # The sandbox's clock is stepped 40 days ahead: that is "now" for the command.
    admin = httpx.post(f"{served['admin_url']}/clock", json={"advance_seconds": 40 * 86400})
    sandbox_now = datetime.fromisoformat(admin.json()["now"])
    assert sandbox_now > datetime.now(UTC) + timedelta(days=39)
    env = _environment(served, ZOOMADMIN_CLIENT_SECRET=secret)
    added = _run(
        env,
        "--basedir",
        str(tmp_path),
        "tenants",
        "add",
        "CI School",
        "--timezone",
        "UTC",
        "--json",
    )
    assert added.returncode == 0, added.stderr
    assert "NO QT" in added.stderr
    tenant = json.loads(added.stdout)["tenant"]
    assert (tenant["mailbox"], tenant["domain"]) == ("owner", "sandbox.example.com")

    secret_file = tmp_path / "client-secret"
    secret_file.write_text(secret + "\n", encoding="utf-8")
    env = _environment(served, ZOOMADMIN_CLIENT_SECRET_FILE=str(secret_file))
    host = _run(
        env,
        "--basedir",
        str(tmp_path),
        "hosts",
        "add",
        "--tenant",
        "CI School",
        "--first-name",
        "Cee",
        "--last-name",
        "Eye",
        "--json",
    )
    assert host.returncode == 0, host.stderr
    assert json.loads(host.stdout)["host"]["email"] == "owner+ci-school-1@sandbox.example.com"

    # Its database is kept per account id, so the next command sees the tenant and the host.
    listed = _run(env, "--basedir", str(tmp_path), "hosts", "list", "--json")
    hosts = json.loads(listed.stdout)["hosts"]
    assert [h["tenant_name"] for h in hosts if h["email"].startswith("owner+")] == ["CI School"]
    database = tmp_path / "data" / "by-account-id" / served["account_id"] / "zoomadmin.sqlite3"
    assert database.exists()
    # The audit log's times are the sandbox's, not the wall clock's.
    (created,) = audit_at(database, "tenant")
    assert abs(created - sandbox_now) < timedelta(minutes=5)

    for result in (added, host, listed):
        assert secret not in result.stdout + result.stderr
    log_text = "".join(p.read_text() for p in (tmp_path / "logs").glob("zoomadmin.log*"))
    assert "Signed in to Zoom" in log_text and secret not in log_text


def test_a_wrong_secret_is_an_environment_error_with_json(
    served: dict[str, Any], tmp_path: Path
) -> None:
    env = _environment(served, ZOOMADMIN_CLIENT_SECRET="definitely-not-the-secret")
    result = _run(env, "--basedir", str(tmp_path), "tenants", "list", "--json")
    assert result.returncode == 1
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "environment" and error["message"] in result.stderr
    assert "definitely-not-the-secret" not in result.stdout + result.stderr
