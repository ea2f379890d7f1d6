"""Run the rules from `rules.py` over a text and report every hit as a Violation."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from rapidfuzz import fuzz

from agentiq.guardrails.rules import DUPLICATE_THRESHOLD, LENGTH_LIMITS, RULES, Rule
from agentiq.guardrails.violations import PUBLIC_CHANNELS, Severity, Violation

# Letters and digits that make up a word; a pattern must not touch them on either side.
_WORD_CHARS = "а-яa-z0-9"
_BEFORE = rf"(?<![{_WORD_CHARS}])"
_AFTER = rf"(?![{_WORD_CHARS}])"


def fold(text: str) -> str:
    """Lower-case and turn «ё» into «е» without changing length, so spans map back 1:1."""
    out = []
    for char in text:
        low = char.lower()
        out.append(low if len(low) == 1 else char)
    return "".join(out).replace("ё", "е")


def normalise(text: str) -> str:
    """Folded text with punctuation dropped and spaces collapsed, for similarity checks."""
    return " ".join(re.sub(r"[^\w\s]", " ", fold(text)).split())


def _word_pattern(pattern: str) -> str:
    return _BEFORE + "(?:" + pattern.replace(" ", r"\s+") + ")" + _AFTER


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[Rule, re.Pattern[str]], ...]:
    compiled = []
    for rule in RULES:
        parts = [_word_pattern(p) for p in rule.words] + [f"(?:{p})" for p in rule.raw]
        compiled.append((rule, re.compile("|".join(parts))))
    return tuple(compiled)


def _severity(rule: Rule, channel: str) -> Severity | None:
    return rule.public if channel in PUBLIC_CHANNELS else rule.private


def _rule_hits(text: str, folded: str, channel: str) -> list[Violation]:
    hits: list[Violation] = []
    for rule, pattern in _compiled():
        severity = _severity(rule, channel)
        if severity is None:
            continue
        for match in pattern.finditer(folded):
            start, end = match.span()
            if start == end:
                continue
            hits.append(
                Violation(rule.category, severity, start, end, text[start:end], rule.message_ru)
            )
    return hits


def _length_hits(text: str, channel: str) -> list[Violation]:
    low, high = LENGTH_LIMITS[channel]
    size = len(text.strip())
    if size < low:
        message = f"Ответ слишком короткий: нужно не меньше {low} символов."
        return [Violation("length", "error", 0, len(text), text, message)]
    if len(text) > high:
        message = f"Ответ длиннее {high} символов — сократите его на {len(text) - high}."
        return [Violation("length", "error", high, len(text), text[high : high + 40], message)]
    return []


def _duplicate_hits(text: str, recent: Iterable[str]) -> list[Violation]:
    mine = normalise(text)
    if not mine:
        return []
    for previous in recent:
        score = fuzz.ratio(mine, normalise(previous))
        if score >= DUPLICATE_THRESHOLD:
            message = (
                f"Ответ почти повторяет один из недавних ответов (сходство {score:.0f}%) — "
                "перефразируйте его."
            )
            return [Violation("duplicate", "warning", 0, len(text), previous[:80], message)]
    return []


def _avoid_topic_hits(text: str, folded: str, topics: Iterable[str]) -> list[Violation]:
    hits: list[Violation] = []
    for topic in topics:
        words = normalise(topic)
        if not words:
            continue
        # The seller's word is a stem: «доставк» should catch «доставка» and «доставкой».
        pattern = _BEFORE + r"\s+".join(re.escape(w) for w in words.split()) + "[а-яa-z]*"
        for match in re.finditer(pattern, folded):
            start, end = match.span()
            message = f"Продавец просил не затрагивать тему «{topic}» — уберите её из ответа."
            hits.append(Violation("avoid_topic", "warning", start, end, text[start:end], message))
    return hits


def check(
    text: str,
    channel: str,
    *,
    recent_public_answers: Sequence[str] = (),
    avoid_topics: Sequence[str] = (),
) -> list[Violation]:
    """Every violation in `text` for `channel` ("review" | "question" | "chat"), in text order.

    `recent_public_answers` are the seller's latest answers on the same product, compared for
    near-duplicates; `avoid_topics` are the seller's own do-not-mention words (warnings).
    """
    if channel not in LENGTH_LIMITS:
        raise ValueError(f"unknown channel: {channel!r}")
    folded = fold(text)
    violations = _length_hits(text, channel)
    violations += _rule_hits(text, folded, channel)
    violations += _avoid_topic_hits(text, folded, avoid_topics)
    if channel in PUBLIC_CHANNELS:
        violations += _duplicate_hits(text, recent_public_answers)
    violations.sort(key=lambda v: (v.start, v.end, v.category))
    return violations
