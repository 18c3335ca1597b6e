"""``zoomadmin calendar export``: sessions as an iCalendar or CSV file."""

from __future__ import annotations

import argparse
import asyncio
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from zoomadmin.commands.output import Output, Result, day_range, iso, plural
from zoomadmin.commands.registry import AccountCommand, SubParsers, common_options
from zoomadmin.commands.tenants import find_tenant
from zoomadmin.core.errors import AppError, EnvironmentFault

if TYPE_CHECKING:
    from zoomadmin.account.runtime import AccountRuntime

DEFAULT_DAYS = 366
"""Days exported from ``--from`` when ``--to`` is not given."""


class UnknownHost(AppError):  # noqa: N818 - named for what the person sees
    """``--host EMAIL`` names no host of the account."""


class UnwritableFile(EnvironmentFault):
    """The export cannot be written where ``--output`` says."""


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    """``calendar export``."""
    group = sub.add_parser("calendar", help="the sessions on the calendar (export)")
    leaves = group.add_subparsers(dest="calendar_command", required=True, metavar="COMMAND")
    export = leaves.add_parser(
        "export", parents=[common_options()], help="write sessions to an .ics or .csv file"
    )
    export.add_argument("--format", choices=("ics", "csv"), required=True)
    export.add_argument("--tenant", metavar="NAME", help="only this tenant's sessions")
    export.add_argument("--host", metavar="EMAIL", help="only this host's sessions")
    export.add_argument("--from", dest="start", type=date.fromisoformat, metavar="DATE")
    export.add_argument("--to", dest="end", type=date.fromisoformat, metavar="DATE")
    export.add_argument("--output", type=Path, required=True, metavar="FILE")
    export.set_defaults(account_command=AccountCommand(export_calendar, first_sync=False))


def _range(args: argparse.Namespace, now: datetime) -> tuple[datetime, datetime]:
    return day_range(args.start, args.end, now, default_days=DEFAULT_DAYS)


async def export_calendar(runtime: AccountRuntime, args: argparse.Namespace, out: Output) -> Result:
    """The sessions from ``--from`` (default now) to ``--to`` (inclusive), of a tenant or host."""
    tenant_id = (await find_tenant(runtime, args.tenant)).id if args.tenant else None
    host_id = None
    if args.host:
        host = await asyncio.to_thread(runtime.store.hosts.find_by_email, args.host)
        if host is None:
            raise UnknownHost(f"There is no host {args.host} in this account.")
        host_id = host.id
    start, end = _range(args, runtime.clock.now())
    calendar = runtime.services.calendar
    sessions = await calendar.sessions(start, end, tenant_id=tenant_id, host_id=host_id)
    if args.format == "ics":
        body: bytes = await calendar.export_ics(sessions)
    else:
        body = (await calendar.export_csv(sessions)).encode("utf-8")
    try:
        await asyncio.to_thread(args.output.write_bytes, body)
    except OSError as exc:
        raise UnwritableFile(f"{args.output} cannot be written ({exc.strerror}).") from None
    data = {
        "sessions": len(sessions),
        "from": iso(start),
        "to": iso(end),
        "output": str(args.output),
    }
    return Result(data, f"Wrote {plural(len(sessions), 'session')} to {args.output}.")
