"""Jobs of the sync engine, shared by the embedded scheduler and the Celery tasks.

Each job is idempotent: the per-(cabinet, channel) lock turns a duplicate into a no-op and
the upserts make a re-run harmless.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from agentiq.db import unit_of_work
from agentiq.ingestion.repository import all_connections
from agentiq.ingestion.service import SyncReport, expire_stale_syncs, sync_cabinet
from agentiq.runtime import Runtime

log = logging.getLogger(__name__)

BACKGROUND = "ingestion_background_tasks"


async def run_sync_cabinet(
    runtime: Runtime, seller_id: int, cabinet_id: int, *, full: bool = False
) -> SyncReport | None:
    try:
        return await sync_cabinet(runtime, seller_id, cabinet_id, full=full)
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
        from agentiq.worker.celery_app import celery_app

        celery_app.send_task("agentiq.sync_cabinet", args=[seller_id, cabinet_id, full])
        return "celery"
    tasks: set[asyncio.Task[Any]] = runtime.extras.setdefault(BACKGROUND, set())
    task = asyncio.create_task(run_sync_cabinet(runtime, seller_id, cabinet_id, full=full))
    tasks.add(task)  # keep a reference until done, or the loop may drop it
    task.add_done_callback(tasks.discard)
    return "background"


async def cancel_background(runtime: Runtime) -> None:
    tasks: set[asyncio.Task[Any]] = runtime.extras.get(BACKGROUND, set())
    for task in list(tasks):
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)
