"""Generate and store a draft for one item: collectors → drafter → guardrails → `drafts`.

The LLM call happens between the reads and the writes, so no write lock is held while the
provider thinks. The latest draft is cached on the item (`extra_data["last_draft"]`) for the
inbox and for the quality classification at send time.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.drafting.collectors import collect_context
from agentiq.drafting.drafter import generate_draft
from agentiq.drafting.repository import DraftRepository, record_event
from agentiq.interactions.repository import InteractionRepository
from agentiq.models import Draft, Interaction
from agentiq.promo import service as promo
from agentiq.runtime import Runtime
from agentiq.settings.service import load_ai_settings


@dataclass(frozen=True)
class GeneratedDraft:
    draft: Draft
    warnings: list[dict[str, object]]
    context: dict[str, Any]
    source: str
    fallback_reason: str | None


def cache_last_draft(item: Interaction, draft: Draft) -> None:
    extra = dict(item.extra_data or {})
    extra["last_draft"] = {
        "id": draft.id,
        "text": draft.text,
        "warnings": draft.warnings.get("items", []),
        "context_used": draft.context_used.get("labels", []),
        "model": draft.model,
    }
    item.extra_data = extra  # a new dict: JSON columns only notice reassignment


async def generate_for_interaction(
    session: AsyncSession,
    runtime: Runtime,
    seller_id: int,
    interaction_id: int,
    *,
    user_id: int | None = None,
) -> GeneratedDraft:
    """A new draft (variant + 1 on every call) for the seller's item; 404 for anyone else's."""
    item = await InteractionRepository(session, seller_id).get(interaction_id)
    ai = await load_ai_settings(session, runtime, seller_id)
    offers = await promo.offers_for_item(session, seller_id, item)
    settings = replace(ai.drafting, promo_offers=offers, suggest_promo=bool(offers))
    collected = await collect_context(session, seller_id, item, settings)
    variant = await DraftRepository(session, seller_id).next_variant(item.id)

    result = await generate_draft(collected.context, ai.llm_config(runtime), variant=variant)

    warnings = [v.as_dict() for v in result.warnings]
    warnings += await promo.public_code_warnings(session, seller_id, item.channel, result.text)
    context = {"labels": list(result.context_used), "sources": collected.sources}
    draft = DraftRepository(session, seller_id).add(
        Draft(
            interaction_id=item.id,
            text=result.text,
            model=result.model,
            prompt_version=result.prompt_version,
            latency_ms=result.latency_ms,
            prompt_tokens=result.prompt_tokens or 0,
            completion_tokens=result.completion_tokens or 0,
            variant=variant,
            context_used=context,
            warnings={"items": warnings},
            created_by_user_id=user_id,
        )
    )
    await session.flush()
    cache_last_draft(item, draft)
    record_event(
        session,
        seller_id,
        item.id,
        "draft_generated",
        actor_user_id=user_id,
        payload={
            "draft_id": draft.id,
            "model": draft.model,
            "variant": variant,
            "source": result.source,
            "fallback_reason": result.fallback_reason,
            "warnings": len(warnings),
        },
    )
    await session.flush()
    return GeneratedDraft(draft, warnings, context, result.source, result.fallback_reason)
