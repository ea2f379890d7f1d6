"""Guardrails: declarative rules that every reply passes before it reaches a buyer.

Warn at draft time, block at send time: `check()` lists violations, `has_blocking()` says
whether any of them must stop the send.
"""

from agentiq.guardrails.engine import check, fold, normalise
from agentiq.guardrails.rules import DUPLICATE_THRESHOLD, LENGTH_LIMITS, RULES, Rule
from agentiq.guardrails.violations import (
    CATEGORY_LABELS_RU,
    PUBLIC_CHANNELS,
    Channel,
    Severity,
    Violation,
    describe_ru,
    has_blocking,
    label_ru,
)

__all__ = [
    "CATEGORY_LABELS_RU",
    "DUPLICATE_THRESHOLD",
    "LENGTH_LIMITS",
    "PUBLIC_CHANNELS",
    "RULES",
    "Channel",
    "Rule",
    "Severity",
    "Violation",
    "check",
    "describe_ru",
    "fold",
    "has_blocking",
    "label_ru",
    "normalise",
]
