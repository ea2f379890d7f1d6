"""Priority and its Russian reason, per channel."""

from __future__ import annotations

from collections.abc import Sequence

from agentiq.triage import rules
from agentiq.triage.schemas import Priority

QUESTION_PRIORITY: dict[str, tuple[Priority, str]] = {
    rules.SIZE_FIT: ("high", "вопрос о размере — влияет на покупку"),
    rules.AVAILABILITY_DELIVERY: ("high", "вопрос о наличии и доставке — влияет на покупку"),
    rules.COMPATIBILITY_SPECS: ("normal", "вопрос о характеристиках и совместимости"),
    rules.MATERIALS_CARE: ("normal", "вопрос о материале и уходе"),
    rules.PRE_PURCHASE_OTHER: ("normal", "вопрос перед покупкой"),
    rules.GENERAL: ("normal", "общий вопрос"),
}

CHAT_PRIORITY: dict[str, tuple[Priority, str]] = {
    rules.AGGRESSION: ("urgent", "агрессия или угроза жалобой — риск эскалации"),
    rules.CHAT_RETURN: ("high", "запрос на возврат или обмен"),
    rules.ORDER_PROBLEM: ("high", "проблема с заказом"),
    rules.DELIVERY: ("normal", "вопрос о доставке"),
    rules.CHAT_GENERAL: ("normal", "сообщение покупателя"),
    rules.THANKS: ("low", "благодарность — ответ не обязателен"),
}

# Questions are public: a product problem asked there is seen by every future buyer.
# Fake is left out on purpose: «это оригинал?» is an ordinary pre-purchase question.
QUESTION_PROBLEM_SIGNALS = frozenset(
    {rules.DEFECT, rules.DAMAGE, rules.WRONG_ITEM, rules.EMPTY_PACKAGE}
)


def _phrases(signals: Sequence[str], limit: int = 3) -> str:
    return ", ".join(rules.SIGNAL_PHRASES[s] for s in signals[:limit])


def review_priority(rating: int | None, signals: Sequence[str]) -> tuple[Priority, str]:
    """Rating sets the tone; product-problem signals and attached media raise it."""
    critical = [s for s in signals if s in rules.CRITICAL_SIGNALS]
    evidence = [s for s in signals if s in rules.EVIDENCE_SIGNALS]
    problems = [s for s in signals if s not in rules.EVIDENCE_SIGNALS]
    if rating is None:
        if critical:
            return "high", f"отзыв без оценки: {_phrases(signals)}"
        return "normal", "отзыв без оценки"
    stars = f"{rating}★"
    if rating <= 2:
        if critical or evidence:
            return "urgent", f"{stars} и {_phrases(signals)}"
        if signals:
            return "high", f"{stars} и {_phrases(signals)}"
        return "high", f"{stars} — негативный отзыв"
    if rating == 3:
        if critical:
            return "high", f"{stars} и {_phrases(signals)}"
        if signals:
            return "normal", f"{stars} и {_phrases(signals)}"
        return "normal", f"{stars} — смешанная оценка"
    if problems:
        return "normal", f"{stars}, но {_phrases(problems)}"
    return "low", f"{stars} — позитивный отзыв"


def question_priority(intent: str, signals: Sequence[str]) -> tuple[Priority, str]:
    problems = [s for s in signals if s in QUESTION_PROBLEM_SIGNALS]
    if problems:
        return "high", f"вопрос: {_phrases(problems)} — виден покупателям"
    return QUESTION_PRIORITY.get(intent, QUESTION_PRIORITY[rules.GENERAL])


def chat_priority(topic: str, signals: Sequence[str]) -> tuple[Priority, str]:
    if topic == rules.COMPLAINT:
        critical = [s for s in signals if s in rules.CRITICAL_SIGNALS]
        if critical:
            return "urgent", f"жалоба покупателя: {_phrases(critical)}"
        minor = [s for s in signals if s in rules.MINOR_SIGNALS]
        return "high", f"жалоба покупателя: {_phrases(minor)}"
    return CHAT_PRIORITY.get(topic, CHAT_PRIORITY[rules.CHAT_GENERAL])
