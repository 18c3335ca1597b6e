"""``zoomadmin sandbox serve``: run a sandbox account until interrupted."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from types import FrameType


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``zoomadmin sandbox serve``."""
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (loopback default)")
    parser.add_argument("--port", type=int, default=0, help="port (0 = any free port)")
    parser.add_argument("--seed", choices=("demo", "empty"), default="demo")
    parser.add_argument("--seed-value", type=int, default=0, help="random seed of the world")
    parser.add_argument(
        "--speed", type=float, default=1.0, help="sandbox seconds per real second (0 = frozen)"
    )
    parser.add_argument("--state", type=Path, default=None, help="load/save the account here")
    parser.add_argument("--faults", default=None, help="fault spec, e.g. 5xx=0.05,drop=0.01,seed=7")
    parser.add_argument(
        "--token-lifetime", type=int, default=3599, help="access token lifetime in seconds"
    )
    parser.add_argument(
        "--admin-token",
        default=None,
        help="open the /_sandbox admin API to any address presenting this token "
        "(Authorization: Bearer TOKEN); without it the admin API answers loopback only",
    )
    parser.add_argument(
        "--download-rate",
        type=int,
        default=0,
        metavar="BYTES_PER_SECOND",
        help="bandwidth of each recording download connection (0 = unlimited, the default)",
    )


def serve(args: argparse.Namespace) -> int:
    """Serve until SIGINT or SIGTERM; returns the exit code."""
    # Here, not at the top: ``zoomadmin --help`` and the app list these options without
    # loading the server.
    from zoomadmin.sandbox.faults import FaultSpecError
    from zoomadmin.sandbox.server import SandboxServer, SandboxStartError

    try:
        server = SandboxServer(
            host=args.host,
            port=args.port,
            seed=args.seed,
            seed_value=args.seed_value,
            speed=args.speed,
            state_file=args.state,
            faults=args.faults,
            token_lifetime=args.token_lifetime,
            admin_token=args.admin_token,
            download_rate=args.download_rate,
        )
        info = server.start()
    except (SandboxStartError, FaultSpecError, ValueError, OSError) as exc:
        print(f"zoomadmin sandbox: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        line = {
            "api_url": info.api_url,
            "oauth_url": info.oauth_url,
            "ws_url": info.ws_url,
            "admin_url": info.admin_url,
            "account_id": info.account_id,
            "client_id": info.client_id,
            "client_secret": info.client_secret,
            "webhook_secret": info.webhook_secret,
            "subscription_id": info.subscription_id,
        }
        print(json.dumps(line), flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
