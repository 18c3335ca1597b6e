"""CSV import: every row checked first, per-row results, lost answers reconciled, never twice."""

from __future__ import annotations

import httpx
import pytest
from tenancy_support import (
    Tenancy,
    add_zoom_user,
    build_tenancy,
    draft,
    sandbox_client,
    store,
    tenancy,
)

from zoomadmin.core.enums import CreateAction, UserType
from zoomadmin.sandbox import SandboxServer
from zoomadmin.services.host_import import CsvError, Outcome, parse_csv
from zoomadmin.store.repositories import Store

__all__ = ["store", "tenancy"]

GOOD = "email,first_name,last_name,type\n"


def test_parse_checks_syntax_names_and_types() -> None:
    text = (
        "\ufeffEmail,First name,Last name,Type\n"
        "ann@school.example,Ann,Lee,Basic\n"
        "\n"
        "not-an-email,Bob,Ray,basic\n"
        f"cy@school.example,{'C' * 65},Day,Licensed\n"
        "dee@school.example,Dee,Fox,Gold\n"
        ",Eve,Gray,\n"
    )
    rows = parse_csv(text)
    assert [r.line for r in rows] == [2, 4, 5, 6, 7]
    assert rows[0].ok and rows[0].user_type == UserType.BASIC
    assert "not a valid email" in rows[1].problems[0]
    assert "65 characters" in rows[2].problems[0]
    assert "Type “Gold” is unknown" in rows[3].problems[0]
    assert rows[4].ok and rows[4].email == ""
    with pytest.raises(CsvError, match="at least “email”"):
        parse_csv("name,mail\nx,y\n")
    with pytest.raises(CsvError, match="empty"):
        parse_csv("")


async def test_preview_finds_duplicates_hosts_and_zoom_users(tenancy: Tenancy) -> None:
    tenant = await tenancy.tenants.create(draft("Acme"))
    add_zoom_user(tenancy.server, "known@school.example")
    add_zoom_user(tenancy.server, "linked@school.example")
    await tenancy.hosts.link_email("linked@school.example", tenant.id)
    rows = parse_csv(
        GOOD + "a@school.example,A,One,\n"
        "A@school.example,A,Again,\n"
        "known@school.example,K,Z,\n"
        "linked@school.example,L,Z,\n"
        ",Blank,Email,\n"
    )
    seen: list[int] = []
    checked = await tenancy.importer.preview(tenant.id, rows, lambda d, _: seen.append(d))
    assert seen == [1, 2, 3, 4, 5]
    assert checked[0].ok
    assert checked[1].problems == ("The same email is on line 2 of the file.",)
    assert checked[2].linkable
    assert "Already a user in this Zoom account" in checked[2].problems[0]
    assert checked[3].problems == (
        "Already a host of “Acme”; move it with Move to tenant instead of creating it.",
    )
    assert (checked[4].email, checked[4].generated_email) == ("teach+acme-1@school.example", True)


async def test_import_with_one_bad_row_reports_each_row(tenancy: Tenancy) -> None:
    tenant = await tenancy.tenants.create(draft("Acme"))
    rows = parse_csv(
        GOOD + "a@school.example,A,One,Basic\nbad-email,B,Two,Basic\nc@school.example,C,Three,2\n"
    )
    checked = await tenancy.importer.preview(tenant.id, rows)
    done: list[int] = []
    report = await tenancy.importer.run(tenant.id, checked, progress=lambda d, _: done.append(d))
    assert done == [1, 2, 3]
    assert [r.outcome for r in report.results] == [
        Outcome.CREATED,
        Outcome.SKIPPED,
        Outcome.CREATED,
    ]
    assert "not a valid email" in report.results[1].message
    assert report.summary() == "2 hosts invited, 1 not invited (see the list)."
    stored = {h.email: h for h in tenancy.store.hosts.all(tenant.id)}
    assert set(stored) == {"a@school.example", "c@school.example"}
    assert stored["c@school.example"].user_type == UserType.LICENSED
    assert len(tenancy.store.audit.entries(object_type="host")) == 2


async def test_no_privilege_stops_the_import_and_stores_nothing(tenancy: Tenancy) -> None:
    tenant = await tenancy.tenants.create(draft("Acme"))
    rows = await tenancy.importer.preview(
        tenant.id, parse_csv(GOOD + "a@school.example,A,,\nb@school.example,B,,\n")
    )
    report = await tenancy.importer.run(tenant.id, rows, action=CreateAction.CUST_CREATE)
    first, second = report.results
    assert (first.outcome, first.fatal) == (Outcome.FAILED, True)
    assert "ISV partner" in first.message
    assert second.outcome == Outcome.NOT_CREATED
    assert second.message.startswith("Not tried:")
    assert tenancy.store.hosts.all() == []


class LoseAnswer(httpx.AsyncHTTPTransport):
    """Loses the answer to the create of ``email``: after Zoom acted (``after``) or before."""

    def __init__(self, email: str, *, after: bool) -> None:
        super().__init__()
        self.email = email.encode()
        self.after = after

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and self.email in request.content:
            if self.after:
                response = await super().handle_async_request(request)
                await response.aread()
                await response.aclose()
            raise httpx.ReadError("connection reset by peer", request=request)
        return await super().handle_async_request(request)


@pytest.mark.parametrize("after", [True, False])
async def test_lost_create_answer_is_reconciled_never_created_twice(
    sandbox: SandboxServer, store: Store, after: bool
) -> None:
    http = httpx.AsyncClient(transport=LoseAnswer("b@school.example", after=after), timeout=10)
    async with sandbox_client(sandbox, http) as zoom:
        tenancy = build_tenancy(sandbox, store, zoom)
        tenant = await tenancy.tenants.create(draft("Acme"))
        rows = await tenancy.importer.preview(
            tenant.id, parse_csv(GOOD + "a@school.example,A,,\nb@school.example,B,,\n")
        )
        report = await tenancy.importer.run(tenant.id, rows)
    await http.aclose()
    lost = report.results[1]
    users = [u.email for u in sandbox.sandbox.state.users.values()]
    stored = [h.email for h in store.hosts.all(tenant.id)]
    if after:
        assert lost.outcome == Outcome.CONFIRMED
        assert users.count("b@school.example") == 1
        assert stored == ["a@school.example", "b@school.example"]
    else:
        assert lost.outcome == Outcome.NOT_CREATED
        assert "import it again" in lost.message
        assert "b@school.example" not in users
        assert stored == ["a@school.example"]


async def test_rows_already_in_the_account_can_be_linked_instead(tenancy: Tenancy) -> None:
    tenant = await tenancy.tenants.create(draft("Acme"))
    other = await tenancy.tenants.create(draft("Other", mailbox="other"))
    add_zoom_user(tenancy.server, "synced@school.example")
    await tenancy.sync.sync_users()
    add_zoom_user(tenancy.server, "unsynced@school.example")
    add_zoom_user(tenancy.server, "elsewhere@school.example")
    await tenancy.hosts.link_email("elsewhere@school.example", other.id)
    text = (
        GOOD + "new@school.example,N,,\nsynced@school.example,S,,\n"
        "unsynced@school.example,U,,\nelsewhere@school.example,E,,\n"
    )
    checked = await tenancy.importer.preview(tenant.id, parse_csv(text))
    assert [r.linkable for r in checked] == [False, True, True, False]
    assert "Already a user in this Zoom account" in checked[1].problems[0]
    assert "link" in checked[2].problems[0].lower()
    assert checked[3].problems == (
        "Already a host of “Other”; move it with Move to tenant instead of creating it.",
    )
    not_asked = await tenancy.importer.run(tenant.id, checked[1:2])
    assert not_asked.results[0].outcome == Outcome.SKIPPED
    report = await tenancy.importer.run(tenant.id, checked, link_existing=True)
    outcomes = [r.outcome for r in report.results]
    assert outcomes == [Outcome.CREATED, Outcome.LINKED, Outcome.LINKED, Outcome.SKIPPED]
    assert report.summary() == "1 host invited, 2 linked, 1 not invited (see the list)."
    stored = sorted(h.email for h in tenancy.store.hosts.all(tenant.id))
    assert stored == ["new@school.example", "synced@school.example", "unsynced@school.example"]
    zoom_emails = [u.email for u in tenancy.server.sandbox.state.users.values()]
    assert zoom_emails.count("synced@school.example") == 1
    links = [e for e in tenancy.store.audit.entries(object_type="host") if e.action == "host.link"]
    assert len(links) == 3  # elsewhere@ into Other, then the two rows
