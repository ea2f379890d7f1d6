"""Auto-answer (off by default): per-seller rules by channel × rating × intent.

Every auto reply is a normal draft that passes the same guardrails and goes through the same
outbox (`is_auto=True`), with a daily cap and a random delay so answers do not look robotic.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, time, timedelta

from agentiq.db import unit_of_work
from agentiq.drafting.repository import InteractionRepository
from agentiq.drafting.service import generate_for_interaction
from agentiq.kit.errors import AgentIQError
from agentiq.kit.time import utcnow
from agentiq.models import Interaction
from agentiq.replies.repository import OutboxRepository, auto_answer_candidates
from agentiq.replies.service import submit_reply
from agentiq.runtime import Runtime
from agentiq.settings.schemas import AutoAnswerRule, AutoAnswerSettings
from agentiq.settings.service import load_auto_answer

log = logging.getLogger(__name__)


def matching_rule(item: Interaction, rules: list[AutoAnswerRule]) -> AutoAnswerRule | None:
    for rule in rules:
        if rule.channel != item.channel:
            continue
        rated = item.rating is not None and rule.min_rating <= item.rating <= rule.max_rating
        if item.channel == "review" and not rated:
            continue
        if rule.intents and item.intent not in rule.intents:
            continue
        has_text = bool((item.text or "").strip() or item.pros.strip() or item.cons.strip())
        if rule.only_without_text and has_text:
            continue
        return rule
    return None


def _start_of_day(now: datetime) -> datetime:
    return datetime.combine(now.date(), time.min, tzinfo=now.tzinfo)


async def run_auto_answers(runtime: Runtime, seller_id: int, *, batch: int = 50) -> int:
    """Queue auto replies for matching items; returns how many were queued."""
    async with unit_of_work(runtime.sessionmaker) as session:
        settings: AutoAnswerSettings = await load_auto_answer(session, seller_id)
        if not settings.enabled or not settings.rules:
            return 0
        used = await OutboxRepository(session, seller_id).sent_today(
            _start_of_day(utcnow()), is_auto=True
        )
        budget = settings.daily_cap - used
        if budget <= 0:
            return 0
        channels = sorted({r.channel for r in settings.rules})
        ids = await auto_answer_candidates(session, seller_id, channels, batch)
    queued = 0
    for interaction_id in ids:
        if queued >= budget:
            break
        try:
            async with unit_of_work(runtime.sessionmaker) as session:
                item = await InteractionRepository(session, seller_id).get(interaction_id)
                if matching_rule(item, settings.rules) is None:
                    continue
                made = await generate_for_interaction(session, runtime, seller_id, item.id)
                delay = random.uniform(settings.min_delay_s, settings.max_delay_s)
                await submit_reply(
                    session,
                    runtime,
                    seller_id,
                    item.id,
                    made.draft.text,
                    user_id=None,
                    is_auto=True,
                    send_after=timedelta(seconds=delay),
                )
                queued += 1
        except AgentIQError as exc:  # guardrails blocked or a reply already queued: skip it
            log.info("auto-answer skipped item %s: %s", interaction_id, exc.message)
    return queued
