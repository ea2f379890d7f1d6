"""JSON API of linking: links and verdicts, precision, recompute, settings, escalations.

Another seller's link, item or escalation answers 404 (every read is seller-scoped).
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
from sqlalchemy import select

from agentiq.deps import CurrentPrincipal, DbSession, OwnerPrincipal, RuntimeDep
from agentiq.kit.errors import NotFound
from agentiq.linking import escalations, service
from agentiq.linking.schemas import (
    EscalateIn,
    EscalationCounts,
    EscalationOut,
    LinkOut,
    LinkSettingsIn,
    LinkSettingsOut,
    PrecisionRow,
    RecomputeIn,
    RecomputeOut,
    VerdictIn,
)
from agentiq.linking.tasks import enqueue_recompute
from agentiq.models import Escalation
from agentiq.replies import service as replies_service

router = APIRouter(prefix="/api/links", tags=["linking"])
items_router = APIRouter(prefix="/api/interactions", tags=["linking"])
escalations_router = APIRouter(prefix="/api/escalations", tags=["linking"])


@router.post("/recompute", response_model=RecomputeOut, status_code=status.HTTP_202_ACCEPTED)
async def recompute_links(
    body: RecomputeIn, principal: CurrentPrincipal, db: DbSession, runtime: RuntimeDep
) -> RecomputeOut:
    if body.interaction_id is not None:
        await service.get_item(db, principal.seller_id, body.interaction_id)  # 404 first
    job, started = enqueue_recompute(runtime, principal.seller_id, body.interaction_id)
    return RecomputeOut(
        job=job,
        scope="item" if body.interaction_id is not None else "seller",
        interaction_id=body.interaction_id,
        started=started,
    )


@router.post("/{link_id}/verdict", response_model=LinkOut)
async def judge(
    link_id: int, body: VerdictIn, principal: CurrentPrincipal, db: DbSession
) -> LinkOut:
    return await service.judge_link(
        db, principal.seller_id, link_id, body.verdict, user_id=principal.user.id
    )


@router.get("/precision", response_model=list[PrecisionRow])
async def precision(
    principal: CurrentPrincipal, db: DbSession, since: datetime | None = None
) -> list[PrecisionRow]:
    return await service.linking_precision(db, principal.seller_id, since=since)


@router.get("/settings", response_model=LinkSettingsOut)
async def get_settings(principal: CurrentPrincipal, db: DbSession) -> LinkSettingsOut:
    return LinkSettingsOut(window_days=await service.window_days(db, principal.seller_id))


@router.put("/settings", response_model=LinkSettingsOut)
async def put_settings(
    body: LinkSettingsIn, principal: OwnerPrincipal, db: DbSession
) -> LinkSettingsOut:
    days = await service.set_window_days(db, principal.seller_id, body.window_days)
    return LinkSettingsOut(window_days=days)


@items_router.get("/{interaction_id}/links", response_model=list[LinkOut])
async def item_links(
    interaction_id: int, principal: CurrentPrincipal, db: DbSession, include_weak: bool = False
) -> list[LinkOut]:
    await service.get_item(db, principal.seller_id, interaction_id)
    links = await service.buyer_links(
        db, principal.seller_id, interaction_id, include_weak=include_weak
    )
    return [link.out() for link in links]


@items_router.post(
    "/{interaction_id}/escalate", response_model=EscalationOut, status_code=status.HTTP_201_CREATED
)
async def escalate(
    interaction_id: int,
    body: EscalateIn,
    principal: CurrentPrincipal,
    db: DbSession,
    runtime: RuntimeDep,
) -> EscalationOut:
    """«Перевести в чат»: the public answer invites the buyer to the chat (under the public
    guardrails), and the item waits for the chat until the deadline."""
    item = await service.get_item(db, principal.seller_id, interaction_id)
    if not escalations.can_escalate(item):
        await escalations.open_escalation(db, principal.seller_id, item, user_id=None)  # raises
    if body.send_invitation:
        await replies_service.submit_reply(
            db,
            runtime,
            principal.seller_id,
            item.id,
            body.text or escalations.INVITATION,
            user_id=principal.user.id,
        )
    escalation = await escalations.open_escalation(
        db,
        principal.seller_id,
        item,
        user_id=principal.user.id,
        deadline_hours=body.deadline_hours,
    )
    return EscalationOut.model_validate(escalation)


@items_router.get("/{interaction_id}/escalation", response_model=EscalationOut | None)
async def item_escalation(
    interaction_id: int, principal: CurrentPrincipal, db: DbSession
) -> EscalationOut | None:
    await service.get_item(db, principal.seller_id, interaction_id)
    found = await escalations.open_for(db, principal.seller_id, interaction_id)
    return EscalationOut.model_validate(found) if found is not None else None


@escalations_router.get("/counts", response_model=EscalationCounts)
async def escalation_counts(
    principal: CurrentPrincipal, db: DbSession, since: datetime | None = None
) -> EscalationCounts:
    return await escalations.counts(db, principal.seller_id, since=since)


@escalations_router.post("/{escalation_id}/resolve", response_model=EscalationOut)
async def resolve_escalation(
    escalation_id: int, principal: CurrentPrincipal, db: DbSession
) -> EscalationOut:
    found = await db.scalar(
        select(Escalation).where(
            Escalation.seller_id == principal.seller_id, Escalation.id == escalation_id
        )
    )
    if found is None:
        raise NotFound("Эскалация не найдена")
    await escalations.resolve(db, principal.seller_id, found, user_id=principal.user.id)
    return EscalationOut.model_validate(found)
