"""Credentials and tokens are registered with the log redactor the moment they exist."""

from __future__ import annotations

import logging
from pathlib import Path

from tests.zoom.conftest import client_for, credentials_of
from zoomadmin.logs import setup_logging
from zoomadmin.sandbox import SandboxServer
from zoomadmin.services.credentials import MemorySecretStore, SecretKind


def _log_file(tmp_path: Path) -> Path:
    return tmp_path / "logs" / "zoomadmin.log"


async def test_a_logged_client_secret_and_token_are_redacted(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    handler = setup_logging(tmp_path / "logs")
    log = logging.getLogger("zoomadmin.test")
    try:
        credentials = credentials_of(sandbox)
        async with client_for(sandbox) as zoom:
            token = await zoom.tokens.bearer()
            # Careless code that logs values it should not: the file must still be clean.
            log.warning("secret %s and token %s", credentials.client_secret, token)
            log.warning(f"inline secret={credentials.client_secret} token:{token}")
    finally:
        handler.flush()
        logging.getLogger().removeHandler(handler)
    text = _log_file(tmp_path).read_text(encoding="utf-8")
    assert "[redacted]" in text
    assert credentials.client_secret not in text
    assert token not in text


def test_a_secret_read_from_the_store_is_redacted_when_logged(tmp_path: Path) -> None:
    handler = setup_logging(tmp_path / "logs")
    try:
        store = MemorySecretStore()
        secret = "webhook-secret-token-4711abc"
        store.set("school", SecretKind.WEBHOOK_SECRET, secret)
        logging.getLogger("zoomadmin.test").warning("got %s", secret)
    finally:
        handler.flush()
        logging.getLogger().removeHandler(handler)
    assert secret not in _log_file(tmp_path).read_text(encoding="utf-8")
