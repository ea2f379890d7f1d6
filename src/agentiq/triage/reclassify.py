"""The LLM intent fallback over stored questions (job: `tasks.reclassify_general_questions`).

The sync never waits for an LLM: it stores the rule-based verdict. Then, per seller with
`TriageSettings.llm_intent_fallback` on and an LLM configured in the AI settings, the job
1. claims a batch of "general" questions nobody asked the LLM about yet (`claim_batch`,
   committed before any call: the claim is the "tried" mark of triage/llm_mark.py);
2. asks the LLM about each with no transaction open, a few at a time (`ask_llm`); every call
   has the 5-second timeout and yields None on any failure;
3. re-triages the questions the LLM placed under another intent (`apply_llm_intents`).

So each question text costs at most one call: a failed, timed-out or "general" answer leaves
the rule verdict in place and the question marked; overlapping runs cannot claim the same
question twice; a run that dies after its claim simply leaves the rule verdict.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.eventstream.service import COUNTS_CHANGED, publish_after_commit
from agentiq.kit.time import utcnow
from agentiq.models import PRIORITY_RANK, Priority
from agentiq.runtime import Runtime
from agentiq.settings.service import load_ai_settings
from agentiq.triage import rules
from agentiq.triage.engine import triage
from agentiq.triage.llm_fallback import (
    DEFAULT_TIMEOUT_SECONDS,
    PROMPT_VERSION,
    LlmIntentConfig,
    classify_intent_llm,
)
from agentiq.triage.llm_mark import LLM_INTENT
from agentiq.triage.repository import NEXT_LEVEL, GeneralQuestions, insert_events
from agentiq.triage.schemas import TriageInput
from agentiq.triage.service import load_sla_rules, load_triage_settings, sla_sweep

# Questions claimed per seller and run; the rest wait for the next run.
BATCH_LIMIT = 50
# LLM calls in flight at once per seller.
CONCURRENCY = 4


@dataclass(frozen=True)
class Candidate:
    id: int
    text: str


async def seller_llm_config(
    session: AsyncSession,
    runtime: Runtime,
    seller_id: int,
    *,
    call_timeout_s: float = DEFAULT_TIMEOUT_SECONDS,
) -> LlmIntentConfig | None:
    """Where to ask for this seller; None unless the switch is on and an LLM is configured."""
    if not (await load_triage_settings(session, seller_id)).llm_intent_fallback:
        return None
    llm = (await load_ai_settings(session, runtime, seller_id)).llm_config(runtime)
    if llm is None:
        return None
    return LlmIntentConfig(
        base_url=llm.base_url,
        api_key=llm.api_key,
        model=llm.model,
        timeout=call_timeout_s,
        public_only=llm.public_only,
        allowed_hosts=llm.allowed_hosts,
    )


async def claim_batch(
    session: AsyncSession, seller_id: int, stamp: str, *, limit: int = BATCH_LIMIT
) -> list[Candidate]:
    """Mark up to `limit` untried "general" questions as tried by this run (`stamp`)."""
    repo = GeneralQuestions(session, seller_id)
    claimed = []
    for id_, text in await repo.untried(limit):
        if await repo.claim(id_, text, stamp):
            claimed.append(Candidate(id_, text))
    return claimed


async def ask_llm(
    candidates: Sequence[Candidate],
    config: LlmIntentConfig,
    *,
    concurrency: int = CONCURRENCY,
) -> dict[int, str | None]:
    """The LLM's intent per question id (None: no usable answer). Call with no DB
    transaction open: a batch may take a few timeouts' worth of time."""
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(candidate: Candidate) -> tuple[int, str | None]:
        async with gate:
            return candidate.id, await classify_intent_llm(candidate.text, config)

    return dict(await asyncio.gather(*(one(c) for c in candidates)))


async def apply_llm_intents(
    session: AsyncSession,
    seller_id: int,
    stamp: str,
    intents: dict[int, str],
    *,
    model: str = "",
    now: datetime | None = None,
    runtime: Runtime | None = None,
) -> int:
    """Re-triage the questions this run claimed with the LLM's intent; how many changed.

    Priority, reason, SLA target and deadline follow the new intent, as at ingestion. An
    escalation stands while the item is late against its deadline (as when SLA rules change,
    see `service.reschedule_open_items`): kept, on top of the new level, if the deadline is
    unchanged or has passed too; undone, with a "deescalated" event, if the new deadline is
    still ahead; an item already late under its new deadline is escalated right away.
    """
    intents = {
        id_: intent
        for id_, intent in intents.items()
        if intent in rules.QUESTION_INTENTS and intent != rules.GENERAL
    }
    if not intents:
        return 0
    now = now or utcnow()
    settings = await load_triage_settings(session, seller_id)
    sla_rules = await load_sla_rules(session, seller_id)
    repo = GeneralQuestions(session, seller_id)
    events: list[dict[str, Any]] = []
    for row in await repo.claimed(list(intents), stamp):
        intent = intents[row.id]
        verdict = triage(
            TriageInput(
                channel="question",
                occurred_at=row.occurred_at,
                text=row.text,
                pros=row.pros,
                cons=row.cons,
                rating=row.rating,
            ),
            settings=settings,
            sla_rules=sla_rules,
            intent_override=intent,
            intent_method="llm",
        )
        priority: str = verdict.priority
        escalated_at = row.escalated_at
        if escalated_at is not None:
            if verdict.sla_due_at == row.sla_due_at or verdict.sla_due_at <= now:
                priority = NEXT_LEVEL[priority]
            else:
                escalated_at = None
        written = await repo.reclassify(
            row.id,
            stamp,
            was_escalated=row.escalated_at is not None,
            values={
                "intent": verdict.intent,
                "priority": priority,
                "priority_rank": PRIORITY_RANK[Priority(priority)],
                "priority_reason": verdict.priority_reason[:300],
                "sla_due_at": verdict.sla_due_at,
                "escalated_at": escalated_at,
            },
            triage_keys={
                "intent_method": verdict.intent_method,
                "sla_minutes": verdict.sla_minutes,
                "sla_source": verdict.sla_source,
                LLM_INTENT: intent,
            },
        )
        if not written:
            continue
        payload = {
            "from": rules.GENERAL,
            "intent": intent,
            "method": "llm",
            "model": model,
            "prompt_version": PROMPT_VERSION,
        }
        events.append(_event(seller_id, row.id, "classified", payload, now))
        if row.escalated_at is not None and escalated_at is None:
            reason = "тип вопроса уточнён, новый срок SLA ещё не наступил"
            payload = {"from": row.priority, "to": priority, "reason": reason}
            events.append(_event(seller_id, row.id, "deescalated", payload, now))
    if not events:
        return 0
    await insert_events(session, events)
    await sla_sweep(session, now=now, seller_id=seller_id)
    publish_after_commit(session, runtime, seller_id, COUNTS_CHANGED)
    return sum(1 for event in events if event["kind"] == "classified")


def _event(
    seller_id: int, interaction_id: int, kind: str, payload: dict[str, Any], now: datetime
) -> dict[str, Any]:
    return {
        "seller_id": seller_id,
        "interaction_id": interaction_id,
        "kind": kind,
        "payload": payload,
        "created_at": now,
    }
