"""Logging: a rotating file in the log dir, UTC timestamps, and redaction of every secret."""

from __future__ import annotations

import json
import logging
import logging.handlers
import time
from pathlib import Path

from zoomadmin.core.redaction import redact
from zoomadmin.paths import LOG_NAME

MAX_BYTES = 2 * 1024 * 1024
BACKUP_COUNT = 5
FORMAT = "%(asctime)s.%(msecs)03dZ %(levelname)-7s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"


class RedactingFilter(logging.Filter):
    """Rewrites each record so no secret survives: message, arguments, traceback, stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact ``record`` in place; always lets it through."""
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class UtcFormatter(logging.Formatter):
    """Timestamps in UTC, as everything else inside zoomadmin."""

    def converter(self, timestamp: float | None) -> time.struct_time:
        """UTC instead of local time."""
        return time.gmtime(timestamp)


class JsonFormatter(logging.Formatter):
    """One JSON object per line (``ts``, ``level``, ``logger``, ``msg``, ``exc``): the agent's
    stderr, for journald and log shippers. Redaction happens in the filter, before this."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        line = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_text:
            line["exc"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


QUIET = ("alembic.runtime.plugins",)
"""Loggers whose info lines say nothing an operator acts on (Alembic lists its plugins on
every start); their warnings still show."""


def _quiet_chatter() -> None:
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


def json_stderr_logging(*, level: int = logging.INFO) -> logging.Handler:
    """Send the root logger to stderr as JSON lines, secrets redacted; returns the handler."""
    _quiet_chatter()
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingFilter())
    handler.set_name("zoomadmin-json")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "zoomadmin-json"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def setup_logging(
    log_dir: Path,
    *,
    level: int = logging.INFO,
    max_bytes: int = MAX_BYTES,
    backup_count: int = BACKUP_COUNT,
) -> logging.Handler:
    """Send the root logger to a rotating ``zoomadmin.log`` in ``log_dir``; returns the handler.

    Calling it again replaces the handler it installed before, so tests and restarts do not
    write every line twice.
    """
    _quiet_chatter()
    log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        log_dir / LOG_NAME, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8"
    )
    handler.setFormatter(UtcFormatter(FORMAT, DATE_FORMAT))
    handler.addFilter(RedactingFilter())
    handler.set_name("zoomadmin-file")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "zoomadmin-file"]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level)
    return handler
