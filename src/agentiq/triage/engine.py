"""The one entry point: `triage(item) -> TriageResult`."""

from __future__ import annotations

from collections.abc import Iterable

from agentiq.triage import rules
from agentiq.triage.intents import classify_chat, classify_question, find_signals
from agentiq.triage.needs_response import needs_response
from agentiq.triage.priority import chat_priority, question_priority, review_priority
from agentiq.triage.schemas import (
    DEFAULT_SETTINGS,
    IntentMethod,
    TriageInput,
    TriageResult,
    TriageSettings,
)
from agentiq.triage.sla import SlaRule, due_at, resolve_sla_target
from agentiq.triage.text import Text

# WB's own "size did not match" mark on a review counts as the buyer saying so.
_SIZE_MISMATCH = frozenset({"smaller", "bigger"})


def _signals(item: TriageInput, text: Text) -> list[str]:
    found = set(find_signals(text))
    if item.matching_size in _SIZE_MISMATCH:
        found.add(rules.WRONG_SIZE)
    if item.channel == "review":
        if item.has_photos:
            found.add(rules.PHOTOS)
        if item.has_video:
            found.add(rules.VIDEO)
    return [s for s in rules.SIGNAL_ORDER if s in found]


def triage(
    item: TriageInput,
    *,
    settings: TriageSettings = DEFAULT_SETTINGS,
    sla_rules: Iterable[SlaRule] = (),
    intent_override: str | None = None,
    intent_method: IntentMethod = "rule_based",
) -> TriageResult:
    """Priority, reason, intent, needs_response and SLA for one item.

    `sla_rules` are the seller's overrides. `intent_override` replaces the rule-based question
    intent (used after the LLM fallback re-classifies a "general" question).
    """
    text = Text.of(item.text, item.pros, item.cons)
    signals = _signals(item, text)
    intent: str | None = None
    if item.channel == "review":
        priority, reason = review_priority(item.rating, signals)
    elif item.channel == "question":
        intent = intent_override or classify_question(text).intent
        priority, reason = question_priority(intent, signals)
    else:
        intent = classify_chat(text, signals, raw_text=item.text)
        priority, reason = chat_priority(intent, signals)
    needed, needed_reason = needs_response(item, settings, text=text, chat_topic=intent)
    target = resolve_sla_target(
        item.channel, intent=intent, rating=item.rating, seller_rules=sla_rules
    )
    return TriageResult(
        priority=priority,
        priority_reason=reason,
        intent=intent,
        intent_method=intent_method if intent_override else "rule_based",
        needs_response=needed,
        needs_response_reason=needed_reason,
        sla_minutes=target.minutes,
        sla_due_at=due_at(item.occurred_at, target.minutes),
        sla_source=target.source,
        signals=tuple(signals),
    )
