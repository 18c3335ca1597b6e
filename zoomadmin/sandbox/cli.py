"""``zoomadmin sandbox serve``: run a sandbox account until interrupted."""

from __future__ import annotations

import argparse


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``zoomadmin sandbox serve``."""
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)


def serve(args: argparse.Namespace) -> int:
    """Serve until SIGINT or SIGTERM; returns the exit code."""
    raise NotImplementedError("the sandbox server is not built yet")
