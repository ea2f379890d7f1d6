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
    # Share of listed items whose texts carry NUL and other control characters (real WB has
    # served them: pasted from other apps, broken keyboards).
    control_char_rate: float = 0.0
    # Share of answers WB's moderation rejects (`answer.state: rejected`); None: the emulator's.
    moderation_reject_rate: float | None = None

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
            "control_char_rate": self.control_char_rate,
            "moderation_reject_rate": self.moderation_reject_rate,
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


CONTROL_TEXT_FIELDS = ("text", "pros", "cons", "userName", "clientName")


def add_control_chars(item: dict[str, object], rng: object = None) -> dict[str, object]:
    """The item with NUL, BEL and ESC inside its texts (top level and a chat message's)."""
    dirty = dict(item)
    for key in CONTROL_TEXT_FIELDS:
        value = dirty.get(key)
        if isinstance(value, str):
            dirty[key] = f"{value[:3]}\x00\x07{value[3:]}\x1b"
    message = dirty.get("message")
    if isinstance(message, dict) and isinstance(message.get("text"), str):
        dirty["message"] = {**message, "text": "\x00" + str(message["text"]) + "\x00"}
    return dirty
