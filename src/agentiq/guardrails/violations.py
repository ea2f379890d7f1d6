"""What a guardrail check returns: one Violation per offending fragment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Channel = Literal["review", "question", "chat"]
Severity = Literal["error", "warning"]

# Review and question answers are shown on the product page to everybody; chats are private.
PUBLIC_CHANNELS: frozenset[str] = frozenset({"review", "question"})


@dataclass(frozen=True)
class Violation:
    """One rule hit. `start`/`end` index the checked text; `message_ru` says how to fix it."""

    category: str
    severity: Severity
    start: int
    end: int
    fragment: str
    message_ru: str

    @property
    def blocking(self) -> bool:
        return self.severity == "error"

    def as_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "fragment": self.fragment,
            "message_ru": self.message_ru,
        }


def has_blocking(violations: Iterable[Violation]) -> bool:
    """True when any violation must stop the reply from being sent."""
    return any(v.blocking for v in violations)
