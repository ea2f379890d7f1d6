"""JSON API for the seller's SLA rules (owner only); an empty list restores the defaults.

Saving moves the deadlines of the seller's open items to the new targets in the same
transaction; the answer says how many moved.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from agentiq.deps import DbSession, OwnerPrincipal, RuntimeDep
from agentiq.triage.service import effective_sla_rules, replace_sla_rules
from agentiq.triage.sla import SlaRule

router = APIRouter(prefix="/api/settings/sla", tags=["sla"])


class SlaRulesOut(BaseModel):
    rules: list[SlaRule]
    is_default: bool


class SlaRulesSaved(SlaRulesOut):
    # Open items whose deadline moved, escalations undone (new deadline not passed yet),
    # and open items already overdue under the new rules (escalated right away).
    rescheduled: int
    deescalated: int
    escalated: int


class SlaRulesIn(BaseModel):
    rules: list[SlaRule] = Field(default_factory=list, max_length=200)


@router.get("", response_model=SlaRulesOut)
async def get_sla(principal: OwnerPrincipal, db: DbSession) -> SlaRulesOut:
    rules, own = await effective_sla_rules(db, principal.seller_id)
    return SlaRulesOut(rules=rules, is_default=not own)


@router.put("", response_model=SlaRulesSaved)
async def put_sla(
    body: SlaRulesIn, principal: OwnerPrincipal, db: DbSession, runtime: RuntimeDep
) -> SlaRulesSaved:
    change = await replace_sla_rules(db, principal.seller_id, body.rules, runtime=runtime)
    rules, own = await effective_sla_rules(db, principal.seller_id)
    return SlaRulesSaved(
        rules=rules,
        is_default=not own,
        rescheduled=change.rescheduled,
        deescalated=change.deescalated,
        escalated=change.escalated,
    )
