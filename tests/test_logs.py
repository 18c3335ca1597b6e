"""Logging: secrets logged in every usual shape never reach the file; files rotate."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from zoomadmin.core.redaction import REDACTED, redact, register_secret, unregister_secret
from zoomadmin.logs import json_stderr_logging, setup_logging

SECRET = "s3cr3t-Client-Value-42"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.payload.sig"


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    handler = setup_logging(tmp_path / "logs")
    yield tmp_path / "logs" / "zoomadmin.log"
    logging.getLogger().removeHandler(handler)
    handler.close()


def _flush() -> None:
    for h in logging.getLogger().handlers:
        h.flush()


def test_secrets_never_reach_the_file(log_file: Path) -> None:
    register_secret(SECRET)
    try:
        log = logging.getLogger("zoomadmin.test")
        log.info("client secret is %s", SECRET)
        log.info("plain f-string " + SECRET)
        log.warning("dict %s", {"Authorization": f"Bearer {TOKEN}"})
        log.info("HTTP Request: GET https://x/ws?access_token=%s&x=1", TOKEN)
        log.info("POST body client_id=abc&client_secret=whatever-here")
        log.info('token response {"access_token": "%s", "expires_in": 3599}', TOKEN)
        log.info("header Authorization: Basic YWJjOmRlZg==")
        try:
            raise RuntimeError(f"failed with {SECRET}")
        except RuntimeError:
            log.exception("request failed")
        log.info("stack", stack_info=True, extra={"note": "x"})
        _flush()
        text = log_file.read_text()
    finally:
        unregister_secret(SECRET)
    for leaked in (SECRET, TOKEN, "whatever-here", "YWJjOmRlZg=="):
        assert leaked not in text
    assert text.count(REDACTED) >= 8
    assert "request failed" in text and "RuntimeError" in text
    assert "x=1" in text and "client_id=abc" in text and "expires_in" in text


def test_child_loggers_and_url_encoded_secrets_are_redacted(log_file: Path) -> None:
    secret = "a/b+c=d secret"
    register_secret(secret)
    try:
        logging.getLogger("zoomadmin.zoom.transport").warning("GET /x?key=a%2Fb%2Bc%3Dd%20secret")
        logging.getLogger("zoomadmin.zoom.client").error("%r", {"k": secret})
        _flush()
        text = log_file.read_text()
    finally:
        unregister_secret(secret)
    assert "GET /x?key=" in text  # both lines reached the file...
    assert "a%2Fb%2Bc%3Dd%20secret" not in text  # ...without the secret in either form
    assert secret not in text


def test_format_has_utc_timestamp(log_file: Path) -> None:
    logging.getLogger("zoomadmin.x").warning("hello")
    _flush()
    line = log_file.read_text().splitlines()[-1]
    assert line.endswith("WARNING zoomadmin.x: hello")
    assert line[4] == "-" and line[10] == "T" and line[23] == "Z"


def test_unregistered_and_short_values_are_left_alone() -> None:
    register_secret("abc")
    assert redact("abc def") == "abc def"
    register_secret("long-enough-value")
    unregister_secret("long-enough-value")
    assert redact("long-enough-value") == "long-enough-value"


def test_rotation_keeps_a_bounded_number_of_files(tmp_path: Path) -> None:
    handler = setup_logging(tmp_path, max_bytes=2000, backup_count=3)
    try:
        log = logging.getLogger("zoomadmin.rotate")
        for i in range(200):
            log.info("line %d %s", i, "x" * 50)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["zoomadmin.log", "zoomadmin.log.1", "zoomadmin.log.2", "zoomadmin.log.3"]


def test_setup_twice_does_not_duplicate_lines(tmp_path: Path) -> None:
    first = setup_logging(tmp_path)
    second = setup_logging(tmp_path)
    try:
        assert first not in logging.getLogger().handlers
        logging.getLogger("zoomadmin.once").warning("only once")
        second.flush()
    finally:
        logging.getLogger().removeHandler(second)
        second.close()
    assert (tmp_path / "zoomadmin.log").read_text().count("only once") == 1


def test_the_json_log_leaves_out_alembics_plugin_list(capsys: pytest.CaptureFixture[str]) -> None:
    handler = json_stderr_logging()
    try:
        logging.getLogger("alembic.runtime.plugins").info("setup plugin alembic.autogenerate")
        logging.getLogger("alembic.runtime.migration").info("Running upgrade 0008 -> 0009")
    finally:
        logging.getLogger().removeHandler(handler)
    err = capsys.readouterr().err
    assert "setup plugin" not in err
    assert "Running upgrade" in err
