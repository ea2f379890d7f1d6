"""SLA targets: defaults per channel/intent/rating, seller overrides, due times and state.

A seller's rules and the defaults are the same kind of row (`SlaRule`). The most specific
matching seller rule wins; without one, the most specific default applies.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, model_validator

from agentiq.kit.time import ensure_utc, utcnow

SlaStateName = Literal["overdue", "due_soon", "ok"]

# Within this much time of the deadline an item is "due soon".
DUE_SOON_WITHIN = timedelta(minutes=30)
# The longest target a rule may set: a month is already far beyond any WB expectation.
MAX_SLA_MINUTES = 60 * 24 * 30

# What a rule applies to: (channel, intent, rating_min, rating_max).
SlaRuleKey = tuple[str, str | None, int | None, int | None]


class SlaRule(BaseModel):
    """One SLA row: `intent` None matches any intent; a rating range applies to reviews."""

    model_config = ConfigDict(frozen=True)

    channel: Literal["review", "question", "chat"]
    minutes: int = Field(gt=0, le=MAX_SLA_MINUTES)
    intent: str | None = None
    rating_min: int | None = Field(default=None, ge=1, le=5)
    rating_max: int | None = Field(default=None, ge=1, le=5)

    @model_validator(mode="after")
    def _range_is_ordered(self) -> SlaRule:
        if (
            self.rating_min is not None
            and self.rating_max is not None
            and self.rating_min > self.rating_max
        ):
            raise ValueError("rating_min must not exceed rating_max")
        return self

    @property
    def key(self) -> SlaRuleKey:
        return (self.channel, self.intent, self.rating_min, self.rating_max)

    @property
    def has_rating_range(self) -> bool:
        return self.rating_min is not None or self.rating_max is not None

    def matches(self, channel: str, intent: str | None, rating: int | None) -> bool:
        if self.channel != channel:
            return False
        if self.intent is not None and self.intent != intent:
            return False
        if self.has_rating_range:
            if rating is None:
                return False
            if self.rating_min is not None and rating < self.rating_min:
                return False
            if self.rating_max is not None and rating > self.rating_max:
                return False
        return True

    def specificity(self) -> tuple[int, int]:
        """Higher is more specific: an intent beats a rating range; a narrower range wins."""
        width = (self.rating_max or 5) - (self.rating_min or 1) if self.has_rating_range else 5
        return (2 if self.intent is not None else 0) + int(self.has_rating_range), -width


class SlaTarget(BaseModel):
    model_config = ConfigDict(frozen=True)

    minutes: int
    source: Literal["seller", "default"]
    rule: SlaRule


# Defaults for WB sellers: what affects a purchase or the public rating is answered first.
DEFAULT_SLA_RULES: tuple[SlaRule, ...] = (
    SlaRule(channel="review", minutes=8 * 60),
    SlaRule(channel="review", rating_min=1, rating_max=2, minutes=4 * 60),
    SlaRule(channel="review", rating_min=3, rating_max=3, minutes=8 * 60),
    SlaRule(channel="review", rating_min=4, rating_max=5, minutes=24 * 60),
    SlaRule(channel="question", minutes=8 * 60),
    SlaRule(channel="question", intent="size_fit", minutes=60),
    SlaRule(channel="question", intent="availability_delivery", minutes=2 * 60),
    SlaRule(channel="question", intent="compatibility_specs", minutes=4 * 60),
    SlaRule(channel="question", intent="materials_care", minutes=4 * 60),
    SlaRule(channel="question", intent="pre_purchase_other", minutes=4 * 60),
    SlaRule(channel="chat", minutes=60),
    SlaRule(channel="chat", intent="thanks", minutes=24 * 60),
)


def _most_specific(
    rules: Iterable[SlaRule], channel: str, intent: str | None, rating: int | None
) -> SlaRule | None:
    best: SlaRule | None = None
    for rule in rules:
        # On equal specificity the earlier row wins, so sellers control order.
        if rule.matches(channel, intent, rating) and (
            best is None or rule.specificity() > best.specificity()
        ):
            best = rule
    return best


def resolve_sla_target(
    channel: str,
    *,
    intent: str | None = None,
    rating: int | None = None,
    seller_rules: Iterable[SlaRule] = (),
) -> SlaTarget:
    """The SLA for an item: the seller's most specific matching rule, else the default."""
    seller_rule = _most_specific(seller_rules, channel, intent, rating)
    if seller_rule is not None:
        return SlaTarget(minutes=seller_rule.minutes, source="seller", rule=seller_rule)
    default_rule = _most_specific(DEFAULT_SLA_RULES, channel, intent, rating)
    if default_rule is None:  # pragma: no cover - every channel has a catch-all default
        raise LookupError(f"no default SLA for channel {channel!r}")
    return SlaTarget(minutes=default_rule.minutes, source="default", rule=default_rule)


def due_at(occurred_at: datetime, minutes: int) -> datetime:
    """The deadline in UTC; WB's +03:00 times are converted, naive ones are taken as UTC."""
    return ensure_utc(occurred_at) + timedelta(minutes=minutes)


class SlaState(NamedTuple):
    state: SlaStateName
    text: str


def format_duration(delta: timedelta, *, round_up: bool = True) -> str:
    """«35 мин», «2 ч», «1 ч 20 мин», «3 д 4 ч»; never less than one minute."""
    exact = delta.total_seconds() / 60
    minutes = max(1, math.ceil(exact) if round_up else math.floor(exact))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} д {hours} ч" if hours else f"{days} д"
    if hours:
        return f"{hours} ч {mins} мин" if mins else f"{hours} ч"
    return f"{mins} мин"


def sla_state(
    due: datetime, now: datetime | None = None, *, soon_within: timedelta = DUE_SOON_WITHIN
) -> SlaState:
    """("overdue" | "due_soon" | "ok", Russian text like «просрочено на 2 ч», «осталось 35 мин»)."""
    left = ensure_utc(due) - ensure_utc(now or utcnow())
    if left <= timedelta(0):
        return SlaState("overdue", f"просрочено на {format_duration(-left, round_up=False)}")
    text = f"осталось {format_duration(left)}"
    return SlaState("due_soon" if left <= soon_within else "ok", text)
