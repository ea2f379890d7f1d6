"""Linking jobs, shared by the embedded scheduler and the Celery tasks."""

from __future__ import annotations

import logging
import uuid

from agentiq.db import unit_of_work
from agentiq.linking import escalations
from agentiq.linking.service import recompute
from agentiq.runtime import Runtime
from agentiq.worker.port import RecomputeLinks, Started

log = logging.getLogger(__name__)


async def run_recompute(runtime: Runtime, seller_id: int, interaction_id: int | None) -> int:
    """Recompute a seller's (or one item's) links in its own transaction; pairs stored."""
    try:
        async with unit_of_work(runtime.sessionmaker) as session:
            stored = await recompute(session, seller_id, interaction_id)
    except Exception:
        log.exception("link recompute for seller %s failed", seller_id)
        return -1
    log.info("links recomputed: seller %s item %s, %s pairs", seller_id, interaction_id, stored)
    return stored


def enqueue_recompute(
    runtime: Runtime, seller_id: int, interaction_id: int | None
) -> tuple[str, Started]:
    """Start a recompute in the background; returns (job id, how it was started)."""
    job_id = uuid.uuid4().hex
    return job_id, runtime.worker.enqueue(RecomputeLinks(seller_id, interaction_id, job_id))


async def run_escalation_sweep(runtime: Runtime) -> int:
    """Resolve escalations whose chat was closed and expire the overdue invitations."""
    async with unit_of_work(runtime.sessionmaker) as session:
        return await escalations.expire_all(session)
