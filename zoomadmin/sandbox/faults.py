"""Injected faults (5xx, dropped connections, slow answers, 429 bursts), deterministic per seed."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

_NAMES = ("5xx", "drop", "slow", "burst429", "webhook_lost", "webhook_dup", "seed", "oauth")


class FaultSpecError(ValueError):
    """A fault spec that cannot be parsed; the message says which part and why."""


@dataclass(slots=True)
class FaultPlan:
    """Probabilities of each HTTP fault plus webhook faults, drawn from a seeded generator."""

    p_5xx: float = 0.0
    drop: float = 0.0
    slow: float = 0.0
    slow_seconds: float = 1.0
    burst429: float = 0.0
    webhook_lost: float = 0.0
    webhook_dup: float = 0.0
    seed: int = 0
    oauth: bool = False
    spec: str = ""
    rng: random.Random = field(default_factory=random.Random)

    @classmethod
    def parse(cls, spec: str) -> FaultPlan:
        """Parse ``name=probability[:arg]`` items separated by commas (e.g. ``5xx=0.05,seed=7``)."""
        plan = cls(spec=spec.strip())
        for item in filter(None, (part.strip() for part in spec.split(","))):
            name, sep, value = item.partition("=")
            name = name.strip()
            if not sep or name not in _NAMES:
                raise FaultSpecError(
                    f"bad fault {item!r}: expected name=probability with name one of "
                    + ", ".join(_NAMES)
                )
            plan._set(name, value.strip(), item)
        plan.rng = random.Random(plan.seed)
        return plan

    def _set(self, name: str, value: str, item: str) -> None:
        raw, _, arg = value.partition(":")
        try:
            number = float(raw)
            extra = float(arg) if arg else None
        except ValueError as exc:
            raise FaultSpecError(f"bad fault {item!r}: {raw!r} is not a number") from exc
        if name == "seed":
            self.seed = int(number)
            return
        if name == "oauth":
            self.oauth = number != 0
            return
        if not 0.0 <= number <= 1.0:
            raise FaultSpecError(f"bad fault {item!r}: probability must be within 0..1")
        attr = "p_5xx" if name == "5xx" else name
        setattr(self, attr, number)
        if name == "slow" and extra is not None:
            self.slow_seconds = extra

    @property
    def active(self) -> bool:
        """True when any HTTP fault can happen."""
        return bool(self.p_5xx or self.drop or self.slow or self.burst429)

    def draw(self) -> tuple[str | None, float]:
        """The HTTP fault for one request (``None`` for none) and the delay to add first."""
        rng = self.rng
        delay = self.slow_seconds if self.slow and rng.random() < self.slow else 0.0
        if self.drop and rng.random() < self.drop:
            return "drop", delay
        if self.p_5xx and rng.random() < self.p_5xx:
            return "5xx", delay
        if self.burst429 and rng.random() < self.burst429:
            return "burst429", delay
        return None, delay
