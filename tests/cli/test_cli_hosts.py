"""``zoomadmin hosts list|add|link|import`` and ``zoomadmin sync`` on the embedded sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import Run, leave_free_seats, run_cli


def _tenant(demo: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    added = run_cli(capsys, demo, "tenants", "add", name, "--timezone", "Europe/Paris")
    assert added.code == 0, added.err


def _hosts(demo: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> Run:
    result = run_cli(capsys, demo, "hosts", *argv)
    assert result.code == 0, result.err
    return result


def test_hosts_list_of_one_tenant(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hosts = _hosts(demo, capsys, "list", "--tenant", "northside high", "--json").json["hosts"]
    assert len(hosts) == 5
    assert {h["tenant_name"] for h in hosts} == {"Northside High"}
    first = hosts[0]
    assert first["email"].startswith("teach+northside-")
    assert first["tenant_timezone"] == "America/New_York"
    assert (first["quota_limit"], first["missing_in_zoom"], first["zoom_changes"]) == (
        100,
        False,
        [],
    )
    everyone = _hosts(demo, capsys, "list", "--json").json["hosts"]
    assert len(everyone) > len(hosts)
    assert any(h["tenant_id"] is None and h["tenant_name"] is None for h in everyone)


def test_hosts_list_as_a_table(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = _hosts(demo, capsys, "list", "--tenant", "Southbank College").out
    header, *rows = text.splitlines()
    assert header.split()[:2] == ["Email", "Name"]
    assert len(rows) == 4 and all("Southbank College" in row for row in rows)


def test_an_unknown_tenant_is_a_refusal_naming_the_tenants(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capsys, demo, "hosts", "list", "--tenant", "Nowhere", "--json")
    assert result.code == 1
    error = result.json["error"]
    assert error["kind"] == "refusal"
    assert error["message"].startswith("There is no tenant called “Nowhere”.")
    assert "Northside High" in error["message"] and "Nowhere" in result.err


def test_hosts_add_takes_the_next_scheme_email_or_the_one_given(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tenant(demo, capsys, "Riverside")
    leave_free_seats(demo, 1)  # for Alan, whatever the demo lent to live sessions
    first = _hosts(
        demo,
        capsys,
        "add",
        "--tenant",
        "Riverside",
        "--first-name",
        "Ada",
        "--last-name",
        "Byron",
        "--json",
    ).json["host"]
    assert first["email"] == "owner+riverside-1@sandbox.example.com"
    assert (first["first_name"], first["tenant_name"], first["user_type"]) == (
        "Ada",
        "Riverside",
        1,
    )
    second = _hosts(
        demo,
        capsys,
        "add",
        "--tenant",
        "Riverside",
        "--first-name",
        "Alan",
        "--last-name",
        "Turing",
        "--email",
        "alan@riverside.example",
        "--type",
        "licensed",
    )
    assert "Created alan@riverside.example (Alan Turing)" in second.out
    listed = _hosts(demo, capsys, "list", "--tenant", "Riverside", "--json").json["hosts"]
    assert sorted(h["email"] for h in listed) == [
        "alan@riverside.example",
        "owner+riverside-1@sandbox.example.com",
    ]


def test_hosts_add_with_a_bad_email_is_refused(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(
        capsys,
        demo,
        "hosts",
        "add",
        "--tenant",
        "Northside High",
        "--first-name",
        "X",
        "--last-name",
        "Y",
        "--email",
        "not-an-email",
    )
    assert result.code == 1
    assert "is not a valid email address" in result.err


def test_hosts_link_links_the_good_emails_and_reports_the_rest(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tenant(demo, capsys, "Linkfield")
    everyone = _hosts(demo, capsys, "list", "--json").json["hosts"]
    free = next(
        h["email"]
        for h in everyone
        if h["tenant_id"] is None and not h["email"].startswith("owner@")
    )
    result = run_cli(
        capsys,
        demo,
        "hosts",
        "link",
        free,
        "nobody@nowhere.example",
        "--tenant",
        "Linkfield",
        "--json",
    )
    assert result.code == 1
    document = result.json
    assert [h["email"] for h in document["linked"]] == [free]
    assert document["linked"][0]["tenant_name"] == "Linkfield"
    assert [r["email"] for r in document["refused"]] == ["nobody@nowhere.example"]
    assert "There is no user nobody@nowhere.example" in document["refused"][0]["message"]
    assert document["error"]["kind"] == "refusal"
    assert "1 of 2 emails could not be linked" in result.err
    again = _hosts(demo, capsys, "link", free, "--tenant", "Linkfield")
    assert again.out.startswith("Linked 1 host to “Linkfield”.")


def test_hosts_import_creates_the_good_rows_and_reports_the_others(
    demo: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _tenant(demo, capsys, "Importham")
    leave_free_seats(demo, 1)  # for Grace, whatever the demo lent to live sessions
    csv = tmp_path / "hosts.csv"
    csv.write_text(
        "email,first_name,last_name,type\n"
        "grace@importham.example,Grace,Hopper,licensed\n"
        ",Edsger,Dijkstra,\n"
        "not an email,Bad,Row,\n"
        "grace@importham.example,Grace,Again,\n"
        "teach+northside-1@learnwell.example,Taken,Host,\n",
        encoding="utf-8",
    )
    result = _hosts(demo, capsys, "import", str(csv), "--tenant", "Importham", "--json")
    document = result.json
    assert document["summary"] == {"rows": 5, "created": 2, "linked": 0, "not_created": 3}
    rows = {r["line"]: r for r in document["rows"]}
    assert rows[2]["outcome"] == "created" and rows[2]["host_id"] is not None
    assert (
        rows[3]["generated_email"] and rows[3]["email"] == "owner+importham-1@sandbox.example.com"
    )
    assert rows[4]["outcome"] == "skipped" and "not a valid email" in rows[4]["message"]
    assert "same email is on line 2" in rows[5]["message"]
    assert "Already a host of “Northside High”" in rows[6]["message"]
    listed = _hosts(demo, capsys, "list", "--tenant", "Importham", "--json").json["hosts"]
    assert len(listed) == 2
    # Again: the blank email gets the next scheme email; the rest are reported.
    text = _hosts(demo, capsys, "import", str(csv), "--tenant", "Importham").out
    assert "Line 2 (grace@importham.example): Skipped. Already a host of “Importham”" in text
    assert text.splitlines()[-1] == "1 host invited, 4 not invited (see the list)."


def test_hosts_import_of_a_file_without_a_header_is_refused(
    demo: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    csv = tmp_path / "plain.csv"
    csv.write_text("a@b.example,A,B\n", encoding="utf-8")
    result = run_cli(capsys, demo, "hosts", "import", str(csv), "--tenant", "Northside High")
    assert result.code == 1 and "The first line must name the columns" in result.err
    missing = run_cli(
        capsys,
        demo,
        "hosts",
        "import",
        str(tmp_path / "none.csv"),
        "--tenant",
        "Northside High",
        "--json",
    )
    assert missing.code == 1 and missing.json["error"]["kind"] == "environment"


def test_sync_reports_the_users_and_sessions(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capsys, demo, "sync", "--json")
    assert result.code == 0, result.err
    report = result.json
    assert report["users"] >= 17 and report["added"] == 0 and report["missing"] == []
    assert report["meetings"]["sessions"] > 0
    assert set(report) == {
        "users",
        "added",
        "updated",
        "unchanged",
        "missing",
        "changed",
        "meetings",
    }
    text = run_cli(capsys, demo, "sync")
    assert text.code == 0 and text.out.startswith(f"Synced {report['users']} Zoom users")
