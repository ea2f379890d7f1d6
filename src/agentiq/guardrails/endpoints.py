"""JSON API: `POST /api/guardrails/check` — what the send would say about a text, sending
nothing. The composer calls it while the operator types and marks the fragments."""

from __future__ import annotations

from fastapi import APIRouter

from agentiq.deps import CurrentPrincipal, DbSession, RuntimeDep
from agentiq.guardrails import service
from agentiq.guardrails.schemas import CheckIn, CheckOut, ViolationOut
from agentiq.guardrails.violations import describe_ru, label_ru

router = APIRouter(prefix="/api/guardrails", tags=["guardrails"])


@router.post("/check", response_model=CheckOut)
async def check_text(
    body: CheckIn, principal: CurrentPrincipal, db: DbSession, runtime: RuntimeDep
) -> CheckOut:
    result = await service.check_text(
        db,
        runtime,
        principal.seller_id,
        body.text,
        channel=body.channel,
        interaction_id=body.interaction_id,
    )
    return CheckOut(
        channel=result.channel,
        can_send=not result.blocking,
        violations=[
            ViolationOut(
                category=v.category,
                label_ru=label_ru(v.category),
                severity=v.severity,
                start=v.start,
                end=v.end,
                fragment=v.fragment,
                message_ru=v.message_ru,
                line_ru=describe_ru(v),
            )
            for v in result.violations
        ],
        summary_ru=result.summary_ru(),
    )
