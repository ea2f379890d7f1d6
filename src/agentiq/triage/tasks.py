"""Triage jobs shared by the embedded scheduler and the Celery beat: the SLA sweep and the
LLM intent fallback over stored questions."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from agentiq.db import unit_of_work
from agentiq.kit.time import utcnow
from agentiq.runtime import Runtime
from agentiq.triage.llm_fallback import DEFAULT_TIMEOUT_SECONDS
from agentiq.triage.reclassify import (
    BATCH_LIMIT,
    CONCURRENCY,
    apply_llm_intents,
    ask_llm,
    claim_batch,
    seller_llm_config,
)
from agentiq.triage.repository import sellers_with_llm_intent_fallback
from agentiq.triage.rules import GENERAL
from agentiq.triage.service import sla_sweep

log = logging.getLogger(__name__)


async def run_sla_sweep(runtime: Runtime) -> int:
    async with unit_of_work(runtime.sessionmaker) as session:
        return await sla_sweep(session)


@dataclass
class ReclassifyReport:
    """One run of the LLM intent fallback, over all sellers."""

    sellers: int = 0
    # Questions sent to the LLM (each is marked tried, whatever the answer).
    asked: int = 0
    # Questions the LLM placed under another intent and that were re-triaged.
    reclassified: int = 0
    # The LLM said "general" too.
    kept_general: int = 0
    # No usable answer (timeout, HTTP error, odd reply): the rule verdict stays.
    failed: int = 0


async def reclassify_general_questions(
    runtime: Runtime,
    *,
    limit: int = BATCH_LIMIT,
    concurrency: int = CONCURRENCY,
    call_timeout_s: float = DEFAULT_TIMEOUT_SECONDS,
) -> ReclassifyReport:
    """Ask the LLM about the "general" questions of every seller who switched the fallback
    on (see triage/reclassify.py). Per seller: claim in one transaction, call the LLM with
    none open, write in another. One seller's failure never stops the others."""
    report = ReclassifyReport()
    async with unit_of_work(runtime.sessionmaker) as session:
        seller_ids = await sellers_with_llm_intent_fallback(session)
    for seller_id in seller_ids:
        try:
            await _reclassify_seller(runtime, seller_id, report, limit, concurrency, call_timeout_s)
        except Exception:  # one seller's failure must not starve the others
            log.exception("llm intent fallback failed for seller %s", seller_id)
    if report.asked:
        log.info("llm intent fallback: %s", report)
    return report


async def _reclassify_seller(
    runtime: Runtime,
    seller_id: int,
    report: ReclassifyReport,
    limit: int,
    concurrency: int,
    call_timeout_s: float,
) -> None:
    stamp = utcnow().isoformat()
    async with unit_of_work(runtime.sessionmaker) as session:
        config = await seller_llm_config(session, runtime, seller_id, call_timeout_s=call_timeout_s)
        if config is None:
            return
        candidates = await claim_batch(session, seller_id, stamp, limit=limit)
    report.sellers += 1
    if not candidates:
        return
    answers = await ask_llm(candidates, config, concurrency=concurrency)
    report.asked += len(answers)
    report.failed += sum(1 for intent in answers.values() if intent is None)
    report.kept_general += sum(1 for intent in answers.values() if intent == GENERAL)
    found = {id_: i for id_, i in answers.items() if i is not None and i != GENERAL}
    if not found:
        return
    async with unit_of_work(runtime.sessionmaker) as session:
        report.reclassified += await apply_llm_intents(
            session, seller_id, stamp, found, model=config.model, runtime=runtime
        )
