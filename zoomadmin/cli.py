"""Command line: ``zoomadmin`` opens the app; ``zoomadmin sandbox serve`` runs the sandbox;
``zoomadmin tenants|hosts|sync ...`` are the account commands (:mod:`zoomadmin.commands`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from zoomadmin import __version__


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, subcommands included."""
    parser = argparse.ArgumentParser(
        prog="zoomadmin",
        description="Run many Zoom meetings from one Zoom account.",
    )
    parser.add_argument("--version", action="version", version=f"zoomadmin {__version__}")
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
    sub = parser.add_subparsers(dest="command")
    sandbox = sub.add_parser("sandbox", help="the local Zoom look-alike server")
    sandbox_sub = sandbox.add_subparsers(dest="sandbox_command", required=True)
    serve = sandbox_sub.add_parser("serve", help="serve a sandbox account until interrupted")
    from zoomadmin.sandbox.cli import add_serve_arguments

    add_serve_arguments(serve)
    from zoomadmin.commands.registry import add_account_commands

    add_account_commands(parser, sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = build_parser().parse_args(argv)
    if getattr(args, "account_command", None) is not None:
        from zoomadmin.commands.runner import run_command

        return run_command(args)
    if args.command == "sandbox":
        from zoomadmin.sandbox.cli import serve

        return serve(args)
    from zoomadmin.app import run_app

    return run_app(args)


if __name__ == "__main__":
    sys.exit(main())
