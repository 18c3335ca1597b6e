"""``zoomadmin hosts list|add|link|import``: the account's hosts, as the Hosts tab has them."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from zoomadmin.commands.output import Json, Output, Result, iso, plural, shown_time, table
from zoomadmin.commands.registry import AccountCommand, SubParsers, common_options
from zoomadmin.commands.tenants import find_tenant
from zoomadmin.core.enums import UserType
from zoomadmin.core.errors import AppError, EnvironmentFault

if TYPE_CHECKING:
    from zoomadmin.account.runtime import AccountRuntime
    from zoomadmin.services.host_import import ImportReport, RowResult
    from zoomadmin.services.hosts import HostRow

USER_TYPES = {"basic": 1, "licensed": 2}
"""``--type`` names and Zoom's user ``type`` numbers."""


class UnreadableFile(EnvironmentFault):
    """The CSV file given to ``hosts import`` cannot be read."""


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    """``hosts list``, ``hosts add``, ``hosts link`` and ``hosts import``."""
    group = sub.add_parser("hosts", help="the account's hosts (list, add, link, import)")
    leaves = group.add_subparsers(dest="hosts_command", required=True, metavar="COMMAND")
    common = [common_options()]
    listing = leaves.add_parser("list", parents=common, help="every host, or one tenant's")
    listing.add_argument("--tenant", metavar="NAME", help="only the hosts of this tenant")
    listing.set_defaults(account_command=AccountCommand(list_hosts))
    add = leaves.add_parser("add", parents=common, help="create a host user in Zoom")
    add.add_argument("--tenant", required=True, metavar="NAME", help="the tenant it hosts for")
    add.add_argument("--first-name", required=True, metavar="F")
    add.add_argument("--last-name", required=True, metavar="L")
    add.add_argument(
        "--email", metavar="EMAIL", help="its email (default: the tenant's next free scheme email)"
    )
    add.add_argument("--type", choices=tuple(USER_TYPES), default="basic", help="Zoom licence")
    add.set_defaults(account_command=AccountCommand(add_host))
    link = leaves.add_parser(
        "link", parents=common, help="make users of the account (in no tenant) hosts of a tenant"
    )
    link.add_argument("emails", nargs="+", metavar="EMAIL")
    link.add_argument("--tenant", required=True, metavar="NAME")
    link.set_defaults(account_command=AccountCommand(link_hosts))
    imp = leaves.add_parser(
        "import", parents=common, help="create a tenant's hosts from a CSV file, as the app does"
    )
    imp.add_argument("file", type=Path, metavar="FILE.csv", help="email,first_name,last_name,type")
    imp.add_argument("--tenant", required=True, metavar="NAME")
    imp.add_argument(
        "--link-existing",
        action="store_true",
        help="link rows whose user is already in the account (in no tenant) instead of "
        "reporting them",
    )
    imp.set_defaults(account_command=AccountCommand(import_hosts))


def host_json(row: HostRow) -> Json:
    """A host as the JSON output gives it (see docs/cli.md)."""
    host = row.host
    changes = host.zoom_changes
    return {
        "id": host.id,
        "email": host.email,
        "first_name": host.first_name,
        "last_name": host.last_name,
        "zoom_user_id": host.zoom_user_id,
        "user_type": host.user_type,
        "status": host.status,
        "tenant_id": host.tenant_id,
        "tenant_name": row.tenant_name or None,
        "tenant_timezone": row.tenant_timezone if host.tenant_id is not None else None,
        "next_session_at": iso(row.next_session_at),
        "quota_used": row.quota_used,
        "quota_limit": row.quota_limit,
        "missing_in_zoom": bool(host.missing_in_zoom),
        "zoom_changes": (
            [{"field": c.field, "old": c.old, "new": c.new} for c in changes]
            if isinstance(changes, tuple)
            else []
        ),
        "zoom_change_note": changes if isinstance(changes, str) else None,
        "last_synced_at": iso(host.last_synced_at),
        "created_at": iso(host.created_at),
        "updated_at": iso(host.updated_at),
    }


def hosts_table(rows: list[HostRow]) -> str:
    """Hosts for a person: email, name, tenant, status, next session and quota."""
    lines = [
        (
            r.host.email,
            r.host.display_name,
            r.tenant_name or "-",
            r.host.status + (" (missing in Zoom)" if r.host.missing_in_zoom else ""),
            shown_time(r.next_session_at),
            f"{r.quota_used}/{r.quota_limit}",
        )
        for r in rows
    ]
    headers = ("Email", "Name", "Tenant", "Status", "Next session", "Quota")
    return table(headers, lines) if lines else "No hosts."


async def list_hosts(runtime: AccountRuntime, args: argparse.Namespace, _out: Output) -> Result:
    """Every host (``--tenant``: of that tenant), by tenant then email."""
    rows = await runtime.services.hosts.rows()
    if args.tenant is not None:
        tenant = await find_tenant(runtime, args.tenant)
        rows = [r for r in rows if r.host.tenant_id == tenant.id]
    rows.sort(key=lambda r: (r.tenant_name == "", r.tenant_name.casefold(), r.host.email))
    return Result({"hosts": [host_json(r) for r in rows]}, hosts_table(rows))


async def add_host(runtime: AccountRuntime, args: argparse.Namespace, out: Output) -> Result:
    """Create the user in Zoom and store it as a host of the tenant."""
    from zoomadmin.services.hosts import NewHost

    hosts = runtime.services.hosts
    tenant = await find_tenant(runtime, args.tenant)
    email = args.email
    if not email:
        out.progress(f"Finding the next free email of “{tenant.name}”…")
        email = (await hosts.next_emails(tenant.id, 1))[0]
    out.progress(f"Creating {email} in Zoom…")
    new = NewHost(
        tenant_id=tenant.id,
        email=email,
        first_name=args.first_name,
        last_name=args.last_name,
        user_type=UserType(USER_TYPES[args.type]),
    )
    record = await hosts.add_host(new)
    row = await hosts.row(record.id)
    text = f"Created {record.email} ({record.display_name}) as a host of “{tenant.name}”."
    return Result({"host": host_json(row)}, text)


async def link_hosts(runtime: AccountRuntime, args: argparse.Namespace, out: Output) -> Result:
    """Link each email in turn; ones refused are reported, the others still linked."""
    hosts = runtime.services.hosts
    tenant = await find_tenant(runtime, args.tenant)
    linked: list[HostRow] = []
    refused: list[Json] = []
    for email in args.emails:
        out.progress(f"Linking {email}…")
        try:
            record = await hosts.link_email(email, tenant.id)
        except AppError as exc:
            refused.append({"email": email, "message": exc.user_message})
            continue
        linked.append(await hosts.row(record.id))
    lines = [f"Linked {plural(len(linked), 'host')} to “{tenant.name}”."]
    lines += [f"Not linked: {r['email']}: {r['message']}" for r in refused]
    data = {"tenant": tenant.name, "linked": [host_json(r) for r in linked], "refused": refused}
    problem = ""
    if refused:
        problem = f"{len(refused)} of {len(args.emails)} emails could not be linked: " + " ".join(
            f"{r['email']}: {r['message']}" for r in refused
        )
    return Result(data, "\n".join(lines), refused=problem)


async def import_hosts(runtime: AccountRuntime, args: argparse.Namespace, out: Output) -> Result:
    """The app's CSV import: every row checked first, then the good ones created one by one."""
    from zoomadmin.services.host_import import parse_csv

    tenant = await find_tenant(runtime, args.tenant)
    rows = parse_csv(await asyncio.to_thread(read_csv, args.file))
    importer = runtime.services.importer
    checked = await importer.preview(
        tenant.id, rows, lambda done, total: out.progress(f"Checking row {done} of {total}…")
    )
    report = await importer.run(
        tenant.id,
        checked,
        link_existing=args.link_existing,
        progress=lambda done, total: out.progress(f"Importing row {done} of {total}…"),
    )
    return Result(import_json(tenant.name, report), import_text(report))


def read_csv(path: Path) -> str:
    """The text of the file to import (UTF-8, with or without a byte order mark)."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableFile(
            f"The file {path} cannot be read ({type(exc).__name__}); it must be a UTF-8 CSV file."
        ) from None


def outcome_key(result: RowResult) -> str:
    """A row's outcome as the JSON output names it (``created``, ``skipped``, …)."""
    return result.outcome.name.lower()


def import_json(tenant: str, report: ImportReport) -> Json:
    """An import's report as the JSON output gives it (see docs/cli.md)."""
    from zoomadmin.services.host_import import Outcome

    created = report.count(Outcome.CREATED, Outcome.CONFIRMED)
    linked = report.count(Outcome.LINKED)
    return {
        "tenant": tenant,
        "summary": {
            "rows": len(report.results),
            "created": created,
            "linked": linked,
            "not_created": len(report.results) - created - linked,
        },
        "rows": [
            {
                "line": r.row.line,
                "email": r.row.email,
                "first_name": r.row.first_name,
                "last_name": r.row.last_name,
                "type": r.row.type_text,
                "generated_email": r.row.generated_email,
                "outcome": outcome_key(r),
                "message": r.message,
                "host_id": r.host_id,
            }
            for r in report.results
        ],
    }


def import_text(report: ImportReport) -> str:
    """An import's report for a person: each row that was not created, then the summary."""
    lines = [
        f"Line {r.row.line} ({r.row.email or 'no email'}): {r.outcome.value}. {r.message}".strip()
        for r in report.results
        if outcome_key(r) not in ("created", "confirmed", "linked")
    ]
    return "\n".join([*lines, report.summary()])
