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

from agentiq.drafting import blocks, facts
from agentiq.drafting.context import DraftContext, DraftResult, Intent, text_label
from agentiq.guardrails import Violation, check, fold, has_blocking
from agentiq.guardrails.engine import sentences

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
        composer = Composer(ctx, rng)
        text = composer.compose()
        violations = composer.notes + check(
            text,
            ctx.channel,
            recent_public_answers=ctx.recent_answers,
            avoid_topics=ctx.settings.avoid_topics,
            competitors=ctx.settings.competitors,
        )
        score = (int(has_blocking(violations)), len(violations) - len(composer.notes))
        if best is None or score < best[0]:
            best = (score, text, violations)
        if len(violations) == len(composer.notes):
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


class Composer:
    """One answer for a context: blocks picked by `rng`, preferring sentences the seller has
    not used in the product's recent answers; `notes` are what the operator should know."""

    def __init__(self, ctx: DraftContext, rng: random.Random) -> None:
        self.ctx = ctx
        self.rng = rng
        self.used = {words for answer in ctx.recent_answers for _, _, words in sentences(answer)}
        self.notes: list[Violation] = []

    def pick(self, pool: Sequence[str], **fill: str) -> str:
        options = [_fill(option, fill) for option in pool]
        fresh = [option for option in options if not self._sentences(option) & self.used]
        return self.rng.choice(fresh or options)

    def _sentences(self, block: str) -> set[str]:
        return {words for _, _, words in sentences(render(block, self.ctx))}

    def compose(self) -> str:
        ctx = self.ctx
        if ctx.channel == "review":
            parts = self._review()
        elif ctx.channel == "question":
            parts = self._question()
        else:
            parts = self._chat()
        body = " ".join(p for p in parts if p)
        signature = _signature(ctx, self.rng)
        text = render(body, ctx)
        if signature:
            text = f"{text}\n\n{render(signature, ctx)}"
        return text

    # -- channels ---------------------------------------------------------------------------

    def _review(self) -> list[str]:
        ctx, pick = self.ctx, self.pick
        rating = ctx.rating if ctx.rating is not None else 3
        # Free text carries praise in a good review and criticism in a poor one; pros and
        # cons fields, when WB gives them, say it outright.
        from_text = _topics(ctx.text)
        pros = _topics(ctx.pros) or (from_text if rating >= 4 else [])
        cons = _topics(ctx.cons) or (from_text if rating <= 3 else [])
        has_text = any(s.strip() for s in (ctx.text, ctx.pros, ctx.cons))
        parts = [self._greeting()]
        if rating >= 4:
            parts.append(pick(blocks.THANKS_POSITIVE if has_text else blocks.THANKS_RATING_ONLY))
            if pros:
                parts.append(pick(blocks.PROS, pros=_join(pros, blocks.PROS_WORDS)))
            elif has_text:
                parts.append(pick(blocks.POSITIVE_EXTRA))
            if cons:
                parts.append(self._cons_sentence(cons))
                parts.append(pick(blocks.NEXT_STEP[_step_topic(cons)]))
            parts.append(pick(blocks.CLOSING_POSITIVE))
            return parts
        parts.append(pick(blocks.THANKS_MIXED if rating == 3 else blocks.APOLOGY))
        if rating == 3 and pros:
            parts.append(pick(blocks.PROS, pros=_join(pros, blocks.PROS_WORDS)))
        parts.append(self._cons_sentence(cons))
        parts.append(pick(blocks.NEXT_STEP[_step_topic(cons)]))
        parts.append(pick(blocks.CLOSING_NEGATIVE))
        return parts

    def _question(self) -> list[str]:
        pick = self.pick
        answer, answered = self._answer(self.ctx.text)
        if not answered:  # another language and nothing to answer from: a person must
            return [self._greeting(), answer]
        return [
            self._greeting(),
            pick(blocks.QUESTION_THANKS),
            answer,
            pick(blocks.QUESTION_NEXT),
            pick(blocks.QUESTION_CLOSING),
        ]

    def _chat(self) -> list[str]:
        ctx, pick = self.ctx, self.pick
        message = _last_buyer_message(ctx)
        folded = fold(message)
        parts = [self._greeting()]
        if _contains(folded, blocks.COMPLAINT_STEMS):
            parts += [pick(blocks.CHAT_COMPLAINT), pick(blocks.CHAT_COMPLAINT_NEXT)]
            parts += self._promo("chat_negative")
        elif _contains(folded, blocks.HUMAN_STEMS):
            parts.append(pick(blocks.CHAT_HUMAN))
        elif _contains(folded, blocks.QUESTION_MARKERS):
            answer, answered = self._answer(message)
            if not answered:
                return [*parts, answer]
            parts += [pick(blocks.CHAT_QUESTION_LEAD), answer]
            parts += self._promo("chat_question")
        elif _contains(folded, blocks.THANKS_STEMS):
            parts.append(pick(blocks.CHAT_THANKS))
            parts += self._promo("chat_positive")
        else:
            parts.append(pick(blocks.CHAT_GENERIC))
        parts.append(pick(blocks.CHAT_CLOSING))
        return parts

    # -- pieces -----------------------------------------------------------------------------

    def _answer(self, question: str) -> tuple[str, bool]:
        """The substance of an answer to a pre-purchase question, and whether it answers.

        From the card's fact when it has one; an honest «не указано» when the card lacks a
        fact only it could give; for another language with nothing to answer from, a note
        that the operator will answer (and a warning for the operator)."""
        ctx, pick = self.ctx, self.pick
        if _asks_for_contacts(question):
            return pick(blocks.CONTACT_REDIRECT), True
        lang = facts.language(question)
        wanted = facts.topic(question)
        fact = facts.find_fact(ctx.product_facts, wanted)
        if fact is not None:
            label = fact.label[:1].lower() + fact.label[1:]
            answer = pick(blocks.FACT_ANSWER, label=label, value=fact.value)
            if wanted == "size":
                answer += " " + pick(blocks.FACT_SIZE_TIP)
            return answer, True
        if lang != "ru":
            self._note(
                f"Ответ нужен оператору: вопрос {_LANGUAGE_RU.get(lang, 'не на русском')}, "
                "а в карточке товара нет сведений для ответа."
            )
            return pick(blocks.OPERATOR_WILL_ANSWER), False
        if wanted in facts.CARD_TOPICS or (wanted == "size" and ctx.product_facts):
            self._note(
                "В карточке товара нет нужных сведений — проверьте ответ или дополните карточку."
            )
            return pick(blocks.MISSING_FACT, missing=facts.MISSING[wanted]), True
        intent: Intent = _TOPIC_INTENT.get(wanted or "", ctx.intent or "general")
        if intent == "general":
            intent = _guess_intent(fold(question))
        return pick(blocks.QUESTION_ANSWER[intent]), True

    def _promo(self, placement: str) -> list[str]:
        """The promo sentence, only where the seller allowed a code for this kind of chat."""
        settings = self.ctx.settings
        code = settings.promo_offers.get(placement)
        if code is None and placement == "chat_positive" and settings.suggest_promo:
            code = settings.promo_code  # the single code of the old AI settings
        if not code or not _safe(code):
            return []
        return [self.pick(blocks.CHAT_PROMO).replace("<promo>", code.strip())]

    def _note(self, message: str) -> None:
        self.notes.append(Violation("needs_operator", "warning", 0, 0, "", message))

    def _greeting(self) -> str:
        ctx = self.ctx
        name = ctx.real_buyer_name
        if ctx.settings.address == "ты":
            return self.pick(blocks.GREETING_TY if name else blocks.GREETING_TY_ANON)
        pool = blocks.GREETING_NAMED if name else blocks.GREETING_ANON
        return self.pick(pool[ctx.settings.tone])

    def _cons_sentence(self, cons: list[str]) -> str:
        if not cons:
            return self.pick(blocks.CONS_GENERIC)
        return self.pick(blocks.CONS, cons=_join(cons, blocks.CONS_WORDS))


_LANGUAGE_RU = {"en": "на английском", "kk": "на казахском"}
_TOPIC_INTENT: dict[str, Intent] = {
    "size": "size_fit",
    "availability": "availability_delivery",
    "delivery": "availability_delivery",
}


def _asks_for_contacts(text: str) -> bool:
    """The buyer asks for a phone, a messenger, an e-mail or a site (the contacts rule)."""
    return any(v.category == "contacts" for v in check(text[:2000], "chat"))


def _fill(block: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        block = block.replace(f"<{key}>", value)
    return block


# -- pieces ---------------------------------------------------------------------------------


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
