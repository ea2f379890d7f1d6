"""JSON API: approve a reply, see its delivery, retry a failed one."""

from __future__ import annotations

from fastapi import APIRouter, status

from agentiq.deps import CurrentPrincipal, DbSession, RuntimeDep
from agentiq.interactions.repository import InteractionRepository
from agentiq.replies import service
from agentiq.replies.repository import AttemptRepository, OutboxRepository
from agentiq.replies.schemas import AttemptOut, OutboxOut, ReplyIn, ReplyOut, ReplyStatusOut

router = APIRouter(prefix="/api/interactions", tags=["replies"])


@router.post(
    "/{interaction_id}/reply", response_model=ReplyOut, status_code=status.HTTP_201_CREATED
)
async def reply(
    interaction_id: int,
    body: ReplyIn,
    principal: CurrentPrincipal,
    db: DbSession,
    runtime: RuntimeDep,
) -> ReplyOut:
    approval = await service.submit_reply(
        db,
        runtime,
        principal.seller_id,
        interaction_id,
        body.text,
        user_id=principal.user.id,
        confirm_edit=body.confirm_edit,
    )
    return ReplyOut(
        outbox=OutboxOut.model_validate(approval.outbox),
        warnings=approval.warnings,
        quality=approval.quality,
    )


@router.get("/{interaction_id}/reply", response_model=ReplyStatusOut)
async def reply_status(
    interaction_id: int, principal: CurrentPrincipal, db: DbSession
) -> ReplyStatusOut:
    item = await InteractionRepository(db, principal.seller_id).get(interaction_id)
    rows = await OutboxRepository(db, principal.seller_id).for_interaction(item.id)
    attempts = await AttemptRepository(db, principal.seller_id).for_outbox([r.id for r in rows])
    return ReplyStatusOut(
        replies=[OutboxOut.model_validate(r) for r in rows],
        attempts=[AttemptOut.model_validate(a) for a in attempts],
    )


@router.post("/{interaction_id}/reply/retry", response_model=OutboxOut)
async def retry(
    interaction_id: int, principal: CurrentPrincipal, db: DbSession, runtime: RuntimeDep
) -> OutboxOut:
    row = await service.retry_reply(db, runtime, principal.seller_id, interaction_id)
    return OutboxOut.model_validate(row)
