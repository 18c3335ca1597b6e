"""Registering the account commands keeps building the parser light (the desktop builds it
at every start)."""

from __future__ import annotations

import subprocess
import sys


def test_building_the_parser_loads_no_service_store_or_zoom_client() -> None:
    probe = (
        "import sys\nfrom zoomadmin.cli import build_parser\nbuild_parser()\n"
        "print('\\n'.join(sorted(sys.modules)))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    modules = set(result.stdout.split())
    assert "zoomadmin.commands.hosts" in modules
    heavy = {
        "zoomadmin.account.runtime",
        "zoomadmin.services.hosts",
        "zoomadmin.store.repositories",
        "zoomadmin.zoom.client",
        "httpx",
        "sqlalchemy",
        "PySide6",
    }
    assert not heavy & modules
