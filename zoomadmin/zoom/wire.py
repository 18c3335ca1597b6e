"""Small pieces of Zoom's wire format: path encoding, Retry-After, headers, backoff policy."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import httpx


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry what is safe to retry."""

    max_attempts: int = 5  # network errors and 5xx of idempotent calls
    max_rate_retries: int = 8  # per-second 429s
    base_delay: float = 0.2
    max_delay: float = 8.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Exponential backoff with full jitter, so many waiting callers spread out."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** max(0, attempt - 1)))
        return rng.uniform(ceiling / 2, ceiling)


def encode_segment(value: str | int) -> str:
    """One path segment; meeting UUIDs starting with '/' or holding '//' are double-encoded."""
    text = str(value)
    once = quote(text, safe="")
    # Zoom quirk: such UUIDs must be URL-encoded twice or Zoom reads them as a path.
    if text.startswith("/") or "//" in text:
        return quote(once, safe="")
    return once


def expand(template: str, params: dict[str, str | int] | None) -> str:
    """Fill ``{name}`` placeholders of a path template with encoded values."""
    if not params:
        return template
    return template.format(**{k: encode_segment(v) for k, v in params.items()})


def parse_retry_after(value: str | None, now: datetime) -> tuple[float | None, datetime | None]:
    """``Retry-After`` as (seconds to wait, absolute moment); Zoom sends ISO times on daily 429s."""
    if not value:
        return None, None
    value = value.strip()
    try:
        return max(0.0, float(value)), None
    except ValueError:
        pass
    moment: datetime | None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None, None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - now).total_seconds()), moment.astimezone(UTC)


def int_header(response: httpx.Response, name: str) -> int | None:
    try:
        return int(response.headers.get(name, ""))
    except ValueError:
        return None


def json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
