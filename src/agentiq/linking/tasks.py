"""Linking jobs, shared by the embedded scheduler and the Celery tasks."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from agentiq.db import unit_of_work
from agentiq.linking import escalations
from agentiq.linking.service import recompute
from agentiq.runtime import Runtime

log = logging.getLogger(__name__)

# In-process jobs, kept referenced until done (the event loop holds only weak references).
_running: set[asyncio.Task[Any]] = set()


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
) -> tuple[str, str]:
    """Start a recompute: a Celery task in distributed mode, else in this process.

    Returns (job id, how it was started).
    """
    job_id = uuid.uuid4().hex
    settings = runtime.settings
    if settings.redis_url and not settings.scheduler_enabled:
        from agentiq.worker.celery_app import create_celery

        create_celery(settings).send_task(
            "agentiq.links_recompute", args=[seller_id, interaction_id], task_id=job_id
        )
        return job_id, "celery"
    task = asyncio.create_task(run_recompute(runtime, seller_id, interaction_id), name=job_id)
    _running.add(task)
    task.add_done_callback(_running.discard)
    return job_id, "background"


async def wait_background() -> None:
    """Wait for this process's recompute jobs (tests and shutdown)."""
    if _running:
        await asyncio.gather(*list(_running), return_exceptions=True)


async def run_escalation_sweep(runtime: Runtime) -> int:
    """Resolve escalations whose chat was closed and expire the overdue invitations."""
    async with unit_of_work(runtime.sessionmaker) as session:
        return await escalations.expire_all(session)
