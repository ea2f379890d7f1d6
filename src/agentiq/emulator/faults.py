"""Per-seller fault switches: injected errors, latency, hangs, broken payloads."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

INJECTABLE_STATUSES = (429, 500, 502, 503)


@dataclass
class FaultConfig:
    """Probabilities are per request (0..1). All zero means a healthy WB."""

    error_rate: dict[int, float] = field(default_factory=dict)
    latency_ms: int = 0
    timeout_rate: float = 0.0
    # How long a "timeout" request hangs; longer than any sane client timeout.
    timeout_s: float = 60.0
    malformed_json_rate: float = 0.0
    broken_item_rate: float = 0.0

    def __post_init__(self) -> None:
        self.error_rate = {int(k): float(v) for k, v in self.error_rate.items()}
        for status in self.error_rate:
            if status not in INJECTABLE_STATUSES:
                raise ValueError(f"status {status} cannot be injected; use {INJECTABLE_STATUSES}")

    def pick_error(self, rng: random.Random) -> int | None:
        roll = rng.random()
        acc = 0.0
        for status, rate in sorted(self.error_rate.items()):
            acc += rate
            if roll < acc:
                return status
        return None

    def to_dict(self) -> dict[str, object]:
        return {
            "error_rate": {str(k): v for k, v in self.error_rate.items()},
            "latency_ms": self.latency_ms,
            "timeout_rate": self.timeout_rate,
            "timeout_s": self.timeout_s,
            "malformed_json_rate": self.malformed_json_rate,
            "broken_item_rate": self.broken_item_rate,
        }


def break_item(item: dict[str, object], rng: random.Random) -> dict[str, object]:
    """Drop or mistype one field, as a flaky upstream sometimes does."""
    broken = dict(item)
    keys = [k for k in broken if k != "id"] or list(broken)
    key = rng.choice(keys)
    mode = rng.randrange(3)
    if mode == 0:
        broken.pop(key, None)
    elif mode == 1:
        broken[key] = None
    else:
        value = broken[key]
        broken[key] = str(value) if not isinstance(value, str) else 12345
    return broken
