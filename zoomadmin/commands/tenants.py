"""``zoomadmin tenants list`` and ``zoomadmin tenants add``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from zoomadmin.commands.output import Json, Output, Result, iso, shown_time, table
from zoomadmin.commands.registry import AccountCommand, SubParsers, common_options
from zoomadmin.core.errors import AppError, InvalidValue
from zoomadmin.core.records import DEFAULT_EMAIL_SCHEME

if TYPE_CHECKING:
    from zoomadmin.account.runtime import AccountRuntime
    from zoomadmin.core.records import TenantRecord, TenantSummary


class UnknownTenant(AppError):  # noqa: N818 - named for what the person sees
    """``--tenant NAME`` names no tenant of the account."""


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    """``tenants list`` and ``tenants add``."""
    group = sub.add_parser("tenants", help="the account's tenants (list, add)")
    leaves = group.add_subparsers(dest="tenants_command", required=True, metavar="COMMAND")
    common = [common_options()]
    listing = leaves.add_parser("list", parents=common, help="every tenant with its counts")
    listing.set_defaults(account_command=AccountCommand(list_tenants))
    add = leaves.add_parser("add", parents=common, help="add a tenant")
    add.add_argument("name", metavar="NAME", help="the tenant's name (unique in the account)")
    add.add_argument(
        "--timezone", required=True, metavar="TZ", help="its time zone, e.g. Europe/Berlin"
    )
    add.add_argument(
        "--email-scheme",
        default=DEFAULT_EMAIL_SCHEME,
        metavar="SCHEME",
        help="how its hosts' emails are made from {mailbox}, {tenant}, {n} and {domain} "
        "(default: %(default)s)",
    )
    add.add_argument(
        "--mailbox",
        metavar="M",
        help="the mailbox part of the scheme (default: the part before @ of the account "
        "owner's email)",
    )
    add.add_argument(
        "--domain",
        metavar="D",
        help="the domain of the scheme (default: the account owner's email domain)",
    )
    add.add_argument(
        "--slug", metavar="TAG", default="", help="the {tenant} tag (default: from the name)"
    )
    add.set_defaults(account_command=AccountCommand(add_tenant))


def tenant_json(tenant: TenantRecord, summary: TenantSummary | None = None) -> Json:
    """A tenant as the JSON output gives it (see docs/cli.md)."""
    return {
        "id": tenant.id,
        "name": tenant.name,
        "slug": tenant.slug,
        "timezone": tenant.timezone,
        "mailbox": tenant.mailbox,
        "domain": tenant.domain,
        "email_scheme": tenant.email_scheme,
        "settings_policy": tenant.settings_policy,
        "host_count": summary.host_count if summary else 0,
        "coming_sessions": summary.coming_sessions if summary else 0,
        "next_session_at": iso(summary.next_session_at) if summary else None,
        "created_at": iso(tenant.created_at),
        "updated_at": iso(tenant.updated_at),
    }


async def find_tenant(runtime: AccountRuntime, name: str) -> TenantRecord:
    """The tenant called ``name`` (case does not matter); refused when there is none."""
    summaries = await runtime.services.tenants.summaries()
    wanted = name.strip().casefold()
    for summary in summaries:
        if summary.tenant.name.casefold() == wanted:
            return summary.tenant
    known = ", ".join(s.tenant.name for s in summaries) or "none yet"
    raise UnknownTenant(f"There is no tenant called “{name}”. Tenants: {known}.")


async def list_tenants(runtime: AccountRuntime, _args: argparse.Namespace, _out: Output) -> Result:
    """Every tenant with its host count and coming sessions."""
    summaries = await runtime.services.tenants.summaries()
    rows = [
        (
            s.tenant.name,
            s.tenant.timezone,
            s.host_count,
            s.coming_sessions,
            shown_time(s.next_session_at),
            s.tenant.host_email(1),
        )
        for s in summaries
    ]
    headers = ("Name", "Time zone", "Hosts", "Coming", "Next session", "First host email")
    text = table(headers, rows) if rows else "No tenants yet."
    return Result({"tenants": [tenant_json(s.tenant, s) for s in summaries]}, text)


async def add_tenant(runtime: AccountRuntime, args: argparse.Namespace, out: Output) -> Result:
    """Add a tenant; the mailbox and domain default to the account owner's email."""
    from zoomadmin.services.tenants import TenantDraft

    mailbox, domain = _owner_parts(runtime)
    draft = TenantDraft(
        name=args.name,
        timezone=args.timezone,
        mailbox=args.mailbox or mailbox,
        domain=args.domain or domain,
        email_scheme=args.email_scheme,
        slug=args.slug,
    )
    if not draft.mailbox or not draft.domain:
        raise InvalidValue(
            "The account owner's email is not known, so give --mailbox and --domain."
        )
    out.progress(f"Adding the tenant “{draft.name}”…")
    record = await runtime.services.tenants.create(draft)
    text = (
        f"Added the tenant “{record.name}” ({record.timezone}); its hosts' emails are "
        f"{record.host_email(1)}, {record.host_email(2)}, …"
    )
    return Result({"tenant": tenant_json(record)}, text)


def _owner_parts(runtime: AccountRuntime) -> tuple[str, str]:
    owner = runtime.account.owner
    email = owner.email if owner is not None else ""
    mailbox, _, domain = email.partition("@")
    return mailbox, domain.lower()


__all__ = ["UnknownTenant", "find_tenant", "register", "tenant_json"]
