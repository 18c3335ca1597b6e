"""``zoomadmin recordings sync|list|download|trash|recover|retention``: the tab's twins."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zoomadmin.commands.output import Output, Result, iso, plural, shown_time, table
from zoomadmin.commands.registry import AccountCommand, SubParsers, common_options
from zoomadmin.commands.tenants import find_tenant
from zoomadmin.core.errors import AppError

if TYPE_CHECKING:
    from zoomadmin.account.runtime import AccountRuntime
    from zoomadmin.store.recordings import FileRecord, RecordingFilter, RecordingRecord

FILE_TYPES = ("MP4", "M4A", "TRANSCRIPT", "CHAT")


class OptionsRefused(AppError):  # noqa: N818 - named for what the person sees
    """Options that do not go together (said before anything is done)."""


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    """``recordings sync``, ``list``, ``download``, ``trash``, ``recover`` and ``retention``."""
    group = sub.add_parser("recordings", help="the account's cloud recordings")
    leaves = group.add_subparsers(dest="recordings_command", required=True, metavar="COMMAND")
    common = [common_options()]
    sync = leaves.add_parser("sync", parents=common, help="read Zoom's recordings into the index")
    _dates(sync)
    sync.set_defaults(account_command=AccountCommand(sync_recordings, first_sync=False))
    listing = leaves.add_parser("list", parents=common, help="the indexed recordings")
    _filters(listing)
    listing.set_defaults(account_command=AccountCommand(list_recordings, first_sync=False))
    download = leaves.add_parser(
        "download", parents=common, help="download, verify and keep recordings' files"
    )
    _filters(download)
    download.add_argument("--dest", type=Path, required=True, metavar="DIR")
    download.add_argument("--parallel", type=int, default=4, metavar="N")
    download.set_defaults(account_command=AccountCommand(download_recordings, first_sync=False))
    trash = leaves.add_parser(
        "trash", parents=common, help="move files verified on disk to Zoom's trash"
    )
    _filters(trash)
    trash.add_argument(
        "--verified",
        action="store_true",
        required=True,
        help="only files whose local copy is verified (always the case; say it to confirm)",
    )
    trash.add_argument("--older-than", type=int, metavar="DAYS", dest="older_than")
    trash.add_argument(
        "--by-policy",
        action="store_true",
        dest="by_policy",
        help="what the tenants' retention policies select (with --tenant: that tenant's only)",
    )
    trash.add_argument("--yes", action="store_true", help="do it (without: say what would go)")
    trash.set_defaults(account_command=AccountCommand(trash_recordings, first_sync=False))
    recover = leaves.add_parser(
        "recover", parents=common, help="bring files back from Zoom's trash (within 30 days)"
    )
    _filters(recover)
    recover.set_defaults(account_command=AccountCommand(recover_recordings, first_sync=False))
    retention = leaves.add_parser(
        "retention",
        parents=common,
        help="the tenants' retention policies (with --tenant and --days or --keep: set one)",
    )
    retention.add_argument("--tenant", metavar="NAME", help="the tenant whose policy to set")
    choice = retention.add_mutually_exclusive_group()
    choice.add_argument(
        "--days",
        type=int,
        metavar="N",
        help="trash verified recordings N days after the meeting",
    )
    choice.add_argument("--keep", action="store_true", help="keep the tenant's recordings in Zoom")
    retention.set_defaults(account_command=AccountCommand(retention_policies, first_sync=False))


def _dates(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="start", type=date.fromisoformat, metavar="DATE")
    parser.add_argument("--to", dest="end", type=date.fromisoformat, metavar="DATE")


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tenant", metavar="NAME", help="only this tenant's recordings")
    parser.add_argument("--host", metavar="EMAIL", help="only this host's recordings")
    _dates(parser)
    parser.add_argument("--type", choices=FILE_TYPES, dest="file_type", help="only this type")


async def _where(runtime: AccountRuntime, args: argparse.Namespace) -> RecordingFilter:
    from zoomadmin.store.recordings import RecordingFilter

    tenant_id = (await find_tenant(runtime, args.tenant)).id if args.tenant else None
    start = datetime.combine(args.start, time(), tzinfo=UTC) if args.start else None
    end = datetime.combine(args.end + timedelta(days=1), time(), tzinfo=UTC) if args.end else None
    return RecordingFilter(
        tenant_id=tenant_id,
        host_email=args.host.strip().lower() if args.host else None,
        start=start,
        end=end,
        file_type=args.file_type,
    )


def _file_json(item: FileRecord) -> dict[str, Any]:
    return {
        "id": item.id,
        "type": item.file_type,
        "extension": item.file_extension,
        "size": item.file_size,
        "status": item.status,
        "local_state": str(item.local_state),
        "local_path": item.local_path,
        "in_trash": item.in_trash,
        "deleted_in_zoom": item.deleted_in_zoom,
    }


def recording_json(record: RecordingRecord) -> dict[str, Any]:
    """One recorded meeting as the JSON output gives it."""
    return {
        "uuid": record.uuid,
        "meeting_id": record.meeting_id,
        "topic": record.topic,
        "start_time": iso(record.start_time),
        "duration_minutes": record.duration_minutes,
        "host": record.host_email,
        "tenant": record.tenant_name,
        "total_size": record.total_size,
        "in_trash": record.in_trash,
        "deleted_in_zoom": record.deleted_in_zoom,
        "files": [_file_json(f) for f in record.files],
    }


async def sync_recordings(runtime: AccountRuntime, args: argparse.Namespace, out: Output) -> Result:
    """Read every host's recordings (since the last refresh, or ``--from``..``--to``)."""
    report = await runtime.services.recordings.refresh(
        start=args.start,
        end=args.end,
        progress=lambda done, total: out.progress(f"Recordings of {done} of {total} hosts…"),
    )
    return Result(asdict(report), report.summary())


async def list_recordings(
    runtime: AccountRuntime, args: argparse.Namespace, _out: Output
) -> Result:
    """The indexed recordings that match the filters, newest first."""
    records = await runtime.services.recordings.every(await _where(runtime, args))
    if args.file_type:
        records = [r for r in records if any(f.file_type == args.file_type for f in r.files)]
    rows = [
        (shown_time(r.start_time), r.tenant_name or "-", r.host_email, r.topic, len(r.files))
        for r in records
    ]
    text = table(("Start", "Tenant", "Host", "Topic", "Files"), rows) if rows else ""
    text = (text + "\n" if text else "") + plural(len(records), "recorded meeting") + "."
    return Result({"recordings": [recording_json(r) for r in records]}, text)


async def download_recordings(
    runtime: AccountRuntime, args: argparse.Namespace, out: Output
) -> Result:
    """Queue the matching files and download them into ``--dest``, verified."""
    downloads = runtime.services.downloads
    downloads.root = args.dest
    downloads.parallel = max(1, args.parallel)
    stop = downloads.listen(
        lambda _file, overall: out.progress(
            f"{overall.finished} of {overall.files} files, "
            f"{overall.bytes_done / 1e6:.1f} of {overall.bytes_total / 1e6:.1f} MB…"
        )
    )
    try:
        queued = await downloads.enqueue_matching(await _where(runtime, args))
        out.progress(f"{plural(queued, 'file')} queued.")
        summary = await downloads.run_queue()
    finally:
        stop()
    text = (
        f"{plural(summary.verified, 'file')} downloaded and verified into {args.dest}; "
        f"{summary.skipped_already_verified} already verified."
    )
    refused = f"{plural(len(summary.failed), 'file')} failed." if summary.failed else ""
    return Result(asdict(summary), text, refused=refused)


async def trash_recordings(
    runtime: AccountRuntime, args: argparse.Namespace, out: Output
) -> Result:
    """Move matching files that are verified on disk to Zoom's trash (with ``--yes``)."""
    retention = runtime.services.retention
    if args.by_policy:
        if args.host or args.start or args.end or args.file_type or args.older_than:
            raise OptionsRefused("--by-policy takes no filter but --tenant.")
        tenants = [(await find_tenant(runtime, args.tenant)).id] if args.tenant else None
        plan = await retention.plan_policies(tenants)
    else:
        where = await _where(runtime, args)
        plan = await retention.plan(where=where, older_than_days=args.older_than)
    planned = {
        "files": plan.count,
        "meetings": plan.meetings,
        "bytes": plan.bytes,
        "skipped_not_verified": plan.skipped_not_verified,
    }
    if not args.yes:
        return Result(
            {"planned": planned, "trashed": [], "refused": []},
            plan.confirmation(),
            refused="Nothing was moved: run it again with --yes to move these files.",
        )
    out.progress(plan.confirmation())
    report = await retention.trash(plan)
    data: dict[str, Any] = {
        "planned": planned,
        "trashed": report.trashed,
        "refused": report.refused,
        "bytes_freed": report.bytes,
    }
    text = f"Moved {plural(len(report.trashed), 'file')} to Zoom's trash."
    refused = f"{plural(len(report.refused), 'file')} stayed in Zoom." if report.refused else ""
    return Result(data, text, refused=refused)


async def recover_recordings(
    runtime: AccountRuntime, args: argparse.Namespace, _out: Output
) -> Result:
    """Bring the matching recordings' files back from Zoom's trash."""
    records = await runtime.services.recordings.every(await _where(runtime, args))
    wanted = [r.uuid for r in records if any(f.in_trash for f in r.files)]
    done = await runtime.services.retention.recover(wanted)
    return Result({"recovered": done}, f"Recovered {plural(len(done), 'recording')}.")


async def retention_policies(
    runtime: AccountRuntime, args: argparse.Namespace, out: Output
) -> Result:
    """The tenants' retention policies; with ``--tenant`` and ``--days``/``--keep``: set one."""
    retention = runtime.services.retention
    changing = args.days is not None or args.keep
    if changing != bool(args.tenant):
        raise OptionsRefused("Name the tenant with --tenant and say --days N or --keep.")
    if changing:
        tenant = await find_tenant(runtime, args.tenant)
        await retention.set_policy(tenant.id, None if args.keep else args.days)
    policies = await retention.policies()
    data = {
        "policies": [
            {"tenant": p.tenant_name, "tenant_id": p.tenant_id, "keep_days": p.keep_days}
            for p in policies
        ]
    }
    rows = [(p.tenant_name, p.words()) for p in policies]
    text = table(("Tenant", "Retention"), rows) if rows else "No tenants yet."
    return Result(data, text)
