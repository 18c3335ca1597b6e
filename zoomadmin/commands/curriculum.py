"""``zoomadmin curriculum plan|submit``: a term's cost, conflicts and spill; then queue it."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from zoomadmin.commands.hosts import read_csv
from zoomadmin.commands.output import Output, Result, plural, shown_time, table
from zoomadmin.commands.registry import AccountCommand, SubParsers, common_options

if TYPE_CHECKING:
    from zoomadmin.account.runtime import AccountRuntime
    from zoomadmin.services.curriculum import CurriculumPreview


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    """``curriculum plan`` and ``curriculum submit``."""
    group = sub.add_parser("curriculum", help="terms of weekly sessions (plan, submit)")
    leaves = group.add_subparsers(dest="curriculum_command", required=True, metavar="COMMAND")
    common = [common_options()]
    columns = (
        "tenant,host_email,title,weekday,start_time,duration_minutes,first_date,last_date,"
        "skip_dates,timezone"
    )
    plan = leaves.add_parser(
        "plan", parents=common, help="what a curriculum costs and where it clashes; sends nothing"
    )
    plan.add_argument("file", type=Path, metavar="FILE.csv", help=columns)
    plan.set_defaults(account_command=AccountCommand(plan_curriculum))
    submit = leaves.add_parser(
        "submit", parents=common, help="check a curriculum as plan does, then queue its writes"
    )
    submit.add_argument("file", type=Path, metavar="FILE.csv", help=columns)
    submit.add_argument(
        "--link-users",
        action="store_true",
        help="first make account users named in the file hosts of their row's tenant",
    )
    submit.set_defaults(account_command=AccountCommand(submit_curriculum))


def preview_text(preview: CurriculumPreview) -> str:
    """A preview for a person: problems, conflicts, then the cost per host."""
    lines = [p.text for p in preview.problems]
    lines += [("Conflict: " if c.blocking else "Note: ") + c.message for c in preview.conflicts]
    lines += [f"To link first: {h.email}" for h in preview.to_link]
    rows = [
        (email, c.sessions, c.requests, c.left_today, shown_time(c.last_created_at))
        for email, c in sorted(preview.cost.hosts.items())
    ]
    if rows:
        headers = ("Host", "Sessions", "Requests", "Left today", "Last created")
        lines.append(table(headers, rows))
    lines.append(
        f"{plural(preview.cost.sessions, 'session')} in "
        f"{plural(preview.cost.requests, 'Zoom request')}: {preview.cost.summary}."
    )
    return "\n".join(lines)


def _refusal(preview: CurriculumPreview) -> str:
    blocking = sum(c.blocking for c in preview.conflicts)
    if not preview.problems and not blocking:
        return ""
    return (
        f"The curriculum has {plural(len(preview.problems), 'problem')} and "
        f"{plural(blocking, 'conflict')}; nothing can be submitted until they are fixed."
    )


async def plan_curriculum(runtime: AccountRuntime, args: argparse.Namespace, out: Output) -> Result:
    """The preview; exit code 1 when there are problems or blocking conflicts."""
    text = await asyncio.to_thread(read_csv, args.file)
    out.progress("Checking the curriculum…")
    preview = await runtime.services.curricula.preview_csv(text)
    return Result(preview.to_json(), preview_text(preview), refused=_refusal(preview))


async def submit_curriculum(
    runtime: AccountRuntime, args: argparse.Namespace, out: Output
) -> Result:
    """Validate as ``plan`` does, then put the intents in the queue (``queue run`` sends)."""
    text = await asyncio.to_thread(read_csv, args.file)
    out.progress("Checking the curriculum…")
    done = await runtime.services.curricula.submit_csv(text, link_users=args.link_users)
    data = {**done.preview.to_json(), "batch": done.batch, "intents": done.intents}
    words = (
        f"Queued {plural(done.intents, 'Zoom write')} for "
        f"{plural(done.preview.cost.sessions, 'session')} ({done.preview.cost.summary}). "
        "`zoomadmin queue run` sends them (the app's queue job does so while it is open)."
    )
    return Result(data, words)
