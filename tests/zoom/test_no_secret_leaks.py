"""After a real run, no secret or token is in the database, preferences, logs, reprs or errors."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.zoom.conftest import FAST_RETRY, credentials_of
from zoomadmin.account.runtime import AccountRuntime
from zoomadmin.core.profiles import AccountProfile
from zoomadmin.logs import setup_logging
from zoomadmin.paths import LOG_NAME
from zoomadmin.sandbox import SandboxServer
from zoomadmin.services.accounts import AccountService
from zoomadmin.services.connection import ActiveAccount
from zoomadmin.services.credentials import MemorySecretStore
from zoomadmin.store.preferences import PreferencesFile
from zoomadmin.store.repositories import Store
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.errors import AuthenticationFailed, ZoomError
from zoomadmin.zoom.models import MeetingRequest

WEBHOOK_SECRET = "webhook-secret-token-e1f2a3"


@pytest.fixture
def logs(tmp_path: Path) -> Iterator[Path]:
    """The app's rotating log at DEBUG, plus an unredacted raw copy of every record.

    The raw copy shows that the code does not log secrets in the first place; the app's
    own log shows what a user would find on disk. Both are scanned.
    """
    root = logging.getLogger()
    old_level = root.level
    app_handler = setup_logging(tmp_path / "logs", level=logging.DEBUG)
    raw_path = tmp_path / "raw" / "debug.log"
    raw_path.parent.mkdir()
    raw = logging.FileHandler(raw_path, encoding="utf-8")
    raw.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root.addHandler(raw)
    try:
        yield raw_path
    finally:
        for handler in (raw, app_handler):
            root.removeHandler(handler)
            handler.close()
        root.setLevel(old_level)


def _profile(sandbox: SandboxServer) -> AccountProfile:
    info = sandbox.info
    return AccountProfile(
        name="Acme",
        account_id=info.account_id,
        client_id=info.client_id,
        api_url=info.api_url,
        oauth_url=info.oauth_url,
    )


async def _work(zoom: ZoomClient, store: Store, sandbox: SandboxServer) -> None:
    """Users and a meeting made through the API, then a full sync into the database."""
    for n in range(3):
        await zoom.create_user(f"teacher+{n}@school.example.org")
    start = sandbox.sandbox.clock.now()
    await zoom.create_meeting("me", MeetingRequest(topic="Algebra", start_time=start, duration=30))
    account = ActiveAccount("Zoom: Acme", zoom)
    runtime = AccountRuntime(account=account, store=store, clock=sandbox.sandbox.clock)
    await runtime.services.sync.sync()


async def _errors(zoom: ZoomClient, admin: Callable[..., dict[str, Any]]) -> list[str]:
    """Errors the run hits (a lost create, a missing user), logged with their traceback."""
    texts: list[str] = []
    admin("PUT", "/faults", json={"spec": "drop=1"})
    for call in (zoom.get_user("no-such-user"), zoom.create_user("n+1@school.org")):
        try:
            await call
        except ZoomError as exc:
            logging.getLogger("test").exception("call failed: %s", exc)
            texts += [str(exc), repr(exc), exc.user_message]
    admin("DELETE", "/faults")
    return texts


async def _run_a_session(
    sandbox: SandboxServer, tmp_path: Path, admin: Callable[..., dict[str, Any]]
) -> list[str]:
    """Add the profile, sign in from the stored secret, work, hit errors; returns texts."""
    prefs = PreferencesFile(tmp_path / "settings" / "preferences.json")
    service = AccountService(prefs, MemorySecretStore())
    profile = _profile(sandbox)
    await service.add(profile, sandbox.info.client_secret, WEBHOOK_SECRET)
    credentials = await service.credentials(profile.name)
    texts = [repr(service), repr(profile), repr(credentials)]
    store = Store.open_file(tmp_path / "data" / "zoomadmin.sqlite3")
    now = sandbox.sandbox.clock.now
    try:
        async with ZoomClient(credentials, ledger=store.quota, retry=FAST_RETRY, now=now) as zoom:
            texts += [repr(zoom), repr(zoom.tokens), repr(await zoom.tokens.token())]
            await _work(zoom, store, sandbox)
            texts += await _errors(zoom, admin)
    finally:
        store.close()
    async with ZoomClient(
        credentials_of(sandbox, secret="bad-" + credentials.client_secret)
    ) as bad:
        with pytest.raises(AuthenticationFailed) as caught:
            await bad.get_me()
        texts += [str(caught.value), repr(caught.value)]
    return texts


def _scan(root: Path, secrets: list[str]) -> list[str]:
    """Names of the files under ``root``; fails if any holds a secret."""
    files = [p for p in root.rglob("*") if p.is_file()]
    for path in files:
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, f"a secret was written to {path.name}"
    return [p.name for p in files]


def _check_disk(tmp_path: Path, raw_log: Path, secrets: list[str]) -> None:
    """No secret in any file; the files a run leaves are all there, with real content."""
    names = _scan(tmp_path, secrets)
    assert {"zoomadmin.sqlite3", "preferences.json", LOG_NAME, "debug.log"} <= set(names)
    app_log = (tmp_path / "logs" / LOG_NAME).read_text(encoding="utf-8")
    for log_text in (app_log, raw_log.read_text(encoding="utf-8")):
        assert "Signed in to Zoom" in log_text
        assert "Added account profile 'Acme'" in log_text
        assert "call failed" in log_text and "Traceback" in log_text
    assert "GET /users -> 200" in app_log  # requests were logged, at DEBUG
    # The database really holds what the sync read (so the scan had something to scan).
    stored = b"".join(p.read_bytes() for p in (tmp_path / "data").iterdir())
    assert b"teacher+0@school.example.org" in stored


async def test_no_secret_anywhere_after_a_run(
    sandbox: SandboxServer,
    tmp_path: Path,
    logs: Path,
    admin: Callable[..., dict[str, Any]],
) -> None:
    texts = await _run_a_session(sandbox, tmp_path, admin)
    tokens = [t.value for t in sandbox.sandbox.state.tokens.values() if t.kind == "access"]
    secrets = [sandbox.info.client_secret, WEBHOOK_SECRET, *tokens]
    assert tokens
    for handler in logging.getLogger().handlers:
        handler.flush()
    for text in texts:
        for secret in secrets:
            assert secret not in text
    _check_disk(tmp_path, logs, secrets)
