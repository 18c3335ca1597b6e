"""After a real run, no secret or token is in the database, preferences, logs, reprs or errors."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.zoom.conftest import add_users, client_for, credentials_of
from zoomadmin.sandbox import SandboxServer
from zoomadmin.services.accounts import AccountService
from zoomadmin.services.credentials import MemorySecretStore
from zoomadmin.store.db import open_database
from zoomadmin.store.preferences import AccountProfile, PreferencesFile
from zoomadmin.store.quota import SqlQuotaLedger
from zoomadmin.zoom.client import ZoomClient
from zoomadmin.zoom.errors import AuthenticationFailed, ZoomError

WEBHOOK_SECRET = "webhook-secret-token-e1f2a3"


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    """Everything logged at DEBUG, unredacted, into a file under tmp_path."""
    path = tmp_path / "logs" / "zoomadmin.log"
    path.parent.mkdir()
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()


async def _run_a_session(
    sandbox: SandboxServer, tmp_path: Path, admin: Callable[..., dict[str, Any]]
) -> list[str]:
    """Add the profile, do real work with the SQL ledger, hit errors; returns texts to scan."""
    info = sandbox.info
    prefs = PreferencesFile(tmp_path / "settings" / "preferences.json")
    service = AccountService(prefs, MemorySecretStore())
    profile = AccountProfile(
        name="Acme",
        account_id=info.account_id,
        client_id=info.client_id,
        api_url=info.api_url,
        oauth_url=info.oauth_url,
    )
    await service.add(profile, info.client_secret, WEBHOOK_SECRET)
    engine = open_database(f"sqlite:///{tmp_path / 'zoomadmin.db'}")
    texts = [repr(service), repr(profile), repr(credentials_of(sandbox))]
    ids = add_users(sandbox, 5)
    async with client_for(sandbox, ledger=SqlQuotaLedger(engine)) as zoom:
        texts += [repr(zoom), repr(zoom.tokens), repr(await zoom.tokens.token())]
        _ = [u async for u in zoom.iter_users()]
        await zoom.update_user(ids[0], dept="x")
        admin("PUT", "/faults", json={"spec": "drop=1"})
        for call in (zoom.get_user(ids[1]), zoom.create_user("n+1@school.org")):
            try:
                await call
            except ZoomError as exc:
                logging.getLogger("test").exception("call failed: %s", exc)
                texts += [str(exc), repr(exc), exc.user_message]
        admin("DELETE", "/faults")
    async with ZoomClient(credentials_of(sandbox, secret="bad-" + info.client_secret)) as bad:
        with pytest.raises(AuthenticationFailed) as caught:
            await bad.get_me()
        texts += [str(caught.value), repr(caught.value)]
    engine.dispose()
    return texts


def _scan(root: Path, secrets: list[str]) -> list[str]:
    """Names of the files under ``root``; fails if any holds a secret."""
    files = [p for p in root.rglob("*") if p.is_file()]
    for path in files:
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, f"a secret was written to {path.name}"
    return [p.name for p in files]


async def test_no_secret_anywhere_after_a_run(
    sandbox: SandboxServer,
    tmp_path: Path,
    debug_log: Path,
    admin: Callable[..., dict[str, Any]],
) -> None:
    texts = await _run_a_session(sandbox, tmp_path, admin)
    tokens = [t.value for t in sandbox.sandbox.state.tokens.values() if t.kind == "access"]
    secrets = [sandbox.info.client_secret, WEBHOOK_SECRET, *tokens]
    assert tokens
    for handler in logging.getLogger().handlers:
        handler.flush()
    names = _scan(tmp_path, secrets)
    assert {"zoomadmin.db", "preferences.json", "zoomadmin.log"} <= set(names)
    for text in texts:
        for secret in secrets:
            assert secret not in text
    log_text = await asyncio.to_thread(debug_log.read_text, encoding="utf-8")
    assert "Signed in to Zoom" in log_text
    assert "call failed" in log_text
