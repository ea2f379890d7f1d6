"""The link scorer: pure functions over two touches, no database.

Level B is decided by ids WB gave on both sides; otherwise level C adds up the plan's §12.2
weights. Every signal is kept with its value and weight, so a candidate explains itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

Level = Literal["A", "B", "C"]
Band = Literal["high", "medium", "low"]

# Plan §12.2 weights.
W_SAME_PRODUCT = 0.45
W_CLOSE_IN_TIME = 0.20
W_SAME_PROBLEM = 0.20
W_SAME_NAME = 0.10
W_EXTRA = 0.05
CLOSE_IN_TIME = timedelta(hours=24)
HIGH = 0.85
MEDIUM = 0.65
# Below this a pair is not even stored: nothing beyond "same product this week" speaks for it.
STORE_FLOOR = 0.50
DEFAULT_WINDOW_DAYS = 7

ORDER_CONFIDENCE = 1.0
CUSTOMER_CONFIDENCE = 0.95

# Triage signals and intents -> one problem vocabulary, so a review's «брак» and a chat's
# «пришёл с браком» or a question about sizes and a chat about a wrong size compare equal.
PROBLEMS: dict[str, str] = {
    "defect": "quality",
    "damage": "quality",
    "complaint": "quality",
    "wrong_item": "wrong_item",
    "empty_package": "wrong_item",
    "fake": "fake",
    "smell": "smell",
    "wrong_size": "size",
    "size_fit": "size",
    "return": "return",
    "order_problem": "delivery",
    "delivery": "delivery",
    "availability_delivery": "delivery",
}

_PLACEHOLDER_NAMES = frozenset(
    {"покупатель", "покупательница", "клиент", "пользователь", "аноним", "гость", "скрыто"}
)
_LATIN_TO_CYRILLIC = str.maketrans("aceopxykmtbh", "асеорхукмтвн")
_ORDER_REF_RE = re.compile(r"\d{6,}")


def problems_of(signals: Any, intent: str | None) -> frozenset[str]:
    """The problem categories of a touch, from the triage verdict stored at ingestion."""
    names = [s for s in signals if isinstance(s, str)] if isinstance(signals, list) else []
    if intent:
        names.append(intent)
    return frozenset(PROBLEMS[n] for n in names if n in PROBLEMS)


def name_key(name: str | None) -> str | None:
    """A buyer's first name folded for comparison: case, ё, Latin look-alikes, spaced letters.

    Placeholders («Покупатель») and names without letters give None: no name, no signal.
    """
    if not name:
        return None
    words = name.strip().split()
    if not words:
        return None
    # «А н н а» typed with spaces: single letters are one word.
    if len(words) > 1 and all(len(w) == 1 for w in words):
        words = ["".join(words)]
    first = words[0].lower().replace("ё", "е")
    if re.search(r"[а-я]", first):
        first = first.translate(_LATIN_TO_CYRILLIC)
    first = re.sub(r"[^a-zа-я]", "", first)
    if len(first) < 2 or first in _PLACEHOLDER_NAMES:
        return None
    return first


def order_refs(text: str) -> frozenset[str]:
    """Long digit runs in a text (order or barcode numbers a buyer quotes)."""
    return frozenset(_ORDER_REF_RE.findall(text or ""))


@dataclass(frozen=True, slots=True)
class Touch:
    """What the scorer knows about one interaction."""

    id: int
    channel: str
    occurred_at: datetime
    nm_id: int | None = None
    order_id: str | None = None
    customer_id: str | None = None
    name: str | None = None  # already passed through name_key
    problems: frozenset[str] = frozenset()
    size: str | None = None
    refs: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Signal:
    name: str
    value: Any
    weight: float

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "weight": self.weight}


@dataclass(frozen=True, slots=True)
class Score:
    level: Level
    confidence: float
    signals: tuple[Signal, ...] = field(default_factory=tuple)
    basis: str = "probabilistic"  # order | customer_legacy | probabilistic

    @property
    def band(self) -> Band:
        return band(self.confidence)

    def reasoning(self) -> dict[str, Any]:
        return {"basis": self.basis, "signals": [s.as_dict() for s in self.signals]}


def band(confidence: float) -> Band:
    if confidence >= HIGH:
        return "high"
    if confidence >= MEDIUM:
        return "medium"
    return "low"


def score(a: Touch, b: Touch, *, window_days: int = DEFAULT_WINDOW_DAYS) -> Score | None:
    """The link between two touches, or None when nothing but chance connects them.

    A name match alone is never a link: level C needs the same product within the window.
    """
    if a.id == b.id:
        return None
    if a.order_id and a.order_id == b.order_id:
        signal = Signal("same_order", a.order_id, ORDER_CONFIDENCE)
        return Score("B", ORDER_CONFIDENCE, (signal,), basis="order")
    if a.customer_id and a.customer_id == b.customer_id:
        signal = Signal("same_customer_id", a.customer_id, CUSTOMER_CONFIDENCE)
        return Score("B", CUSTOMER_CONFIDENCE, (signal,), basis="customer_legacy")
    gap = abs(a.occurred_at - b.occurred_at)
    if a.nm_id is None or a.nm_id != b.nm_id or gap > timedelta(days=window_days):
        return None
    signals = [Signal("same_product_in_window", a.nm_id, W_SAME_PRODUCT)]
    if gap < CLOSE_IN_TIME:
        signals.append(
            Signal("close_in_time", round(gap.total_seconds() / 3600, 1), W_CLOSE_IN_TIME)
        )
    shared = sorted(a.problems & b.problems)
    if shared:
        signals.append(Signal("same_problem", shared, W_SAME_PROBLEM))
    if a.name and a.name == b.name:
        signals.append(Signal("same_buyer_name", a.name, W_SAME_NAME))
    extra = _extra(a, b)
    if extra is not None:
        signals.append(Signal("extra", extra, W_EXTRA))
    confidence = round(sum(s.weight for s in signals), 2)
    return Score("C", min(confidence, 1.0), tuple(signals))


def _extra(a: Touch, b: Touch) -> str | None:
    if a.refs & b.refs:
        return "order_number"
    if a.size and a.size == b.size and a.size not in ("0", ""):
        return "size"
    return None
