"""``zoomadmin session ...``: one-off and instant sessions, moves, new series times,
cancellations and a host's sessions handed over; each prices itself first (``--dry-run``
prints only that), then goes to the schedule queue and is sent for its hosts at once."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING

from zoomadmin.commands.output import Output, Result, plural, shown_time, table
from zoomadmin.commands.registry import AccountCommand, SubParsers, common_options
from zoomadmin.core.errors import InvalidValue

if TYPE_CHECKING:
    from zoomadmin.account.runtime import AccountRuntime
    from zoomadmin.services.session_changes import ChangePlan, Submitted


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    """``session add|start-now|move|series|cancel|hand-over|cancel-all|links``."""
    group = sub.add_parser(
        "session", help="one session's changes (add, start-now, move, series, cancel, ...)"
    )
    leaves = group.add_subparsers(dest="session_command", required=True, metavar="COMMAND")
    common = [common_options(), _dry_run()]

    add = leaves.add_parser("add", parents=common, help="schedule one session (one request)")
    add.add_argument("--host", required=True, metavar="EMAIL")
    add.add_argument("--title", required=True)
    add.add_argument(
        "--start", required=True, metavar="ISO", help="e.g. 2026-12-09T15:00 (in --timezone)"
    )
    add.add_argument("--duration", required=True, type=int, metavar="MIN")
    add.add_argument("--timezone", metavar="ZONE", help="default: the host's tenant's zone")
    add.set_defaults(account_command=AccountCommand(add_session))

    now = leaves.add_parser(
        "start-now", parents=common, help="an instant meeting: its join and start links"
    )
    now.add_argument("--host", required=True, metavar="EMAIL")
    now.add_argument("--title", required=True)
    now.set_defaults(account_command=AccountCommand(start_now))

    move = leaves.add_parser("move", parents=common, help="move one session (one request)")
    move.add_argument("meeting_id", type=int, metavar="MEETING_ID")
    move.add_argument("--occurrence", metavar="ID", help="the session of a series")
    move.add_argument(
        "--start", required=True, metavar="ISO", help="new start (in the meeting's zone)"
    )
    move.add_argument("--duration", type=int, metavar="MIN", help="a new length too")
    move.set_defaults(account_command=AccountCommand(move_session))

    series = leaves.add_parser(
        "series", parents=common, help="a series' time of day or length, from one session on"
    )
    series.add_argument("meeting_id", type=int, metavar="MEETING_ID")
    series.add_argument("--from", dest="occurrence", required=True, metavar="OCCURRENCE_ID")
    series.add_argument("--time", metavar="HH:MM", help="new start, in the series' zone")
    series.add_argument("--duration", type=int, metavar="MIN")
    series.set_defaults(account_command=AccountCommand(change_series))

    cancel = leaves.add_parser(
        "cancel", parents=common, help="cancel one session, or a whole series (one request)"
    )
    cancel.add_argument("meeting_id", type=int, metavar="MEETING_ID")
    which = cancel.add_mutually_exclusive_group()
    which.add_argument("--occurrence", metavar="ID")
    which.add_argument("--series", action="store_true", help="every coming session")
    cancel.set_defaults(account_command=AccountCommand(cancel_session))

    hand = leaves.add_parser(
        "hand-over", parents=common, help="a host's coming sessions to another host of its tenant"
    )
    hand.add_argument("--host", required=True, metavar="EMAIL")
    hand.add_argument("--to", required=True, metavar="EMAIL")
    hand.set_defaults(account_command=AccountCommand(hand_over))

    every = leaves.add_parser(
        "cancel-all", parents=common, help="cancel all of a host's coming sessions"
    )
    every.add_argument("--host", required=True, metavar="EMAIL")
    every.set_defaults(account_command=AccountCommand(cancel_all))

    links = leaves.add_parser(
        "links", parents=[common_options()], help="a meeting's join link and start link"
    )
    links.add_argument("meeting_id", type=int, metavar="MEETING_ID")
    links.set_defaults(account_command=AccountCommand(show_links, first_sync=False))


def _dry_run() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--dry-run", action="store_true", help="print what it costs; send and store nothing"
    )
    return parent


def _when(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidValue(
            f"“{text}” is not a date and time (e.g. 2026-12-09T15:00, or ...Z for UTC)."
        ) from exc


def plan_text(plan: ChangePlan) -> str:
    """A plan for a person: what it does, then its cost per host."""
    rows = [
        (c.email, c.requests, c.left_today, "now" if c.goes_now else shown_time(c.last_at))
        for c in plan.charges
    ]
    lines = [plan.description + "."]
    if rows:
        lines.append(table(("Host", "Requests", "Left today", "Last goes"), rows))
    lines += list(plan.notes)
    lines.append(f"{plural(plan.sessions, 'session')}: {plan.summary}.")
    return "\n".join(lines)


async def _finish(
    runtime: AccountRuntime, args: argparse.Namespace, out: Output, plan: ChangePlan
) -> Result:
    if args.dry_run:
        return Result(plan.to_json(), plan_text(plan) + "\nNothing was sent (--dry-run).")
    out.progress("Sending…")
    done = await runtime.services.sessions.submit(plan, send_now=True)
    return Result(done.to_json(), _done_text(done), refused=_failed(done))


def _done_text(done: Submitted) -> str:
    lines = [plan_text(done.plan)]
    document = done.to_json()
    if done.links is not None:
        lines += [f"Join link: {done.links.join_url}", f"Start link: {done.links.start_url}"]
    elif done.done:
        lines.append("Sent to Zoom.")
    elif document.get("waiting"):
        lines.append(
            f"Sent {document.get('sent', 0)}; {document['waiting']} wait for 00:00 UTC "
            "(the queue sends them then)."
        )
    return "\n".join(lines)


def _failed(done: Submitted) -> str:
    failed = done.to_json().get("failed", 0)
    return f"{plural(failed, 'write')} failed; see `zoomadmin queue list`." if failed else ""


async def add_session(runtime: AccountRuntime, args: argparse.Namespace, out: Output) -> Result:
    """One scheduled session."""
    plan = await runtime.services.sessions.plan_add(
        args.host, args.title, _when(args.start), args.duration, args.timezone
    )
    return await _finish(runtime, args, out, plan)


async def start_now(runtime: AccountRuntime, args: argparse.Namespace, out: Output) -> Result:
    """An instant meeting, created at once: its links."""
    plan = await runtime.services.sessions.plan_start_now(args.host, args.title)
    return await _finish(runtime, args, out, plan)


async def move_session(runtime: AccountRuntime, args: argparse.Namespace, out: Output) -> Result:
    """One session to another time."""
    plan = await runtime.services.sessions.plan_move(
        args.meeting_id,
        _when(args.start),
        occurrence_id=args.occurrence,
        duration_minutes=args.duration,
    )
    return await _finish(runtime, args, out, plan)


async def change_series(runtime: AccountRuntime, args: argparse.Namespace, out: Output) -> Result:
    """A series' new time of day or length from one session on."""
    plan = await runtime.services.sessions.plan_change_series(
        args.meeting_id, args.occurrence, start_time=args.time, duration_minutes=args.duration
    )
    return await _finish(runtime, args, out, plan)


async def cancel_session(runtime: AccountRuntime, args: argparse.Namespace, out: Output) -> Result:
    """One session, or a whole series, cancelled."""
    plan = await runtime.services.sessions.plan_cancel(
        args.meeting_id, occurrence_id=args.occurrence, series=args.series
    )
    return await _finish(runtime, args, out, plan)


async def hand_over(runtime: AccountRuntime, args: argparse.Namespace, out: Output) -> Result:
    """A host's coming sessions to another host of its tenant."""
    plan = await runtime.services.sessions.plan_hand_over(args.host, args.to)
    return await _finish(runtime, args, out, plan)


async def cancel_all(runtime: AccountRuntime, args: argparse.Namespace, out: Output) -> Result:
    """All of a host's coming sessions cancelled."""
    plan = await runtime.services.sessions.plan_cancel_all(args.host)
    return await _finish(runtime, args, out, plan)


async def show_links(runtime: AccountRuntime, args: argparse.Namespace, _out: Output) -> Result:
    """A meeting's join link and a fresh start link."""
    links = await runtime.services.sessions.links(args.meeting_id)
    text = f"Join link: {links.join_url}\nStart link (as the host): {links.start_url}"
    return Result(links.to_json(), text)
