"""Auto-answer (off by default): only for buckets that earned it (see autonomy.service),
optionally narrowed by the seller's rules (channel × rating × intent).

Every auto reply is a normal draft that passes the same guardrails and goes through the same
outbox (`is_auto=True`), with a daily cap and a random delay so answers do not look robotic.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, time, timedelta

from agentiq.autonomy import service as autonomy
from agentiq.db import unit_of_work
from agentiq.drafting.service import generate_for_interaction
from agentiq.interactions.repository import InteractionRepository
from agentiq.kit.errors import AgentIQError
from agentiq.kit.time import utcnow
from agentiq.models import AutonomyBucket, Interaction
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
    """Queue auto replies for items of earned buckets; returns how many were queued.

    Walks every matching item (keyset pages of `batch`), not only the oldest open ones,
    until the seller's daily cap is used. Each item must pass the seller's rules (if any)
    and its bucket's gate: earned, not killed, within its cap and pacing, and no link the
    link policy keeps from automatic actions.
    """
    async with unit_of_work(runtime.sessionmaker) as session:
        settings: AutoAnswerSettings = await load_auto_answer(session, seller_id)
        if not settings.enabled:
            return 0
        used = await OutboxRepository(session, seller_id).sent_today(
            _start_of_day(utcnow()), is_auto=True
        )
        keys = [bucket_key_of(b) for b in await autonomy.auto_buckets(session, seller_id)]
    budget = settings.daily_cap - used
    queued = 0
    after: tuple[datetime, int] | None = None
    while budget > queued and keys:
        async with unit_of_work(runtime.sessionmaker) as session:
            page = await auto_answer_candidates(session, seller_id, keys, batch, after)
        if not page:
            break
        after = page[-1]
        for _, interaction_id in page:
            if queued >= budget:
                break
            if await _answer_one(runtime, seller_id, interaction_id, settings):
                queued += 1
    return queued


def bucket_key_of(bucket: AutonomyBucket) -> tuple[str, int, str]:
    return bucket.channel, bucket.rating, bucket.intent


async def _answer_one(
    runtime: Runtime, seller_id: int, interaction_id: int, settings: AutoAnswerSettings
) -> bool:
    try:
        async with unit_of_work(runtime.sessionmaker) as session:
            item = await InteractionRepository(session, seller_id).get(interaction_id)
            if settings.rules and matching_rule(item, settings.rules) is None:
                return False
            gate = await autonomy.may_auto_answer(session, seller_id, item)
            if not gate.allowed:
                log.info("auto-answer skipped item %s: %s", interaction_id, gate.reason)
                return False
            made = await generate_for_interaction(session, runtime, seller_id, item.id)
            if made.warnings:
                # A warning on a trusted bucket's draft: back to shadow, a person answers.
                first = str(made.warnings[0].get("message_ru") or made.warnings[0])
                await autonomy.demote_for_warning(session, seller_id, item, first)
                return False
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
            await autonomy.mark_auto_sent(session, seller_id, item)
            return True
    except AgentIQError as exc:  # guardrails blocked or a reply already queued: skip it
        log.info("auto-answer skipped item %s: %s", interaction_id, exc.message)
        return False
