"""Rule-based classifiers: question intents and chat topics."""

from __future__ import annotations

from dataclasses import dataclass

from agentiq.triage import rules
from agentiq.triage.text import Text


@dataclass(frozen=True)
class IntentMatch:
    intent: str
    score: float
    # Intent -> score for every intent with a hit, for explanations and tuning.
    scores: dict[str, float]


def classify_question(text: Text | str) -> IntentMatch:
    """The intent whose terms weigh most; "general" below the minimum score.

    Ties go to the intent listed first in `rules.QUESTION_INTENTS` (the more purchase-critical).
    """
    normalised = text if isinstance(text, Text) else Text.of(text)
    scores: dict[str, float] = {}
    for intent in rules.QUESTION_INTENTS:
        terms = rules.INTENT_TERMS.get(intent, {})
        hits = normalised.find(terms, respect_negation=False)
        if hits:
            scores[intent] = sum(terms[hit] for hit in hits)
    best, best_score = rules.GENERAL, 0.0
    for intent in rules.QUESTION_INTENTS:
        if scores.get(intent, 0.0) > best_score:
            best, best_score = intent, scores[intent]
    if best_score < rules.INTENT_MIN_SCORE:
        best = rules.GENERAL
    return IntentMatch(best, best_score, scores)


# Every signal's terms in one matcher, so a text is scanned once for all signals.
_ALL_SIGNAL_TERMS = tuple(
    dict.fromkeys(term for terms in rules.SIGNAL_TERMS.values() for term in terms)
)
_SIGNALS_OF_TERM: dict[str, set[str]] = {}
for _signal, _terms in rules.SIGNAL_TERMS.items():
    for _term in _terms:
        _SIGNALS_OF_TERM.setdefault(_term, set()).add(_signal)


def find_signals(text: Text) -> list[str]:
    """Content signals in the text (negated mentions ignored), most serious first."""
    found: set[str] = set()
    for term in text.find(_ALL_SIGNAL_TERMS, respect_negation=True):
        found |= _SIGNALS_OF_TERM[term]
    return [signal for signal in rules.SIGNAL_ORDER if signal in found]


def classify_chat(text: Text, signals: list[str], *, raw_text: str) -> str:
    """The chat topic, most pressing first: aggression, complaint, return, order, delivery."""

    def has(topic: str) -> bool:
        return bool(text.find(rules.CHAT_TOPIC_TERMS[topic], respect_negation=True))

    if has(rules.AGGRESSION):
        return rules.AGGRESSION
    if rules.CRITICAL_SIGNALS.intersection(signals):
        return rules.COMPLAINT
    if rules.RETURN in signals:
        return rules.CHAT_RETURN
    if has(rules.ORDER_PROBLEM):
        return rules.ORDER_PROBLEM
    if rules.SMELL in signals or rules.WRONG_SIZE in signals:
        return rules.COMPLAINT
    thanks = has(rules.THANKS) and not text.find(rules.AWAITING_ANSWER, respect_negation=False)
    if thanks and "?" not in raw_text and len(text.tokens) <= rules.THANKS_MAX_WORDS:
        return rules.THANKS
    if has(rules.DELIVERY):
        return rules.DELIVERY
    return rules.CHAT_GENERAL
