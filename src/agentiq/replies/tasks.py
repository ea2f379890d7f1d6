"""Drivers call these: the embedded scheduler every ~2 s, Celery beat in production."""

from __future__ import annotations

import logging
from collections import Counter

from agentiq.kit.time import utcnow
from agentiq.replies.dispatcher import DispatchConfig, atomic, process
from agentiq.replies.repository import due_ids
from agentiq.runtime import Runtime

log = logging.getLogger(__name__)


async def dispatch_due(
    runtime: Runtime, *, limit: int = 50, config: DispatchConfig | None = None
) -> dict[str, int]:
    """Send every due outbox row (up to `limit`); returns how many ended in each state.

    Safe to run in any number of workers at once: each row is claimed by compare-and-set.
    """
    config = config or DispatchConfig(lease_s=max(120.0, runtime.settings.wb_timeout_s * 3))
    now = utcnow()
    ids = await atomic(runtime, lambda session: due_ids(session, now, limit))
    outcomes: Counter[str] = Counter()
    for outbox_id in ids:
        state = await process(runtime, outbox_id, config)
        if state is not None:
            outcomes[state] += 1
    return dict(outcomes)


async def run_auto_answers_all(runtime: Runtime) -> int:
    """Queue auto-answers for every seller that has them on; returns how many were queued."""
    from agentiq.db import unit_of_work
    from agentiq.replies.autoanswer import run_auto_answers
    from agentiq.replies.repository import sellers_with_auto_answer

    async with unit_of_work(runtime.sessionmaker) as session:
        seller_ids = await sellers_with_auto_answer(session)
    queued = 0
    for seller_id in seller_ids:
        try:
            queued += await run_auto_answers(runtime, seller_id)
        except Exception:  # one seller's failure must not starve the others
            log.exception("auto-answer pass failed for seller %s", seller_id)
    return queued
