"""JSON API for the seller's triage settings: SLA rules and the needs-response switches.

Saving either changes the seller's open items in the same transaction (deadlines moved,
items that now wait or no longer wait for an answer); the answer says how many changed.
SLA rules are the owner's; the switches may be read by every member, changed by the owner.
"""

from __future__ import annotations

from typing import Self

from fastapi import APIRouter
from pydantic import BaseModel, Field

from agentiq.deps import CurrentPrincipal, DbSession, OwnerPrincipal, RuntimeDep
from agentiq.triage.schemas import TriageSettings, TriageSettingsUpdate
from agentiq.triage.service import (
    effective_sla_rules,
    load_triage_settings,
    replace_sla_rules,
    update_triage_settings,
)
from agentiq.triage.sla import SlaRule

router = APIRouter(prefix="/api/settings", tags=["triage"])


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


@router.get("/sla", response_model=SlaRulesOut)
async def get_sla(principal: OwnerPrincipal, db: DbSession) -> SlaRulesOut:
    rules, own = await effective_sla_rules(db, principal.seller_id)
    return SlaRulesOut(rules=rules, is_default=not own)


@router.put("/sla", response_model=SlaRulesSaved)
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


class TriageSettingsOut(BaseModel):
    # Reviews with no text, pros, cons or media and one of these ratings need no answer
    # unless `reply_to_empty_top_reviews`; chats that only thank need none unless
    # `reply_to_chat_thanks`; `llm_intent_fallback` asks the seller's LLM about questions
    # the rules call "general".
    reply_to_empty_top_reviews: bool
    empty_review_silent_ratings: list[int]
    reply_to_chat_thanks: bool
    llm_intent_fallback: bool

    @classmethod
    def of(cls, settings: TriageSettings) -> Self:
        return cls(
            reply_to_empty_top_reviews=settings.reply_to_empty_top_reviews,
            empty_review_silent_ratings=sorted(settings.empty_review_silent_ratings),
            reply_to_chat_thanks=settings.reply_to_chat_thanks,
            llm_intent_fallback=settings.llm_intent_fallback,
        )


class TriageSettingsSaved(TriageSettingsOut):
    # Open items that now wait for an answer, those that no longer do, and those waiting
    # again that were already overdue (escalated right away).
    now_waiting: int
    no_longer_waiting: int
    escalated: int


@router.get("/triage", response_model=TriageSettingsOut)
async def get_triage_settings(principal: CurrentPrincipal, db: DbSession) -> TriageSettingsOut:
    return TriageSettingsOut.of(await load_triage_settings(db, principal.seller_id))


@router.put("/triage", response_model=TriageSettingsSaved)
async def put_triage_settings(
    body: TriageSettingsUpdate, principal: OwnerPrincipal, db: DbSession, runtime: RuntimeDep
) -> TriageSettingsSaved:
    """Fields left out keep their stored value."""
    change = await update_triage_settings(db, principal.seller_id, body, runtime=runtime)
    return TriageSettingsSaved(
        **TriageSettingsOut.of(change.settings).model_dump(),
        now_waiting=change.now_waiting,
        no_longer_waiting=change.no_longer_waiting,
        escalated=change.escalated,
    )
