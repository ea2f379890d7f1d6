"""A sync cancelled at random await points, then restarted, still converges (no loss, no dup).

Cancellation is raised inside whatever the sync awaits at that instant (an HTTP read, a
flush, a commit), which is where a killed worker would stop; the unit of work rolls back and
the next run resumes from the last committed page.
"""

from __future__ import annotations

import asyncio
import contextlib
import random

import pytest

from agentiq.ingestion.service import sync_cabinet
from tests.ingestion.conftest import make_cabinet
from tests.ingestion.test_sync_e2e import assert_converged


@pytest.mark.slow
async def test_random_kill_points_then_restart_converge(runtime, sync_wb) -> None:
    rng = random.Random(7)
    seller = sync_wb.emulator.add_seller(seed=511, feedbacks=120, questions=40, chats=8)
    state = sync_wb.emulator.seller(seller.seller_id)
    seller_id, cabinet_id = await make_cabinet(runtime, seller.token)

    # How long an uninterrupted full sync takes here, to spread the kill points over it.
    loop = asyncio.get_running_loop()
    started = loop.time()
    probe_seller = sync_wb.emulator.add_seller(seed=512, feedbacks=120, questions=40, chats=8)
    probe_id, probe_cabinet = await make_cabinet(runtime, probe_seller.token, name="probe")
    await sync_cabinet(runtime, probe_id, probe_cabinet)
    duration = loop.time() - started

    kills = rounds = 0
    while kills < 55 and rounds < 200:
        rounds += 1
        if rounds % 10 == 0:
            sync_wb.emulator.tick(seller.seller_id)  # WB keeps moving between crashes
        full = rounds % 2 == 0  # a full re-read has a kill point on every page
        task = asyncio.create_task(sync_cabinet(runtime, seller_id, cabinet_id, full=full))
        await asyncio.sleep(rng.uniform(0, duration))
        if not task.done():
            task.cancel()
            kills += 1
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert kills >= 50
    report = await sync_cabinet(runtime, seller_id, cabinet_id)
    assert report.ok
    await assert_converged(runtime, seller_id, state)
