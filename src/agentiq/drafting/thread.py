"""Drafts that know the buyer's thread: a chat after a negative review starts from it.

The built-in drafter answers the chat's last message alone, so a «Спасибо» from a buyer who
left a 1★ review an hour ago would get «рады, что всё понравилось». When the linking module
ties the chat to a recent negative review, the chat draft acknowledges the review, says the
public answer is there instead of repeating its promises, and offers the next step.
The LLM path sees the same touches (with the seller's answers) in its prompt.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace
from datetime import timedelta

from agentiq.drafting.builtin import render
from agentiq.drafting.context import DraftContext, DraftResult, ThreadTouch, thread_labels
from agentiq.guardrails import check

RECENT = timedelta(days=30)

_ACKNOWLEDGE = (
    "Видим {Ваш|твой} отзыв от <date> — очень жаль, что <товар> {Вас|тебя} огорчил.",
    "Мы прочитали {Ваш|твой} отзыв от <date>, и нам очень жаль, что так получилось.",
)
_PUBLIC_ANSWER = (
    "Мы уже ответили на него на Wildberries, а здесь поможем разобраться лично.",
    "Ответ на отзыв мы оставили на Wildberries; здесь разберёмся в ситуации вместе.",
)
_NEXT = (
    "{Пришлите|Пришли}, пожалуйста, фото товара и упаковки — так мы быстрее поможем.",
    "{Опишите|Опиши}, пожалуйста, что именно не так, и {приложите|приложи} фото — разберёмся.",
)
_CLOSING = ("Мы на связи.", "Если будут вопросы — {пишите|пиши}, мы на связи.")
_GREETING = {
    True: {"Вы": "Здравствуйте, <name>!", "вы": "Здравствуйте, <name>!", "ты": "Привет, <name>!"},
    False: {"Вы": "Здравствуйте!", "вы": "Здравствуйте!", "ты": "Привет!"},
}


def negative_review(ctx: DraftContext) -> ThreadTouch | None:
    """The latest negative review in the buyer's thread, if recent enough to matter."""
    reviews = [t for t in ctx.thread if t.is_negative_review]
    if not reviews:
        return None
    latest = max(reviews, key=lambda t: t.occurred_at)
    newest = max(t.occurred_at for t in ctx.thread)
    return latest if newest - latest.occurred_at <= RECENT else None


def compose_follow_up(ctx: DraftContext, review: ThreadTouch, variant: int = 0) -> str:
    seed = hashlib.sha256(f"{ctx.item_key}|thread|{variant}".encode()).digest()[:8]
    rng = random.Random(int.from_bytes(seed, "big"))
    greeting = _GREETING[bool(ctx.real_buyer_name)][ctx.settings.address]
    parts = [greeting, rng.choice(_ACKNOWLEDGE)]
    if review.seller_reply:
        parts.append(rng.choice(_PUBLIC_ANSWER))
    parts += [rng.choice(_NEXT), rng.choice(_CLOSING)]
    text = " ".join(parts).replace("<date>", review.occurred_at.strftime("%d.%m"))
    return render(text, ctx)


def with_thread(ctx: DraftContext, result: DraftResult, *, variant: int = 0) -> DraftResult:
    """The built-in draft, made aware of the buyer's thread; «учтено» names the linked steps."""
    labels = list(result.context_used)
    labels += [label for label in thread_labels(ctx) if label not in labels]
    if ctx.channel != "chat":
        return replace(result, context_used=labels)
    review = negative_review(ctx)
    if review is None:
        return replace(result, context_used=labels)
    text = compose_follow_up(ctx, review, variant)
    violations = check(
        text,
        ctx.channel,
        recent_public_answers=ctx.recent_answers,
        avoid_topics=ctx.settings.avoid_topics,
        competitors=ctx.settings.competitors,
    )
    return replace(result, text=text, warnings=violations, context_used=labels)
