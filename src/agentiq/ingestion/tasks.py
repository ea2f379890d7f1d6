"""Jobs of the sync engine, shared by the embedded scheduler and the Celery tasks.

Each job is idempotent: the per-(cabinet, channel) lock turns a duplicate into a no-op and
the upserts make a re-run harmless. A sync request carries the time it was made: a channel
already synced by a run that started after it (a duplicate delivery, a racing worker) is not
synced again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.cabinets.repository import CabinetRepository
from agentiq.db import after_commit, unit_of_work
from agentiq.ingestion.repository import all_connections
from agentiq.ingestion.service import (
    CHANNELS,
    SyncReport,
    effective_status,
    expire_stale_syncs,
    sync_cabinet,
    sync_in_progress,
)
from agentiq.kit.time import utcnow
from agentiq.runtime import Runtime
from agentiq.worker.port import Started, SyncCabinet

log = logging.getLogger(__name__)

# The web layer reaches the sync engine through this module only.
__all__ = ["request_sync", "run_sync_all", "run_sync_cabinet", "sync_in_progress"]


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


async def request_sync(
    session: AsyncSession, runtime: Runtime, seller_id: int, cabinet_id: int, *, full: bool = False
) -> Started | None:
    """Queue a sync of the seller's cabinet («Синхронизировать», a new cabinet, the demo).

    The cabinet shows «queued» at once; the job starts once this session commits, so the
    status the sync writes is never overwritten by the request. None when a live process is
    already syncing it (a "syncing" left behind by a killed process does not count: the
    locks tell). Another seller's cabinet answers 404.
    """
    cabinet = await CabinetRepository(session, seller_id).get(cabinet_id)
    current, _ = effective_status(cabinet)
    if current == "syncing" and await sync_in_progress(runtime, cabinet_id):
        return None
    cabinet.sync_status = "queued"
    cabinet.sync_error = None
    cabinet.sync_started_at = utcnow()
    await session.flush()
    job = SyncCabinet(seller_id, cabinet_id, full)
    after_commit(session, lambda: runtime.worker.enqueue(job))
    return runtime.worker.kind
