"""``zoomadmin settings drift|apply|policy show|set``: tenants' settings policies in Zoom."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING

from zoomadmin.commands.output import Json, Output, Result, plural, table
from zoomadmin.commands.registry import AccountCommand, SubParsers, common_options
from zoomadmin.commands.tenants import find_tenant
from zoomadmin.core.errors import AppError, EnvironmentFault

if TYPE_CHECKING:
    from zoomadmin.account.runtime import AccountRuntime
    from zoomadmin.core.policy import TenantPolicy
    from zoomadmin.services.drift import DriftRow
    from zoomadmin.services.host_settings import ApplyResult


class UnreadablePolicy(EnvironmentFault):
    """The JSON file given to ``settings policy set`` cannot be read."""


class NeedsConfirmation(AppError):  # noqa: N818 - named for what the person sees
    """``settings apply`` writes to Zoom only when told ``--yes``."""


class UnknownHost(AppError):  # noqa: N818 - named for what the person sees
    """``--host`` names no host of the tenant."""


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    """``settings drift``, ``settings apply``, ``settings policy show`` and ``policy set``."""
    group = sub.add_parser("settings", help="hosts' settings against their tenant's policy")
    leaves = group.add_subparsers(dest="settings_command", required=True, metavar="COMMAND")
    common = [common_options()]
    drift = leaves.add_parser(
        "drift", parents=common, help="read hosts' settings; exit 1 when any differ from policy"
    )
    drift.add_argument("--tenant", metavar="NAME", help="only the hosts of this tenant")
    drift.set_defaults(account_command=AccountCommand(settings_drift))
    apply = leaves.add_parser("apply", parents=common, help="write the policy to hosts in Zoom")
    apply.add_argument("--tenant", required=True, metavar="NAME")
    apply.add_argument("--host", metavar="EMAIL", help="only this host (default: every host)")
    apply.add_argument("--yes", action="store_true", help="write without asking")
    apply.set_defaults(account_command=AccountCommand(settings_apply))
    policy = leaves.add_parser("policy", help="a tenant's settings policy (show, set)")
    actions = policy.add_subparsers(dest="policy_command", required=True, metavar="COMMAND")
    show = actions.add_parser("show", parents=common, help="the tenant's policy as JSON")
    show.add_argument("--tenant", required=True, metavar="NAME")
    show.set_defaults(account_command=AccountCommand(policy_show))
    put = actions.add_parser("set", parents=common, help="replace the tenant's policy")
    put.add_argument("--tenant", required=True, metavar="NAME")
    put.add_argument("file", type=Path, metavar="FILE.json", help="as `policy show` prints it")
    put.set_defaults(account_command=AccountCommand(policy_set))


def drift_text(rows: list[DriftRow]) -> str:
    """The drift rows for a person."""
    if not rows:
        return "Every host read matches its tenant's policy."
    lines = [
        (r.email, r.key, json.dumps(r.expected), json.dumps(r.actual), r.layer, r.locked)
        for r in rows
    ]
    return table(("Host", "Setting", "Policy", "In Zoom", "Layer", "Locked"), lines)


async def settings_drift(runtime: AccountRuntime, args: argparse.Namespace, out: Output) -> Result:
    """Read every host's settings (``--tenant``: one tenant's), then the rows that differ."""
    tenant_id = (await find_tenant(runtime, args.tenant)).id if args.tenant else None
    drift = runtime.services.drift

    def progress(done: int, total: int) -> None:
        out.progress(f"Read {done} of {total} hosts…")

    scan = await drift.scan(tenant_id, progress=progress)
    rows = await drift.rows(tenant_id)
    data = {"rows": [r.to_json() for r in rows], "hosts_read": scan.read + scan.kept}
    data["failed"] = [{"host_id": h, "message": m} for h, m in scan.failed.items()]
    problem = ""
    if rows:
        hosts = len({r.host_id for r in rows})
        problem = f"{plural(len(rows), 'setting')} differ from policy on {plural(hosts, 'host')}."
    return Result(data, drift_text(rows), refused=problem)


def results_json(results: list[ApplyResult]) -> Json:
    """Per-host results of a re-apply."""
    return [
        {
            "host": r.email,
            "ok": r.ok,
            "changed": {k: {"old": old, "new": new} for k, (old, new) in r.changed.items()},
            "remaining": list(r.remaining),
            "error": r.error or None,
        }
        for r in results
    ]


async def settings_apply(runtime: AccountRuntime, args: argparse.Namespace, out: Output) -> Result:
    """Write the tenant's policy to its hosts (or one), audited; per-host results."""
    tenant = await find_tenant(runtime, args.tenant)
    hosts = await runtime.services.drift.host_choices(tenant.id)
    if args.host:
        wanted = args.host.strip().casefold()
        hosts = [h for h in hosts if h[1].casefold() == wanted]
        if not hosts:
            raise UnknownHost(f"{args.host} is not a host of “{tenant.name}”.")
    if not args.yes:
        raise NeedsConfirmation(
            f"This writes the policy of “{tenant.name}” to {plural(len(hosts), 'host')} in "
            "Zoom (each change is audited): run it again with --yes."
        )
    out.progress(f"Writing the policy to {plural(len(hosts), 'host')}…")
    results = await runtime.services.policies.apply([h[0] for h in hosts])
    lines = [f"{r.email}: {r.summary()}" for r in results]
    failed = [r for r in results if not r.ok]
    problem = f"{len(failed)} of {len(results)} hosts do not match yet." if failed else ""
    return Result({"results": results_json(results)}, "\n".join(lines), refused=problem)


def policy_json(tenant: str, record: TenantPolicy) -> Json:
    """A tenant's policy as ``policy show`` prints it (``policy set`` reads it back)."""
    return {
        "tenant": tenant,
        **record.policy.to_json(),
        "zoom_group": {"id": record.group_id, "name": record.group_name}
        if record.group_id
        else None,
    }


def policy_text(tenant: str, record: TenantPolicy) -> str:
    """A tenant's policy for a person."""
    held = "in the Zoom group “" + record.group_name + "”" if record.group_id else "per user"
    rows = [
        (e.key, json.dumps(e.value), "locked" if e.locked else "") for e in record.policy.entries
    ]
    head = f"“{record.policy.name}” of “{tenant}”, held {held}:"
    return head + "\n" + table(("Setting", "Value", "Lock"), rows)


async def policy_show(runtime: AccountRuntime, args: argparse.Namespace, _out: Output) -> Result:
    """The tenant's policy (its default until one is saved)."""
    tenant = await find_tenant(runtime, args.tenant)
    record = await runtime.services.policies.policy(tenant.id)
    return Result(policy_json(tenant.name, record), policy_text(tenant.name, record))


async def policy_set(runtime: AccountRuntime, args: argparse.Namespace, out: Output) -> Result:
    """Replace the tenant's policy with the file's (validated as the editor does)."""
    from zoomadmin.core.policy import SettingsPolicy

    tenant = await find_tenant(runtime, args.tenant)
    data = await asyncio.to_thread(read_json, args.file)
    policy = SettingsPolicy.from_json(data)
    out.progress(f"Saving the policy of “{tenant.name}”…")
    record = await runtime.services.policies.set_policy(tenant.id, policy)
    return Result(policy_json(tenant.name, record), policy_text(tenant.name, record))


def read_json(path: Path) -> dict[str, object]:
    """The JSON object in ``path``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UnreadablePolicy(
            f"The file {path} cannot be read as JSON ({type(exc).__name__}); write it as "
            "`zoomadmin settings policy show --json` prints a policy."
        ) from None
    if not isinstance(data, dict):
        raise UnreadablePolicy(f"The file {path} holds no JSON object; a policy is one.")
    return data
