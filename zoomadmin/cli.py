"""Command line: ``zoomadmin`` opens the app; ``zoomadmin sandbox serve`` runs the sandbox;
``zoomadmin tenants|hosts|sync ...`` are the account commands (:mod:`zoomadmin.commands`)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from zoomadmin import __version__

DESKTOP_FLAGS = frozenset({"--smoke-test"})
DESKTOP_OPTIONS = frozenset({"--basedir", "--screenshot", "--database-url"})
"""The desktop's own options that take a value (``--basedir DIR`` or ``--basedir=DIR``)."""


def _add_desktop_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--basedir",
        metavar="DIR",
        help="keep every file (database, settings, logs, downloads) under DIR",
    )
    parser.add_argument(
        "--screenshot",
        metavar="DIR",
        help="open on the sandbox, save one PNG per tab into DIR once loaded, and exit",
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="open on the sandbox, wait until loaded, check the keyring, print a JSON summary",
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="a PostgreSQL database the desks and the agent of an account share "
        "(postgresql+psycopg://...; default: ZOOMADMIN_DATABASE_URL, else this machine's "
        "SQLite file)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, subcommands included."""
    parser = argparse.ArgumentParser(
        prog="zoomadmin",
        description="Run many Zoom meetings from one Zoom account.",
    )
    parser.add_argument("--version", action="version", version=f"zoomadmin {__version__}")
    _add_desktop_options(parser)
    sub = parser.add_subparsers(dest="command")
    sandbox = sub.add_parser("sandbox", help="the local Zoom look-alike server")
    # Not required: ``zoomadmin sandbox`` alone shows what it can do (see main).
    sandbox.set_defaults(sandbox_help=sandbox.format_help)
    sandbox_sub = sandbox.add_subparsers(dest="sandbox_command", metavar="COMMAND")
    serve = sandbox_sub.add_parser("serve", help="serve a sandbox account until interrupted")
    from zoomadmin.sandbox.cli import add_serve_arguments

    add_serve_arguments(serve)
    from zoomadmin.commands.registry import add_account_commands

    add_account_commands(parser, sub)
    from zoomadmin.agent import add_agent_commands

    add_agent_commands(sub)
    return parser


def desktop_arguments(argv: Sequence[str]) -> argparse.Namespace | None:
    """``argv`` read without the whole parser when all it does is open the desktop (only its
    own options, spelled in full); None when the whole parser must read it (a command, help,
    ``--version``, an abbreviation or anything it would refuse).

    The desktop's start skips registering every account command (~60 ms).
    """
    tokens = list(argv)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        valued = token.partition("=")[0] in DESKTOP_OPTIONS and "=" in token
        if token in DESKTOP_FLAGS or valued:
            index += 1
        elif (
            token in DESKTOP_OPTIONS
            and index + 1 < len(tokens)
            and not tokens[index + 1].startswith("-")
        ):
            index += 2
        else:
            return None
    parser = argparse.ArgumentParser(prog="zoomadmin", add_help=False)
    _add_desktop_options(parser)
    args = parser.parse_args(tokens)
    args.command = None
    return args


def folder_problem(args: argparse.Namespace) -> str | None:
    """Why a folder the app must write to cannot be made or written, in one sentence; else None.

    Makes the folders (``--basedir``'s or the platform's, and ``--screenshot``'s) as it checks.
    """
    from zoomadmin.paths import AppPaths

    option = "--basedir" if args.basedir is not None else None
    folders: list[tuple[Path | None, str | None]] = [(None, option)]
    if args.screenshot:
        folders.append((Path(args.screenshot), "--screenshot"))
    for folder, named in folders:
        try:
            if folder is None:
                paths = AppPaths.from_basedir(args.basedir)
                made = [paths.data_dir, paths.config_dir, paths.log_dir]
            else:
                folder.mkdir(parents=True, exist_ok=True)
                made = [folder]
        except OSError as exc:
            return _cannot_make(exc, named)
        for path in made:
            if not os.access(path, os.W_OK):
                return _cannot_make(PermissionError(13, "Permission denied", str(path)), named)
    return None


def _cannot_make(exc: OSError, option: str | None) -> str:
    where = f" {exc.filename}" if exc.filename else ""
    reason = (exc.strerror or str(exc)).rstrip(".")
    fix = f"choose another with {option}" if option else "choose a folder with --basedir"
    return f"zoomadmin cannot make or write the folder{where} ({reason}): {fix}."


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = desktop_arguments(sys.argv[1:] if argv is None else argv)
    if args is None:
        args = build_parser().parse_args(argv)
    if args.command == "sandbox":
        if args.sandbox_command is None:
            print(args.sandbox_help(), file=sys.stderr, end="")
            return 2
        from zoomadmin.sandbox.cli import serve

        return serve(args)
    # The desktop and every account command keep their files under --basedir.
    problem = folder_problem(args)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    if getattr(args, "agent", False):
        from zoomadmin.agent import run as run_agent

        return run_agent(args)
    if getattr(args, "account_command", None) is not None:
        from zoomadmin.commands.runner import run_command

        return run_command(args)
    from zoomadmin.app import run_app

    return run_app(args)


if __name__ == "__main__":
    sys.exit(main())
