"""The deterministic thread timeline: the same buyer's touches across channels.

Scope, strongest first: `customer_order` (same order id, then same customer), `customer`
(same customer id), `product` (same buyer name on the same product within 14 days — a
probable match, so assist-only), `single`. Auto-actions are allowed only on deterministic
links with confidence ≥ 0.85; everything else is marked assist-only.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.interactions.repository import InteractionRepository
from agentiq.interactions.schemas import Timeline, TimelineStep
from agentiq.models import Draft, Interaction

AUTO_CONFIDENCE = 0.85
PRODUCT_WINDOW = timedelta(days=14)
MAX_STEPS = 50
PREVIEW = 300


def wb_url(item: Interaction) -> str | None:
    if item.nm_id is None:
        return None
    return f"https://www.wildberries.ru/catalog/{item.nm_id}/detail.aspx"


def _match(current: Interaction, other: Interaction) -> tuple[str, float, bool]:
    """(reason, confidence, deterministic) for one step relative to the current item."""
    if other.id == current.id:
        return "current", 1.0, True
    if current.order_id and other.order_id == current.order_id:
        return "same_order", 1.0, True
    if current.customer_id and other.customer_id == current.customer_id:
        return "same_customer", 0.95, True
    return "same_buyer_name_and_product", 0.6, False


async def timeline(session: AsyncSession, seller_id: int, interaction_id: int) -> Timeline:
    repo = InteractionRepository(session, seller_id)
    current = await repo.get(interaction_id)
    options = []
    if current.order_id:
        options.append(Interaction.order_id == current.order_id)
    if current.customer_id:
        options.append(Interaction.customer_id == current.customer_id)
    if current.order_id and current.customer_id:
        scope = "customer_order"
    elif current.customer_id or current.order_id:
        scope = "customer"
    elif current.buyer_name and current.nm_id is not None:
        scope = "product"
        options.append(
            and_(
                Interaction.nm_id == current.nm_id,
                Interaction.buyer_name == current.buyer_name,
                Interaction.occurred_at >= current.occurred_at - PRODUCT_WINDOW,
                Interaction.occurred_at <= current.occurred_at + PRODUCT_WINDOW,
            )
        )
    else:
        scope = "single"
    items = [current]
    if options:
        stmt = (
            select(Interaction)
            .where(Interaction.seller_id == seller_id, Interaction.id != current.id, or_(*options))
            .order_by(Interaction.occurred_at, Interaction.id)
            .limit(MAX_STEPS - 1)
        )
        items.extend((await session.scalars(stmt)).all())
    items.sort(key=lambda i: (i.occurred_at, i.id))
    drafts: dict[int, str] = {}
    draft_rows = await session.execute(
        select(Draft.interaction_id, Draft.text)
        .where(Draft.seller_id == seller_id, Draft.interaction_id.in_([i.id for i in items]))
        .order_by(Draft.created_at.desc(), Draft.id.desc())
    )
    for draft_interaction, text in draft_rows:
        drafts.setdefault(draft_interaction, text)
    steps = []
    for item in items:
        reason, confidence, deterministic = _match(current, item)
        auto = deterministic and confidence >= AUTO_CONFIDENCE
        last_reply: Any = (item.extra_data or {}).get("last_reply") or {}
        steps.append(
            TimelineStep(
                interaction_id=item.id,
                channel=item.channel,
                occurred_at=item.occurred_at,
                text=item.text[:PREVIEW],
                rating=item.rating,
                status=item.status,
                is_current=item.id == current.id,
                match_reason=reason,
                confidence=confidence,
                action_mode="auto_allowed" if auto else "assist_only",
                policy_reason=(
                    "deterministic link, confidence ≥ 85%"
                    if auto
                    else "probable link: suggestions only, no automatic actions"
                ),
                wb_url=wb_url(item),
                last_reply_text=last_reply.get("text") if isinstance(last_reply, dict) else None,
                last_ai_draft_text=drafts.get(item.id),
            )
        )
    return Timeline(interaction_id=current.id, thread_scope=scope, steps=steps)
