"""``zoomadmin pool plan``: the license pool's plan over the calendar's sessions."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import TYPE_CHECKING

from zoomadmin.commands.output import Output, Result, day_range, plural, shown_time
from zoomadmin.commands.registry import AccountCommand, SubParsers, common_options

if TYPE_CHECKING:
    from zoomadmin.account.runtime import AccountRuntime

DEFAULT_DAYS = 7
"""Days planned from ``--from`` when ``--to`` is not given."""


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    """``pool plan``."""
    group = sub.add_parser("pool", help="the license pool: paid seats lent to Basic hosts")
    leaves = group.add_subparsers(dest="pool_command", required=True, metavar="COMMAND")
    plan = leaves.add_parser(
        "plan",
        parents=[common_options()],
        help="which host holds which seat when, the moves and any shortfall",
    )
    plan.add_argument("--from", dest="start", type=date.fromisoformat, metavar="DATE")
    plan.add_argument("--to", dest="end", type=date.fromisoformat, metavar="DATE")
    plan.set_defaults(account_command=AccountCommand(plan_pool_command, first_sync=False))


def _range(args: argparse.Namespace, now: datetime) -> tuple[datetime, datetime]:
    return day_range(args.start, args.end, now, default_days=DEFAULT_DAYS)


async def plan_pool_command(
    runtime: AccountRuntime, args: argparse.Namespace, _out: Output
) -> Result:
    """The plan from ``--from`` (default now) to ``--to`` (inclusive; default a week)."""
    start, end = _range(args, runtime.clock.now())
    report = await runtime.services.pool.plan(start, end)
    plan = report.plan
    lines = [
        f"{plural(plan.seats, 'seat')} the pool may move ({report.paid_seats} paid, "
        f"{plural(len(report.protected), 'protected user')} keep their own); the most "
        f"sessions needing one at once: {plan.peak}.",
        f"{plural(len(plan.moves), 'license move')}, {round(plan.seat_minutes)} seat-minutes "
        f"for {round(plan.session_minutes)} session minutes.",
    ]
    for shortfall in plan.shortfalls:
        lines.append(
            f"Short: {shown_time(shortfall.start)} to {shown_time(shortfall.end)}, "
            f"{shortfall.need} sessions need a seat, {shortfall.have} seats: "
            + "; ".join(shortfall.sessions)
        )
    refused = ""
    if plan.shortfalls:
        refused = (
            f"{plural(len(plan.shortfalls), 'time')} more sessions need a seat than there are "
            "seats: those sessions would run as Basic (cut at 40 minutes, no cloud recording)."
        )
    return Result(report.to_json(), "\n".join(lines), refused=refused)
