"""Runs one account command: choose and open the account, act, print, close; the exit code."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os

from zoomadmin.commands.account_choice import OpenOptions, choose_account, opened_account
from zoomadmin.commands.output import Output, Result
from zoomadmin.commands.registry import AccountCommand
from zoomadmin.core.actor import os_login, set_default_actor
from zoomadmin.core.errors import AppError
from zoomadmin.logs import setup_logging
from zoomadmin.paths import AppPaths, database_url

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_REFUSED = 1
"""An ``AppError``: the command was refused, or the account or Zoom could not be reached."""
EXIT_USAGE = 2
"""argparse's own code for bad usage."""
EXIT_BUG = 3
"""Something failed that should not have (a bug of ours): the log has the details."""
EXIT_INTERRUPTED = 130


def command_line_actor() -> str:
    """Who the audit log names for a change made from the command line."""
    return f"{os_login()} (command line)"


def run_command(args: argparse.Namespace) -> int:
    """Run ``args.account_command`` (a leaf command); returns the process exit code."""
    output = Output(as_json=bool(args.json))
    paths = AppPaths.from_basedir(args.basedir)
    handler = setup_logging(paths.log_dir)
    set_default_actor(command_line_actor())
    try:
        return asyncio.run(_run(args, paths, output))
    except KeyboardInterrupt:
        output.error("Interrupted.", "interrupted")
        return EXIT_INTERRUPTED
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()


async def _run(args: argparse.Namespace, paths: AppPaths, output: Output) -> int:
    command: AccountCommand = args.account_command
    try:
        result = await _act(command, args, paths, output)
    except AppError as exc:
        log.info("Command refused: %s", exc.user_message)
        output.refusal(exc)
        return EXIT_REFUSED
    except Exception:
        log.exception("The command failed")
        output.error(
            f"The command failed unexpectedly; the details are in {paths.log_file}.", "internal"
        )
        return EXIT_BUG
    output.result(result)
    return EXIT_REFUSED if result.refused else EXIT_OK


async def _act(
    command: AccountCommand, args: argparse.Namespace, paths: AppPaths, output: Output
) -> Result:
    choice = choose_account(args.account, os.environ, output.progress)
    options = OpenOptions(database_url=database_url(args.database_url, os.environ))
    async with opened_account(paths, choice, output.progress, options) as runtime:
        if command.first_sync or runtime.account.is_sandbox:
            report = await runtime.services.first_open.run(output.progress)
            if report is not None:
                output.progress(report.summary)
        return await command.action(runtime, args, output)
