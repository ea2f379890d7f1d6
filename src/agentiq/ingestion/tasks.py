"""Jobs of the sync engine, shared by the embedded scheduler and the Celery tasks.

Each job is idempotent: the per-(cabinet, channel) lock turns a duplicate into a no-op and
the upserts make a re-run harmless. A sync request carries the time it was made: a channel
already synced by a run that started after it (a duplicate delivery, a racing worker) is not
synced again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime

from agentiq.db import unit_of_work
from agentiq.ingestion.repository import all_connections
from agentiq.ingestion.service import (
    CHANNELS,
    SyncReport,
    expire_stale_syncs,
    sync_cabinet,
    sync_in_progress,
)
from agentiq.kit.time import utcnow
from agentiq.runtime import Runtime

log = logging.getLogger(__name__)

# The web layer reaches the sync engine through this module only.
__all__ = [
    "cancel_background",
    "enqueue_sync",
    "run_sync_all",
    "run_sync_cabinet",
    "sync_in_progress",
]


async def run_sync_cabinet(
    runtime: Runtime,
    seller_id: int,
    cabinet_id: int,
    *,
    full: bool = False,
    requested_at: datetime | None = None,
    channels: Sequence[str] = CHANNELS,
) -> SyncReport | None:
    """Sync a cabinet; None when it failed as a whole (logged).

    With `requested_at`, channels a run started since then has finished are left out (the
    sync checks under each channel's lock); not for `full`, which only a full run satisfies
    and runs do not record.
    """
    try:
        return await sync_cabinet(
            runtime,
            seller_id,
            cabinet_id,
            full=full,
            channels=channels,
            requested_at=None if full else requested_at,
        )
    except Exception:
        log.exception("sync of cabinet %s failed", cabinet_id)
        return None


async def run_sync_all(runtime: Runtime, *, full: bool = False) -> int:
    """Sync every cabinet of every seller, one after another; returns how many."""
    await expire_stale_syncs(runtime)
    async with unit_of_work(runtime.sessionmaker) as session:
        targets = await all_connections(session)
    for seller_id, cabinet_id in targets:
        await run_sync_cabinet(runtime, seller_id, cabinet_id, full=full)
    return len(targets)


def enqueue_sync(runtime: Runtime, seller_id: int, cabinet_id: int, *, full: bool = False) -> str:
    """Start a sync in the background: a Celery task in distributed mode, else in-process.

    Returns how it was started ("celery" | "background").
    """
    settings = runtime.settings
    if settings.redis_url and not settings.scheduler_enabled:
        from agentiq.worker.celery_app import create_celery, sync_cabinet_args

        if runtime.celery_producer is None:  # a producer for this runtime's broker, made once
            runtime.celery_producer = create_celery(settings)
        runtime.celery_producer.send_task(
            "agentiq.sync_cabinet", args=sync_cabinet_args(seller_id, cabinet_id, full, utcnow())
        )
        return "celery"
    tasks = runtime.background_tasks
    task = asyncio.create_task(run_sync_cabinet(runtime, seller_id, cabinet_id, full=full))
    tasks.add(task)  # keep a reference until done, or the loop may drop it
    task.add_done_callback(tasks.discard)
    return "background"


async def cancel_background(runtime: Runtime) -> None:
    tasks = runtime.background_tasks
    for task in list(tasks):
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)
