"""``zoomadmin sync``: every user from Zoom, then the tenant hosts' sessions."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from zoomadmin.commands.output import Json, Output, Result
from zoomadmin.commands.registry import AccountCommand, SubParsers, common_options

if TYPE_CHECKING:
    from zoomadmin.account.runtime import AccountRuntime
    from zoomadmin.services.sync import SyncReport


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    """``sync``."""
    parser = sub.add_parser(
        "sync",
        parents=[common_options()],
        help="read every user and the tenant hosts' meetings from Zoom",
    )
    # It syncs anyway: a never-synced account need not be synced twice.
    parser.set_defaults(account_command=AccountCommand(sync, first_sync=False))


def sync_json(report: SyncReport) -> Json:
    """A sync's report as the JSON output gives it (see docs/cli.md)."""
    meetings = report.meetings
    return {
        "users": report.users,
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "missing": list(report.missing),
        "changed": list(report.changed),
        "meetings": None
        if meetings is None
        else {
            "hosts": meetings.hosts,
            "meetings": meetings.meetings,
            "sessions": meetings.sessions,
            "removed": meetings.removed,
        },
    }


async def sync(runtime: AccountRuntime, _args: argparse.Namespace, out: Output) -> Result:
    """One full sync, as the app's Sync button does it."""
    say = out.progress
    report = await runtime.services.sync.sync(
        lambda done, total: say(f"Syncing with Zoom: {done} of {total} users…"),
        lambda done, total: say(f"Syncing with Zoom: sessions of {done} of {total} hosts…"),
    )
    lines = [report.summary()]
    if report.missing:
        lines.append("Removed in Zoom: " + ", ".join(report.missing))
    if report.changed:
        lines.append("Changed in Zoom: " + ", ".join(report.changed))
    return Result(sync_json(report), "\n".join(lines))
