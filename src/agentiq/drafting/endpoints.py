"""JSON API: `POST /api/interactions/{id}/ai-draft` (also «Перегенерировать»)."""

from __future__ import annotations

from fastapi import APIRouter

from agentiq.deps import CurrentPrincipal, DbSession, RuntimeDep
from agentiq.drafting.schemas import AIDraftOut, GeneratedDraftOut
from agentiq.drafting.service import generate_for_interaction

router = APIRouter(prefix="/api/interactions", tags=["drafting"])


@router.post("/{interaction_id}/ai-draft", response_model=AIDraftOut)
async def ai_draft(
    interaction_id: int, principal: CurrentPrincipal, db: DbSession, runtime: RuntimeDep
) -> AIDraftOut:
    made = await generate_for_interaction(
        db, runtime, principal.seller_id, interaction_id, user_id=principal.user.id
    )
    d = made.draft
    return AIDraftOut(
        draft=GeneratedDraftOut(
            id=d.id,
            text=d.text,
            model=d.model,
            prompt_version=d.prompt_version,
            variant=d.variant,
            latency_ms=d.latency_ms,
            prompt_tokens=d.prompt_tokens,
            completion_tokens=d.completion_tokens,
            source=made.source,
            fallback_reason=made.fallback_reason,
        ),
        warnings=made.warnings,
        context=made.context,
    )
