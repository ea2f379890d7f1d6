"""Context collectors: turn the database around one item into a DraftContext.

Each collector returns what it found plus a short provenance record; the draft stores the
records in `Draft.context_used["sources"]` and the inbox shows the labels («учтено: …»).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.drafting.context import (
    INTENTS,
    Direction,
    DraftContext,
    Intent,
    SellerAISettings,
    ThreadTouch,
)
from agentiq.drafting.repository import (
    ChatMessageRepository,
    ProductCardRepository,
    ResponseHistoryRepository,
)
from agentiq.guardrails import Channel, fold
from agentiq.interactions.repository import InteractionRepository
from agentiq.kit.time import utcnow
from agentiq.labels import CHANNELS, label, topic
from agentiq.linking.service import linked_touches
from agentiq.models import Interaction

# The built-in drafter avoids the sentences of this many recent answers on the product (a
# sentence then returns at most once in eleven answers); the LLM prompt shows the first five.
RECENT_ANSWERS = 10
PRODUCT_WINDOW = timedelta(days=90)
TOP_N = 3
_WORD_RE = re.compile(r"[а-яa-z]{4,}")
# Words that say nothing about *what* is wrong with a product.
_STOPWORDS = frozenset(
    {
        "этот",
        "этого",
        "очень",
        "было",
        "были",
        "была",
        "всего",
        "когда",
        "только",
        "чтобы",
        "который",
        "которые",
        "также",
        "товар",
        "товара",
        "заказ",
        "заказала",
        "заказал",
        "пришел",
        "пришла",
        "пришло",
        "просто",
        "вообще",
        "если",
        "даже",
        "качество",
        "нормально",
        "хорошо",
        "плохо",
        "спасибо",
        "рекомендую",
        "покупкой",
        "куплю",
        "брала",
        "брал",
    }
)


@dataclass
class CollectedContext:
    context: DraftContext
    sources: dict[str, Any] = field(default_factory=dict)


def _intent(value: str | None) -> Intent | None:
    return cast(Intent, value) if value in INTENTS else None


def frequent_complaints(items: list[Interaction]) -> list[str]:
    """Top complaint words from unhappy reviews and top question intents for the product."""
    words: Counter[str] = Counter()
    intents: Counter[str] = Counter()
    for item in items:
        if item.channel == "review" and (item.cons.strip() or (item.rating or 5) <= 3):
            source = item.cons if item.cons.strip() else item.text
            words.update(
                {w for w in _WORD_RE.findall(fold(source)) if w not in _STOPWORDS}
            )  # a set: one review counts a word once
        elif item.channel == "question" and item.intent:
            intents[item.intent] += 1
    found = [f"{w} ({n})" for w, n in words.most_common(TOP_N) if n >= 2]
    found += [
        f"вопросы: {topic('question', i)} ({n})" for i, n in intents.most_common(TOP_N) if n >= 2
    ]
    return found


def _seller_reply(item: Interaction) -> str | None:
    reply = (item.extra_data or {}).get("last_reply")
    text = reply.get("text") if isinstance(reply, dict) else None
    return text if isinstance(text, str) and text.strip() else None


def describe_touch(item: Interaction, link_label: str = "") -> str:
    """One linked touch for the prompt: what the buyer said and what the seller answered."""
    when = item.occurred_at.strftime("%d.%m.%Y")
    rating = f" {item.rating}★" if item.rating else ""
    link = f" ({link_label})" if link_label else ""
    text = " ".join((item.text or item.cons or item.pros).split())[:160]
    line = f"{label(CHANNELS, item.channel)}{rating} от {when}{link}: {text}".strip()
    reply = _seller_reply(item)
    if reply:
        line += f" — ответ магазина: {' '.join(reply.split())[:200]}"
    return line


def thread_touch(item: Interaction, link_label: str) -> ThreadTouch:
    return ThreadTouch(
        interaction_id=item.id,
        channel=item.channel,
        occurred_at=item.occurred_at,
        text=" ".join((item.text or item.cons or item.pros).split())[:300],
        rating=item.rating if item.rating and 1 <= item.rating <= 5 else None,
        seller_reply=_seller_reply(item),
        link_label=link_label,
    )


async def collect_context(
    session: AsyncSession, seller_id: int, item: Interaction, settings: SellerAISettings
) -> CollectedContext:
    sources: dict[str, Any] = {"item": item.id, "settings": True}
    product_name = brand = None
    recent_answers: list[str] = []
    complaints: list[str] = []
    if item.nm_id is not None:
        card = await ProductCardRepository(session, seller_id).by_nm_id(item.nm_id)
        if card is not None:
            product_name, brand = card.name or None, card.brand or None
            sources["product_card"] = {"nm_id": card.nm_id, "name": card.name}
        history = await ResponseHistoryRepository(session, seller_id).latest_for_product(
            item.nm_id, limit=RECENT_ANSWERS
        )
        recent_answers = [h.text for h in history]
        if history:
            sources["recent_answers"] = [h.id for h in history]
        neighbours = await InteractionRepository(session, seller_id).recent_for_product(
            item.nm_id, since=utcnow() - PRODUCT_WINDOW, exclude_id=item.id
        )
        complaints = frequent_complaints(list(neighbours))
        if complaints:
            sources["frequent_complaints"] = complaints
    # The same buyer's other touches: only what the linking module shows in the action UI
    # (deterministic, or probable with confidence ≥ 65 %, never a rejected link).
    touches = await linked_touches(session, seller_id, item)
    if touches:
        sources["linked_touches"] = [
            {"id": t.id, "level": link.level, "confidence": link.confidence, "basis": link.basis}
            for t, link in touches
        ]
    history_pairs: list[tuple[Direction, str]] = []
    if item.channel == "chat":
        messages = await ChatMessageRepository(session, seller_id).thread_tail(item.id)
        history_pairs = [
            ("buyer" if m.direction == "in" else "seller", m.text)
            for m in messages
            if m.text and m.direction != "system"  # WB's own notices are neither side
        ]
        if history_pairs:
            sources["chat_history"] = len(history_pairs)
    rating = item.rating if item.rating and 1 <= item.rating <= 5 else None
    context = DraftContext(
        channel=cast(Channel, item.channel),
        text=item.text or "",
        pros=item.pros or "",
        cons=item.cons or "",
        rating=rating,
        buyer_name=item.buyer_name,
        product_name=product_name,
        product_brand=brand,
        nm_id=item.nm_id,
        intent=_intent(item.intent),
        chat_history=history_pairs,
        recent_answers=recent_answers,
        frequent_complaints=complaints,
        linked_touches=[describe_touch(t, link.out().confidence_label) for t, link in touches],
        thread=[thread_touch(t, link.out().confidence_label) for t, link in touches],
        settings=settings,
        item_key=str(item.id),
    )
    return CollectedContext(context=context, sources=sources)
