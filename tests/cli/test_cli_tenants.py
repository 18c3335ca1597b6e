"""``zoomadmin tenants list|add`` on the embedded sandbox: JSON, text, exit codes 0/1/2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_support import audit_actors, run_cli

from zoomadmin.core.actor import os_login
from zoomadmin.paths import DATABASE_NAME, AppPaths

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def test_tenants_list_gives_the_demo_tenants_as_json(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capsys, demo, "tenants", "list", "--json")
    assert result.code == 0
    tenants = {t["name"]: t for t in result.json["tenants"]}
    assert {"Northside High", "Harbourview Academy", "Southbank College"} <= set(tenants)
    northside = tenants["Northside High"]
    assert northside["timezone"] == "America/New_York"
    assert northside["host_count"] == 5 and northside["coming_sessions"] > 0
    assert ISO_Z.match(northside["next_session_at"]) and ISO_Z.match(northside["created_at"])
    # The demo was set up once, by the fixture's first command.
    assert "Setting up the demo" not in result.err


def test_tenants_list_reads_as_a_table(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, demo, "tenants", "list")
    assert result.code == 0
    header, *rows = result.out.splitlines()
    assert header.split()[:3] == ["Name", "Time", "zone"]
    assert any(row.startswith("Northside High") for row in rows)


def test_tenants_add_defaults_to_the_owners_mailbox_and_keeps_it(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    added = run_cli(
        capsys, demo, "tenants", "add", "Lakeside Prep", "--timezone", "Europe/Berlin", "--json"
    )
    assert added.code == 0, added.err
    tenant = added.json["tenant"]
    assert (tenant["name"], tenant["slug"], tenant["timezone"]) == (
        "Lakeside Prep",
        "lakeside-prep",
        "Europe/Berlin",
    )
    # The sandbox account's owner is owner@sandbox.example.com.
    assert (tenant["mailbox"], tenant["domain"]) == ("owner", "sandbox.example.com")
    assert tenant["email_scheme"] == "{mailbox}+{tenant}-{n}@{domain}"
    assert tenant["host_count"] == 0 and tenant["next_session_at"] is None
    listed = run_cli(capsys, demo, "tenants", "list", "--json")
    assert "Lakeside Prep" in [t["name"] for t in listed.json["tenants"]]
    database = AppPaths.under(demo).sandbox_dir / DATABASE_NAME
    assert f"{os_login()} (command line)" in audit_actors(database, "tenant")


def test_tenants_add_with_a_scheme_mailbox_and_domain_says_so_in_words(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(
        capsys,
        demo,
        "tenants",
        "add",
        "Hilltop School",
        "--timezone",
        "UTC",
        "--mailbox",
        "office",
        "--domain",
        "Hilltop.Example",
        "--email-scheme",
        "{tenant}.{n}@{domain}",
    )
    assert result.code == 0, result.err
    assert "hilltop-school.1@hilltop.example" in result.out


def test_a_duplicate_tenant_name_is_a_refusal_with_its_message(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(
        capsys, demo, "tenants", "add", "Northside High", "--timezone", "UTC", "--json"
    )
    assert result.code == 1
    message = "A tenant named 'Northside High' already exists."
    assert result.json == {"error": {"message": message, "kind": "refusal"}}
    assert message in result.err
    plain = run_cli(capsys, demo, "tenants", "add", "Northside High", "--timezone", "UTC")
    assert plain.code == 1 and plain.out == "" and message in plain.err


def test_an_unknown_time_zone_is_a_refusal(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, demo, "tenants", "add", "Mars Base", "--timezone", "Mars/Olympus")
    assert result.code == 1
    assert "is not a known time zone" in result.err


@pytest.mark.parametrize(
    "argv",
    [
        ["tenants"],
        ["tenants", "add", "No Zone"],
        ["tenants", "remove", "X"],
        ["tenants", "list", "--colour"],
    ],
)
def test_bad_usage_exits_2_without_opening_the_account(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    result = run_cli(capsys, tmp_path, *argv, "--json")
    assert result.code == 2
    assert result.out == "" and "usage:" in result.err
    assert not (tmp_path / "data").exists()


def test_help_says_where_mailbox_and_domain_come_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capsys, tmp_path, "tenants", "add", "--help")
    assert result.code == 0
    assert "account owner's email" in " ".join(result.out.split())
