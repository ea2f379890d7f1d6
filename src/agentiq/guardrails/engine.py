"""Run the rule families over a text and report every hit as a Violation.

The text is folded once (`agentiq.kit.textnorm.fold`) and revealed into a few views with
disguises undone; every matcher runs on every view, hits are mapped back to the original text
and merged, so «бoт», «б0т» and «б о т» are one hit each at the place the person typed them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from rapidfuzz import fuzz

from agentiq.guardrails.lexicons import (
    PROFANITY_PATTERNS,
    competitor_lexicon,
    masked_profanity,
    profanity_lexicon,
    seller_terms,
)
from agentiq.guardrails.rules import (
    DUPLICATE_THRESHOLD,
    LENGTH_LIMITS,
    REUSED_SENTENCE_WORDS,
    RULES,
    Pair,
    Rule,
)
from agentiq.guardrails.violations import PUBLIC_CHANNELS, Severity, Violation
from agentiq.kit.textnorm import Normalised, reveal
from agentiq.kit.textnorm import fold as fold_text

# Letters and digits that make up a word; a pattern must not touch them on either side.
_WORD_CHARS = "а-яa-z0-9"
_BEFORE = rf"(?<![{_WORD_CHARS}])"
_AFTER = rf"(?![{_WORD_CHARS}])"
_SENTENCE_RE = re.compile(r"[^.!?;\n]+")
_WORD_RE = re.compile(r"[a-zа-я0-9]+")

PROFANITY_MESSAGE = "Уберите грубые и оскорбительные слова."
COMPETITOR_MESSAGE = (
    "Не упоминайте другие площадки и чужие бренды: ответ на Wildberries — только о вашем товаре."
)


def fold(text: str) -> str:
    """Lower-case, «ё» → «е», look-alikes repaired (the shared normalisation's text)."""
    return fold_text(text).text


def normalise(text: str) -> str:
    """Folded text with punctuation dropped and spaces collapsed, for similarity checks."""
    return " ".join(re.sub(r"[^\w\s]", " ", fold(text)).split())


def _word_pattern(pattern: str) -> str:
    spaced = pattern.replace(" ?", r"\s*").replace(" ", r"\s+")
    return _BEFORE + "(?:" + spaced + ")" + _AFTER


def _alternation(patterns: Iterable[str], *, words: bool) -> re.Pattern[str] | None:
    parts = [_word_pattern(p) if words else f"(?:{p})" for p in patterns]
    return re.compile("|".join(parts)) if parts else None


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[Rule, re.Pattern[str] | None, re.Pattern[str] | None], ...]:
    return tuple(
        (rule, _alternation(rule.words, words=True), _alternation(rule.raw, words=False))
        for rule in RULES
    )


@lru_cache(maxsize=64)
def _pair_patterns(pair: Pair) -> tuple[re.Pattern[str], re.Pattern[str]]:
    left = _alternation(pair.left, words=True)
    right = _alternation(pair.right, words=True)
    assert left is not None and right is not None
    return left, right


@lru_cache(maxsize=1)
def _profanity_pattern() -> re.Pattern[str]:
    compiled = _alternation(PROFANITY_PATTERNS, words=True)
    assert compiled is not None
    return compiled


def _severity(rule: Rule, channel: str) -> Severity | None:
    return rule.public if channel in PUBLIC_CHANNELS else rule.private


def _views(text: str) -> tuple[Normalised, ...]:
    base = fold_text(text)
    return (base, *reveal(base))


def _pair_spans(pair: Pair, text: str) -> Iterator[tuple[int, int]]:
    """Spans (within `text`) where the pair's two ideas meet in one sentence."""
    left_re, right_re = _pair_patterns(pair)
    for sentence in _SENTENCE_RE.finditer(text):
        chunk, offset = sentence.group(0), sentence.start()
        lefts = [m.span() for m in left_re.finditer(chunk)]
        if not lefts:
            continue
        rights = [m.span() for m in right_re.finditer(chunk)]
        for ls, le in lefts:
            for rs, re_ in rights:
                overlap = rs < le and re_ > ls
                if overlap or (pair.ordered and rs < ls):
                    continue
                first, second = ((ls, le), (rs, re_)) if ls <= rs else ((rs, re_), (ls, le))
                between = len(_WORD_RE.findall(chunk[first[1] : second[0]]))
                if between <= pair.gap:
                    yield offset + first[0], offset + second[1]
                    break


def _spans(
    rule: Rule,
    words: re.Pattern[str] | None,
    raw: re.Pattern[str] | None,
    view: Normalised,
) -> Iterator[tuple[int, int]]:
    for pattern in (words, raw):
        if pattern is not None:
            for match in pattern.finditer(view.text):
                if match.end() > match.start():
                    yield match.span()
    for pair in rule.pairs:
        yield from _pair_spans(pair, view.text)


def _hit(
    text: str,
    view: Normalised,
    span: tuple[int, int],
    category: str,
    severity: Severity,
    message: str,
) -> Violation:
    start, end = view.source_span(*span)
    return Violation(category, severity, start, end, text[start:end], message)


def _rule_hits(
    text: str, views: Sequence[Normalised], channel: str, competitors: tuple[str, ...]
) -> list[Violation]:
    hits: list[Violation] = []
    for rule, words, raw in _compiled():
        severity = _severity(rule, channel)
        if severity is None:
            continue
        for view in views:
            for span in _spans(rule, words, raw, view):
                hits.append(_hit(text, view, span, rule.category, severity, rule.message_ru))
    profane, rivals = profanity_lexicon(), competitor_lexicon(competitors)
    for view in views:
        spans = [m.span() for m in _profanity_pattern().finditer(view.text)]
        spans += list(profane.find(view)) + list(masked_profanity(view))
        hits += [_hit(text, view, s, "profanity", "error", PROFANITY_MESSAGE) for s in spans]
        hits += [
            _hit(text, view, s, "competitor", "error", COMPETITOR_MESSAGE)
            for s in rivals.find(view)
        ]
    return hits


def _merge(hits: list[Violation]) -> list[Violation]:
    """One violation per category and place: hits from several views that overlap merge."""
    hits.sort(key=lambda v: (v.category, v.start, -v.end))
    merged: list[Violation] = []
    for hit in hits:
        last = merged[-1] if merged else None
        if last is not None and last.category == hit.category and hit.start < last.end:
            continue
        merged.append(hit)
    return merged


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


def sentences(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, normalised words) of every sentence in `text`."""
    for match in _SENTENCE_RE.finditer(text):
        words = " ".join(_WORD_RE.findall(fold(match.group(0))))
        if words:
            start = match.start() + (len(match.group(0)) - len(match.group(0).lstrip()))
            yield start, match.end(), words


def _duplicate_hits(text: str, recent: Sequence[str]) -> list[Violation]:
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


def _reused_sentence_hits(text: str, recent: Sequence[str]) -> list[Violation]:
    """Sentences of more than REUSED_SENTENCE_WORDS words already used in a recent answer."""
    used = {words for answer in recent for _, _, words in sentences(answer)}
    hits = []
    for start, end, words in sentences(text):
        if words.count(" ") + 1 > REUSED_SENTENCE_WORDS and words in used:
            message = (
                "Это предложение уже было в недавнем ответе на этот товар — перефразируйте его."
            )
            hits.append(
                Violation("reused_sentence", "warning", start, end, text[start:end], message)
            )
    return hits


def _avoid_topic_hits(
    text: str, views: Sequence[Normalised], topics: Iterable[str]
) -> list[Violation]:
    hits: list[Violation] = []
    for topic in topics:
        words = normalise(topic)
        if not words:
            continue
        # The seller's word is a stem: «доставк» should catch «доставка» and «доставкой».
        pattern = _BEFORE + r"\s+".join(re.escape(w) for w in words.split()) + "[а-яa-z]*"
        message = f"Продавец просил не затрагивать тему «{topic}» — уберите её из ответа."
        for view in views:
            for match in re.finditer(pattern, view.text):
                hits.append(_hit(text, view, match.span(), "avoid_topic", "warning", message))
    return hits


def check(
    text: str,
    channel: str,
    *,
    recent_public_answers: Sequence[str] = (),
    avoid_topics: Sequence[str] = (),
    competitors: Sequence[str] = (),
) -> list[Violation]:
    """Every violation in `text` for `channel` ("review" | "question" | "chat"), in text order.

    `recent_public_answers` are the seller's latest answers on the same product, compared for
    near-duplicates and reused sentences; `avoid_topics` are the seller's own do-not-mention
    words (warnings); `competitors` are brands the seller added to the built-in list.
    """
    if channel not in LENGTH_LIMITS:
        raise ValueError(f"unknown channel: {channel!r}")
    views = _views(text)
    found = _rule_hits(text, views, channel, seller_terms(competitors))
    found += _avoid_topic_hits(text, views, avoid_topics)
    violations = _length_hits(text, channel) + _merge(found)
    if channel in PUBLIC_CHANNELS:
        violations += _duplicate_hits(text, recent_public_answers)
        violations += _reused_sentence_hits(text, recent_public_answers)
    violations.sort(key=lambda v: (v.start, v.end, v.category))
    return violations
