"""``zoomadmin queue run|list``: the schedule queue's sending and its state per intent."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from zoomadmin.commands.output import Output, Result, plural, shown_time, table
from zoomadmin.commands.registry import AccountCommand, SubParsers, common_options

if TYPE_CHECKING:
    from zoomadmin.account.runtime import AccountRuntime


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    """``queue run`` and ``queue list``."""
    group = sub.add_parser("queue", help="the schedule queue (run, list)")
    leaves = group.add_subparsers(dest="queue_command", required=True, metavar="COMMAND")
    common = [common_options()]
    run = leaves.add_parser("run", parents=common, help="send what the hosts' quotas allow now")
    run.add_argument(
        "--until-idle",
        action="store_true",
        help="keep sending until nothing more can go now, then say what waits and until when",
    )
    run.set_defaults(account_command=AccountCommand(run_queue, first_sync=False))
    listing = leaves.add_parser("list", parents=common, help="every intent and its state")
    listing.set_defaults(account_command=AccountCommand(list_queue, first_sync=False))


async def run_queue(runtime: AccountRuntime, args: argparse.Namespace, out: Output) -> Result:
    """One pass, or (``--until-idle``) passes until nothing more can be sent now."""
    from zoomadmin.services.schedule_queue import QueueReport

    queue = runtime.services.queue
    out.progress("Sending the queue…")
    if args.until_idle:
        report = await queue.run_until_idle()
    else:
        done = await queue.run_once()
        report = QueueReport(done.created, done.failed, await queue.counts())
    text = f"Created {plural(report.created, 'Zoom write')}; {report.counts.text}."
    refused = (
        f"{plural(report.failed, 'write')} failed; see `zoomadmin queue list`."
        if report.failed
        else ""
    )
    return Result(report.to_json(), text, refused=refused)


async def list_queue(runtime: AccountRuntime, _args: argparse.Namespace, _out: Output) -> Result:
    """Every intent in sending order, with its state."""
    from zoomadmin.services.schedule_queue import intent_json

    intents = await runtime.services.queue.intents()
    rows = [
        (i.id, i.kind, i.topic, shown_time(i.first_start), len(i.session_starts), i.status_text)
        for i in intents
    ]
    headers = ("Id", "Kind", "Title", "First session", "Sessions", "State")
    counts = await runtime.services.queue.counts()
    text = (table(headers, rows) + "\n" if rows else "") + counts.text
    return Result({"intents": [intent_json(i) for i in intents], "summary": counts.text}, text)
