"""The sandbox world: account state, clock, event bus, simulation, limits and faults, wired once."""

from __future__ import annotations

import logging
import os
import random
import secrets
import threading
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from zoomadmin.sandbox.clock import SandboxClock
from zoomadmin.sandbox.events import EventBus
from zoomadmin.sandbox.faults import FaultPlan
from zoomadmin.sandbox.ratelimit import RateLimiter
from zoomadmin.sandbox.seed import seed as run_seed
from zoomadmin.sandbox.simulation import Simulation
from zoomadmin.sandbox.state import AccountConfig, SandboxState, Token, secret_id
from zoomadmin.sandbox.wire import iso

SEEDS = ("empty", "demo")

_log = logging.getLogger(__name__)
# What a state file that cannot be read or decoded raises (bad text, bad JSON, wrong shape).
_UNREADABLE = (OSError, ValueError, KeyError, TypeError, AttributeError)


def new_account(token_lifetime: int) -> AccountConfig:
    """Fresh credentials for a sandbox account, from ``secrets``.

    Never from the seed: two sandboxes with the same seed share their data, not their
    credentials, and nothing in the seeded data reveals them.
    """
    return AccountConfig(
        account_id=secret_id(),
        client_id=secret_id(),
        client_secret=secret_id(32),
        webhook_secret=secret_id(),
        subscription_id=secret_id(),
        token_lifetime_seconds=token_lifetime,
    )


def load_state(path: Path) -> SandboxState:
    """An account saved by :func:`save_state`."""
    return SandboxState.from_json(path.read_text(encoding="utf-8"))


def load_state_or_set_aside(path: Path) -> SandboxState | None:
    """The account saved at ``path``; None when there is none or it cannot be read.

    A file that cannot be read or decoded is renamed ``<name>.corrupt-<UTC time>`` (kept
    for a look, never fatal) and a warning is logged, so the caller starts from its seed.
    """
    if not path.exists():
        return None
    try:
        return load_state(path)
    except _UNREADABLE as exc:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        aside = path.with_name(f"{path.name}.corrupt-{stamp}")
        try:
            os.replace(path, aside)
        except OSError as move_error:
            raise OSError(
                f"The sandbox state file {path} cannot be read ({exc}) and cannot be moved "
                f"aside ({move_error}); move or delete it, then start again."
            ) from exc
        _log.warning(
            "The sandbox state file %s could not be read (%s: %s); it was set aside as %s "
            "and the sandbox starts fresh from its seed.",
            path,
            type(exc).__name__,
            exc,
            aside.name,
        )
        return None


#: The state file holds the account's credentials: readable and writable by its owner only.
STATE_FILE_MODE = 0o600


def save_state(state: SandboxState, path: Path) -> None:
    """Write the account atomically (temporary file, fsync, then rename), mode 0600."""
    tmp = path.with_name(path.name + ".tmp")
    descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, STATE_FILE_MODE)
    os.fchmod(descriptor, STATE_FILE_MODE)  # a temporary file left behind may have other bits
    with open(descriptor, "w", encoding="utf-8") as file:
        file.write(state.to_json())
        file.flush()
        # Without it a power cut after the rename can leave an empty or partial file.
        os.fsync(file.fileno())
    os.replace(tmp, path)


@dataclass(frozen=True)
class TickError:
    """The last exception the simulation raised while catching up with the clock."""

    at: datetime
    type: str
    message: str
    traceback: str
    count: int

    def as_json(self) -> dict[str, object]:
        """The error as ``GET /_sandbox/state`` shows it (``at`` in real UTC time)."""
        return {
            "at": iso(self.at),
            "type": self.type,
            "message": self.message,
            "traceback": self.traceback,
            "count": self.count,
        }


class Sandbox:
    """Everything a sandbox account is made of; the HTTP app and the tests share one."""

    def __init__(
        self,
        *,
        seed: str = "empty",
        seed_value: int = 0,
        speed: float = 1.0,
        start_time: datetime | None = None,
        token_lifetime: int = 3599,
        state: SandboxState | None = None,
        faults: str | None = None,
        simulate: bool = True,
        admin_token: str | None = None,
    ) -> None:
        """Build the world; ``state`` (from a file) wins over ``seed``.

        ``admin_token``: when set, ``/_sandbox`` answers any address presenting it (and no
        request without it); when None, it answers loopback clients only.
        """
        if seed not in SEEDS:
            raise ValueError(f"unknown seed {seed!r}: choose one of {', '.join(SEEDS)}")
        if admin_token is not None and not admin_token.strip():
            raise ValueError("the admin token must not be empty: give a long random string")
        self.seed_value = seed_value
        self.admin_token = admin_token
        self.clock = SandboxClock(start_time, speed)
        if state is None:
            state = SandboxState(new_account(token_lifetime))
            run_seed(state, seed, now=self.clock.now(), seed_value=seed_value)
        self.state = state
        self.base_url = "http://127.0.0.1"
        self.bus = EventBus(self.state, self.clock, random.Random(seed_value + 1))
        self.simulation: Simulation | None = None
        if simulate:
            self.simulation = Simulation(
                self.state, self.clock, self.bus, random.Random(seed_value + 2)
            )
            self.clock.add_listener(self.tick)
        self.limiter = RateLimiter.for_state(self.state, self.clock.now)
        self.faults = FaultPlan.parse(faults or "")
        self.rng = random.Random(seed_value + 3)
        self.last_tick_error: TickError | None = None
        self._tick_error_lock = threading.Lock()
        self._apply_webhook_faults()

    @property
    def config(self) -> AccountConfig:
        """The account's credentials and knobs."""
        return self.state.account

    def tick(self) -> None:
        """Let the simulation catch up with the clock."""
        if self.simulation is not None:
            self.simulation.tick()

    def note_tick_error(self, exc: BaseException) -> TickError:
        """Remember ``exc`` as the last tick error (shown by ``GET /_sandbox/state``)."""
        with self._tick_error_lock:
            count = self.last_tick_error.count + 1 if self.last_tick_error else 1
            self.last_tick_error = TickError(
                at=datetime.now(UTC),
                type=type(exc).__name__,
                message=str(exc),
                traceback="".join(traceback.format_exception(exc)),
                count=count,
            )
            return self.last_tick_error

    def issue_token(self, *, kind: str = "access", meeting_uuid: str | None = None) -> Token:
        """A new access (or recording download) token living ``token_lifetime_seconds``."""
        lifetime = self.state.account.token_lifetime_seconds
        if kind == "download":
            lifetime = 24 * 3600
        token = Token(
            value=secrets.token_urlsafe(48),
            expires_at=self.clock.now() + timedelta(seconds=lifetime),
            scopes=self.state.scopes(),
            kind=kind,
            meeting_uuid=meeting_uuid,
        )
        self.state.add_token(token)
        return token

    def set_faults(self, spec: str) -> None:
        """Replace the fault plan (raises ValueError on a bad spec)."""
        self.faults = FaultPlan.parse(spec)
        self._apply_webhook_faults()

    def _apply_webhook_faults(self) -> None:
        plan = self.faults
        self.bus.set_faults(plan.webhook_lost, plan.webhook_dup, random.Random(plan.seed + 1))

    def reset(self, seed: str, seed_value: int) -> None:
        """Re-seed the account in place (credentials stay, so clients keep working)."""
        if seed not in SEEDS:
            raise ValueError(f"unknown seed {seed!r}: choose one of {', '.join(SEEDS)}")
        with self.state.lock:
            fresh = SandboxState(self.state.account)
            run_seed(fresh, seed, now=self.clock.now(), seed_value=seed_value)
            tokens = dict(self.state.tokens)
            subscriptions = dict(self.state.webhook_subscriptions)
            self.state.load_from(fresh)
            self.state.tokens.update(tokens)
            self.state.webhook_subscriptions.update(subscriptions)
        self.limiter.reset()
        self.tick()
