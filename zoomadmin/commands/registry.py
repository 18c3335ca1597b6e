"""The account commands the command line offers, and what each needs to run.

Adding a command group: write ``zoomadmin/commands/NAME.py`` with a ``register(sub)``
that adds its parsers (each leaf with ``parents=[common_options()]`` and
``set_defaults(account_command=AccountCommand(...))``), then add ``NAME`` to
:data:`GROUPS`. Keep the module's top-level imports light (the desktop builds this parser
at start-up): import services inside the action.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zoomadmin.account.runtime import AccountRuntime
    from zoomadmin.commands.output import Output, Result

GROUPS = (
    "tenants",
    "hosts",
    "sync",
    "curriculum",
    "queue",
    "calendar",
    "session",
    "pool",
    "recordings",
    "settings",
)
"""The modules of :mod:`zoomadmin.commands` that add subcommands, in ``--help`` order."""

SubParsers = argparse._SubParsersAction
"""argparse's type of ``add_subparsers()`` (generic in the parser class)."""
Action = Callable[["AccountRuntime", argparse.Namespace, "Output"], Awaitable["Result"]]
"""What a command does on an open account: its result (or it raises an ``AppError``)."""


@dataclass(frozen=True)
class AccountCommand:
    """One leaf command (``tenants list``): its action on the opened account."""

    action: Action
    first_sync: bool = True
    """Whether a never-synced account is synced first (the desktop's first open). The
    sandbox's demo set-up runs before every command the first time either way."""


def common_options() -> argparse.ArgumentParser:
    """Options every account command takes after its name (``--json``)."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--json",
        action="store_true",
        help="print exactly one JSON document on stdout (progress stays on stderr)",
    )
    return parent


def add_account_commands(
    parser: argparse.ArgumentParser, sub: SubParsers[argparse.ArgumentParser]
) -> None:
    """``--account NAME`` and every group of :data:`GROUPS` on the ``zoomadmin`` parser."""
    parser.add_argument(
        "--account",
        metavar="NAME",
        help="the saved account profile the account commands work on (default: the "
        "sandbox; ZOOMADMIN_ACCOUNT_ID and the other ZOOMADMIN_ variables come first)",
    )
    for name in GROUPS:
        register: Callable[[SubParsers[argparse.ArgumentParser]], None] = importlib.import_module(
            f"zoomadmin.commands.{name}"
        ).register
        register(sub)
