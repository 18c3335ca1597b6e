"""``zoomadmin pool``: the license pool's plan, its state now, its switch, staff's own moves."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import TYPE_CHECKING

from zoomadmin.commands.output import Output, Result, day_range, plural, shown_time
from zoomadmin.commands.registry import AccountCommand, SubParsers, common_options

if TYPE_CHECKING:
    from zoomadmin.account.runtime import AccountRuntime
    from zoomadmin.services.license_control import PoolStatus

DEFAULT_DAYS = 7
"""Days planned from ``--from`` when ``--to`` is not given."""


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    """``pool plan``, ``pool status``, ``pool on|off``, ``pool attach|detach EMAIL``."""
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
    status = leaves.add_parser(
        "status",
        parents=[common_options()],
        help="who holds each paid seat and why, the next moves and the alerts",
    )
    status.set_defaults(account_command=AccountCommand(pool_status_command, first_sync=False))
    for word, on in (("on", True), ("off", False)):
        switch = leaves.add_parser(
            word,
            parents=[common_options()],
            help="let the pool move seats" if on else "stop the pool moving seats",
        )
        switch.set_defaults(
            account_command=AccountCommand(pool_switch_command, first_sync=False), on=on
        )
    for word, to in (("attach", "licensed"), ("detach", "basic")):
        move = leaves.add_parser(
            word,
            parents=[common_options()],
            help="give a host a paid seat until detached"
            if to == "licensed"
            else "take a host's paid seat back",
        )
        move.add_argument("email", metavar="EMAIL")
        move.add_argument("--yes", action="store_true", help="do it (without: say what it does)")
        move.set_defaults(
            account_command=AccountCommand(pool_move_command, first_sync=False), to=to
        )


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


def _status_text(status: PoolStatus) -> str:
    lines = [
        f"{status.in_use} of {status.paid} paid seats in use; the pool may move "
        f"{status.movable} ({plural(len(status.protected), 'protected user')} keep their own)."
        + ("" if status.enabled else " The pool is turned off."),
    ]
    for seat in status.seats:
        words = {"session": f"for {seat.session}", "protected": "protected (staff)"}.get(
            seat.why, seat.why
        )
        until = f" until {shown_time(seat.until)}" if seat.until else ""
        live = " (in a meeting now)" if seat.live else ""
        lines.append(f"  {seat.host}: {words}{until}{live}")
    for move in status.next_moves[:10]:
        what = "gets a seat" if move.to == "licensed" else "gives its seat back"
        lines.append(f"Next: {shown_time(move.at)} {move.host} {what} ({move.reason})")
    lines.extend(f"Alert: {alert.message}" for alert in status.alerts)
    return "\n".join(lines)


async def pool_status_command(
    runtime: AccountRuntime, _args: argparse.Namespace, _out: Output
) -> Result:
    """Who holds each seat and why, the next moves, the alerts (exit 1 while a session in
    its window has no seat)."""
    status = await runtime.services.licenses.status()
    running_basic = [a for a in status.alerts if a.kind == "basic"]
    refused = ""
    if running_basic:
        refused = (
            f"No paid seat for {plural(len(running_basic), 'session')} about to start or "
            "running: they run as Basic (cut at 40 minutes, no cloud recording)."
        )
    return Result(status.to_json(), _status_text(status), refused=refused)


async def pool_switch_command(
    runtime: AccountRuntime, args: argparse.Namespace, _out: Output
) -> Result:
    """Turn the pool's moves on or off for every desk and agent of the account."""
    control = runtime.services.licenses
    await control.set_enabled(args.on)
    text = (
        "The license pool moves seats to sessions from now on."
        if args.on
        else "The license pool is off: it moves no seats until it is turned on again."
    )
    return Result({"enabled": args.on}, text)


async def pool_move_command(
    runtime: AccountRuntime, args: argparse.Namespace, _out: Output
) -> Result:
    """Staff's own attach or detach: without ``--yes``, only what it would affect."""
    control = runtime.services.licenses
    impact = await control.impact(args.email, args.to)
    if not args.yes:
        return Result(
            {"done": False, "host": args.email, "to": args.to, "impact": impact},
            f"{impact}\nNothing changed: add --yes to do it.",
        )
    if args.to == "licensed":
        await control.attach(args.email)
    else:
        await control.detach(args.email)
    return Result({"done": True, "host": args.email, "to": args.to, "impact": impact}, impact)
