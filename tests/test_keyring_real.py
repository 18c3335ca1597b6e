"""The real OS keyring path: SecretService from gnome-keyring in a private D-Bus session."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from zoomadmin.services.credentials import (
    SERVICE_NAME,
    KeyringSecretStore,
    SecretKind,
    backend_problem,
)

pytestmark = pytest.mark.keyring

SECRET = "real-keyring-secret-5b1c"


def _skip_reason() -> str | None:
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return "not inside a D-Bus session (scripts/test.sh runs pytest under dbus-run-session)"
    if shutil.which("gnome-keyring-daemon") is None:
        return "gnome-keyring-daemon is not installed (scripts/setup.sh installs it)"
    return None


@pytest.fixture
def gnome_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An unlocked gnome-keyring in a throwaway HOME, on this process's private session bus."""
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    home = tmp_path / "home"
    for sub in ("data", "config", "cache", "runtime"):
        (home / sub).mkdir(parents=True)
    (home / "runtime").chmod(0o700)
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_RUNTIME_DIR": str(home / "runtime"),
    }
    for name in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"):
        monkeypatch.setenv(name, env[name])
    program = shutil.which("gnome-keyring-daemon") or "gnome-keyring-daemon"
    # The daemon reads the password that unlocks its new login keyring from stdin.
    daemon = subprocess.run(  # noqa: S603 - fixed arguments
        [program, "--replace", "--unlock", "--components=secrets", "--daemonize"],
        input=b"test-password\n",
        env=env,
        capture_output=True,
        timeout=20,
        check=True,
    )
    pids = [
        line.split("=", 1)[1]
        for line in daemon.stdout.decode().splitlines()
        if line.startswith("GNOME_KEYRING_PID=")
    ]
    yield
    for pid in pids:
        if pid.isdigit():
            os.kill(int(pid), 15)


def _secret_service_backend() -> object:
    from keyring.backends import SecretService

    backend = SecretService.Keyring()
    # The daemon registers on the bus a moment after it forks.
    deadline = time.monotonic() + 10
    while True:
        try:
            backend.get_password(SERVICE_NAME, "probe")
            return backend
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_secret_round_trips_through_gnome_keyring(gnome_keyring: None) -> None:
    import keyring
    import keyring.core

    backend = _secret_service_backend()
    previous = keyring.get_keyring()
    keyring.core.set_keyring(backend)
    try:
        assert backend_problem(backend) is None
        store = KeyringSecretStore()
        store.check()
        store.set("acme", SecretKind.CLIENT_SECRET, SECRET)
        assert store.get("acme", SecretKind.CLIENT_SECRET) == SECRET
        assert keyring.get_password(SERVICE_NAME, "acme:client_secret") == SECRET
        store.delete("acme", SecretKind.CLIENT_SECRET)
        assert store.get("acme", SecretKind.CLIENT_SECRET) is None
    finally:
        keyring.core.set_keyring(previous)
