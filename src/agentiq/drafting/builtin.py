"""The built-in drafter: an offline, rule-and-template answer assembled from `blocks.py`.

An answer is greeting → thanks or apology → substance (pros, cons or the question's intent) →
next step → closing → signature. Each block is picked by a deterministic RNG seeded by the
item and a variant counter, so the same item always gets the same draft, while «Перегенерировать»
(variant + 1) gives a different one. Drafts that trip a guardrail (including near-duplicates of
the seller's recent answers) are re-rolled a few times before the least bad one is returned.
"""

from __future__ import annotations

import hashlib
import random
import re
import time
from collections.abc import Sequence

from agentiq.drafting import blocks
from agentiq.drafting.context import DraftContext, DraftResult, Intent, text_label
from agentiq.guardrails import check, fold, has_blocking

BUILTIN_MODEL = "builtin"
BUILTIN_VERSION = "builtin-1"
_ATTEMPTS = 8
_MAX_PRODUCT_NAME = 60

_ALT_RE = re.compile(r"\{([^{}|]*)\|([^{}|]*)\}")
_SENTENCE_START_RE = re.compile(r"(^|[.!?]\s+)([a-zа-яё])")


def draft_builtin(ctx: DraftContext, *, variant: int = 0) -> DraftResult:
    """A draft for `ctx`; deterministic for the same (item, variant)."""
    started = time.perf_counter()
    best: tuple[tuple[int, int], str, list] | None = None
    for attempt in range(_ATTEMPTS):
        rng = random.Random(_seed(ctx, variant, attempt))
        text = compose(ctx, rng)
        violations = check(
            text,
            ctx.channel,
            recent_public_answers=ctx.recent_answers,
            avoid_topics=ctx.settings.avoid_topics,
        )
        score = (int(has_blocking(violations)), len(violations))
        if best is None or score < best[0]:
            best = (score, text, violations)
        if not violations:
            break
    assert best is not None
    _, text, violations = best
    return DraftResult(
        text=text,
        model=BUILTIN_MODEL,
        prompt_version=BUILTIN_VERSION,
        latency_ms=int((time.perf_counter() - started) * 1000),
        prompt_tokens=None,
        completion_tokens=None,
        context_used=_context_used(ctx),
        warnings=violations,
        source="builtin",
    )


def compose(ctx: DraftContext, rng: random.Random) -> str:
    """One answer for `ctx` with blocks chosen by `rng` (no guardrail pass)."""
    if ctx.channel == "review":
        parts = _review(ctx, rng)
    elif ctx.channel == "question":
        parts = _question(ctx, rng)
    else:
        parts = _chat(ctx, rng)
    body = " ".join(p for p in parts if p)
    signature = _signature(ctx, rng)
    text = render(body, ctx)
    if signature:
        text = f"{text}\n\n{render(signature, ctx)}"
    return text


# -- channels -------------------------------------------------------------------------------


def _review(ctx: DraftContext, rng: random.Random) -> list[str]:
    rating = ctx.rating if ctx.rating is not None else 3
    # Free text carries praise in a good review and criticism in a poor one; pros and cons
    # fields, when WB gives them, say it outright.
    from_text = _topics(ctx.text)
    pros = _topics(ctx.pros) or (from_text if rating >= 4 else [])
    cons = _topics(ctx.cons) or (from_text if rating <= 3 else [])
    has_text = any(s.strip() for s in (ctx.text, ctx.pros, ctx.cons))
    parts = [_greeting(ctx, rng)]
    if rating >= 4:
        thanks = blocks.THANKS_POSITIVE if has_text else blocks.THANKS_RATING_ONLY
        parts.append(rng.choice(thanks))
        if pros:
            parts.append(rng.choice(blocks.PROS).replace("<pros>", _join(pros, blocks.PROS_WORDS)))
        elif has_text:
            parts.append(rng.choice(blocks.POSITIVE_EXTRA))
        if cons:
            parts.append(_cons_sentence(cons, rng))
            parts.append(rng.choice(blocks.NEXT_STEP[_step_topic(cons)]))
        parts.append(rng.choice(blocks.CLOSING_POSITIVE))
        return parts
    lead = blocks.THANKS_MIXED if rating == 3 else blocks.APOLOGY
    parts.append(rng.choice(lead))
    if rating == 3 and pros:
        parts.append(rng.choice(blocks.PROS).replace("<pros>", _join(pros, blocks.PROS_WORDS)))
    parts.append(_cons_sentence(cons, rng))
    parts.append(rng.choice(blocks.NEXT_STEP[_step_topic(cons)]))
    parts.append(rng.choice(blocks.CLOSING_NEGATIVE))
    return parts


def _question(ctx: DraftContext, rng: random.Random) -> list[str]:
    intent = ctx.intent or _guess_intent(fold(ctx.text))
    return [
        _greeting(ctx, rng),
        rng.choice(blocks.QUESTION_THANKS),
        rng.choice(blocks.QUESTION_ANSWER[intent]),
        rng.choice(blocks.QUESTION_NEXT),
        rng.choice(blocks.QUESTION_CLOSING),
    ]


def _chat(ctx: DraftContext, rng: random.Random) -> list[str]:
    message = _last_buyer_message(ctx)
    folded = fold(message)
    parts = [_greeting(ctx, rng)]
    if _contains(folded, blocks.COMPLAINT_STEMS):
        parts += [rng.choice(blocks.CHAT_COMPLAINT), rng.choice(blocks.CHAT_COMPLAINT_NEXT)]
    elif _contains(folded, blocks.HUMAN_STEMS):
        parts.append(rng.choice(blocks.CHAT_HUMAN))
    elif _contains(folded, blocks.QUESTION_MARKERS):
        intent: Intent = ctx.intent or "general"
        if intent == "general":
            intent = _guess_intent(folded)
        answers = blocks.QUESTION_ANSWER[intent]
        parts += [rng.choice(blocks.CHAT_QUESTION_LEAD), rng.choice(answers)]
    elif _contains(folded, blocks.THANKS_STEMS):
        parts.append(rng.choice(blocks.CHAT_THANKS))
        settings = ctx.settings
        if settings.suggest_promo and settings.promo_code and _safe(settings.promo_code):
            parts.append(rng.choice(blocks.CHAT_PROMO))
    else:
        parts.append(rng.choice(blocks.CHAT_GENERIC))
    parts.append(rng.choice(blocks.CHAT_CLOSING))
    return parts


# -- pieces ---------------------------------------------------------------------------------


def _greeting(ctx: DraftContext, rng: random.Random) -> str:
    name = ctx.real_buyer_name
    if ctx.settings.address == "ты":
        return rng.choice(blocks.GREETING_TY if name else blocks.GREETING_TY_ANON)
    pool = blocks.GREETING_NAMED if name else blocks.GREETING_ANON
    return rng.choice(pool[ctx.settings.tone])


def _cons_sentence(cons: list[str], rng: random.Random) -> str:
    if not cons:
        return rng.choice(blocks.CONS_GENERIC)
    return rng.choice(blocks.CONS).replace("<cons>", _join(cons, blocks.CONS_WORDS))


def _step_topic(cons: Sequence[str]) -> str:
    for topic in ("defect", "mismatch", "size", "delivery"):
        if topic in cons:
            return topic
    return "other"


def _signature(ctx: DraftContext, rng: random.Random) -> str:
    settings = ctx.settings
    if settings.signature and _safe(settings.signature):
        return settings.signature.strip()
    if ctx.product_brand and _safe(ctx.product_brand) and len(ctx.product_brand) <= 40:
        return rng.choice(blocks.SIGNATURE_BRAND)
    if settings.tone == "formal":
        return rng.choice(blocks.SIGNATURE_FORMAL_ANON)
    return ""


def render(text: str, ctx: DraftContext) -> str:
    """Resolve form of address and placeholders, then re-capitalise sentence starts."""
    address = ctx.settings.address

    def pick(match: re.Match[str]) -> str:
        if address == "ты":
            return match.group(2)
        form = match.group(1)
        if address == "вы" and form.startswith("В"):
            return form[0].lower() + form[1:]
        return form

    text = _ALT_RE.sub(pick, text)
    product = _product_name(ctx)
    for placeholder, noun in (
        ("<товара>", "товара"),
        ("<товаре>", "товаре"),
        ("<товаром>", "товаром"),
        ("<товару>", "товару"),
        ("<товар>", "товар"),
    ):
        text = text.replace(placeholder, f"{noun} «{product}»" if product else noun)
    text = text.replace("<name>", ctx.real_buyer_name or "")
    text = text.replace("<brand>", (ctx.product_brand or "").strip())
    text = text.replace("<promo>", (ctx.settings.promo_code or "").strip())
    return _SENTENCE_START_RE.sub(lambda m: m.group(1) + m.group(2).upper(), text)


def _product_name(ctx: DraftContext) -> str | None:
    """The product's name if it is safe to repeat in an answer (no guardrail hits), shortened."""
    name = " ".join((ctx.product_name or "").replace("«", "").replace("»", "").split())
    if not name or not _safe(name):
        return None
    if len(name) > _MAX_PRODUCT_NAME:
        name = name[:_MAX_PRODUCT_NAME].rsplit(" ", 1)[0]
    return name


def _safe(fragment: str) -> bool:
    return not [v for v in check(fragment, "review") if v.category != "length"]


def _topics(text: str) -> list[str]:
    folded = fold(text) + " "
    return [topic for topic, stems in blocks.TOPIC_STEMS.items() if _contains(folded, stems)]


def _guess_intent(folded: str) -> Intent:
    for intent, stems in blocks.INTENT_STEMS.items():
        if _contains(folded, stems):
            return intent  # type: ignore[return-value]
    return "general"


def _contains(folded: str, stems: Sequence[str]) -> bool:
    return any(stem in folded for stem in stems)


def _join(topics: Sequence[str], words: dict[str, str]) -> str:
    picked = [words[t] for t in topics if t in words][:3]
    if len(picked) <= 1:
        return picked[0] if picked else "товар"
    return ", ".join(picked[:-1]) + " и " + picked[-1]


def _last_buyer_message(ctx: DraftContext) -> str:
    if ctx.text.strip():
        return ctx.text
    for direction, text in reversed(list(ctx.chat_history)):
        if direction == "buyer" and text.strip():
            return text
    return ""


def _seed(ctx: DraftContext, variant: int, attempt: int) -> int:
    key = ctx.item_key or f"{ctx.nm_id}|{ctx.text}|{ctx.pros}|{ctx.cons}|{ctx.rating}"
    raw = f"{ctx.channel}|{key}|{variant}|{attempt}".encode()
    return int.from_bytes(hashlib.sha256(raw).digest()[:8], "big")


def _context_used(ctx: DraftContext) -> list[str]:
    used: list[str] = []
    if ctx.text.strip() or (ctx.channel == "chat" and ctx.chat_history):
        used.append(text_label(ctx.channel))
    if ctx.pros.strip():
        used.append("достоинства")
    if ctx.cons.strip():
        used.append("недостатки")
    if ctx.rating is not None:
        used.append("оценка")
    if ctx.real_buyer_name:
        used.append("имя покупателя")
    if _product_name(ctx) or ctx.product_brand:
        used.append("карточка товара")
    if ctx.channel != "review" and ctx.intent:
        used.append("интент вопроса")
    if ctx.recent_answers:
        used.append("прошлые ответы (проверка на повторы)")
    used.append("настройки тона")
    return used
