"""The embedded sandbox serves on the same port after a restart when it is free, so the
download links a client indexed keep working (Zoom's links do not move either)."""

from __future__ import annotations

import socket
from pathlib import Path

from zoomadmin.sandbox import SandboxServer


def _port(info_url: str) -> int:
    return int(info_url.rsplit(":", 1)[1].split("/", 1)[0])


def test_the_last_port_is_taken_again_and_another_when_it_is_busy(tmp_path: Path) -> None:
    port_file = tmp_path / "port"
    first = SandboxServer(seed="empty", port_file=port_file)
    used = _port(first.start().api_url)
    first.stop()
    assert port_file.read_text() == str(used)

    again = SandboxServer(seed="empty", port_file=port_file)
    assert _port(again.start().api_url) == used
    again.stop()

    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", used))
        squatter.listen(1)
        moved = SandboxServer(seed="empty", port_file=port_file)
        other = _port(moved.start().api_url)
        moved.stop()
    assert other != used and port_file.read_text() == str(other)
