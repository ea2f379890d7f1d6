"""Two workers racing on one cabinet run one sync per channel; the watermark advances once."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import pytest
from sqlalchemy import select

from agentiq.emulator.faults import FaultConfig
from agentiq.ingestion.service import sync_cabinet
from agentiq.kit.locks import MemoryLocks, RedisLocks
from agentiq.models import SyncRun
from agentiq.runtime import build_runtime
from tests.conftest import TEST_REDIS_URL
from tests.ingestion.conftest import make_cabinet
from tests.ingestion.test_sync_e2e import assert_converged


async def _race(runtimes, seller_id, cabinet_id):  # type: ignore[no-untyped-def]
    reports = await asyncio.gather(*(sync_cabinet(rt, seller_id, cabinet_id) for rt in runtimes))
    statuses = Counter((ch, f.status) for r in reports for ch, f in r.channels.items())
    async with runtimes[0].sessionmaker() as session:
        runs = (
            await session.scalars(select(SyncRun).where(SyncRun.connection_id == cabinet_id))
        ).all()
    return statuses, Counter(r.channel for r in runs)


async def test_in_process_race_runs_each_channel_once(runtime, sync_wb) -> None:
    seller = sync_wb.emulator.add_seller(seed=531, feedbacks=200, questions=50, chats=10)
    sync_wb.emulator.set_faults(seller.seller_id, FaultConfig(latency_ms=60))
    seller_id, cabinet_id = await make_cabinet(runtime, seller.token)
    statuses, runs = await _race([runtime, runtime], seller_id, cabinet_id)
    assert runs == Counter({"review": 1, "question": 1, "chat": 1})
    for channel in ("review", "question", "chat"):
        assert statuses[(channel, "ok")] == 1 and statuses[(channel, "busy")] == 1
    sync_wb.emulator.set_faults(seller.seller_id, FaultConfig())
    await assert_converged(runtime, seller_id, sync_wb.emulator.seller(seller.seller_id))


@pytest.mark.skipif(not TEST_REDIS_URL, reason="needs AGENTIQ_TEST_REDIS_URL")
async def test_two_processes_share_the_redis_lock(settings, runtime, sync_wb) -> None:
    seller = sync_wb.emulator.add_seller(seed=532, feedbacks=200, questions=50, chats=10)
    sync_wb.emulator.set_faults(seller.seller_id, FaultConfig(latency_ms=60))
    seller_id, cabinet_id = await make_cabinet(runtime, seller.token)
    prefix = f"agentiq:test:{uuid.uuid4().hex}:"
    workers = []
    for _ in range(2):  # two "workers": own runtime, own Redis connection, same DB and Redis
        rt = build_runtime(settings.model_copy(update={"redis_url": TEST_REDIS_URL}))
        rt.wb_client_options = runtime.wb_client_options
        rt.locks = RedisLocks(rt.redis, prefix=prefix)
        workers.append(rt)
    try:
        statuses, runs = await _race(workers, seller_id, cabinet_id)
    finally:
        for rt in workers:
            await rt.close()
    assert runs == Counter({"review": 1, "question": 1, "chat": 1})
    for channel in ("review", "question", "chat"):
        assert statuses[(channel, "ok")] == 1 and statuses[(channel, "busy")] == 1
    sync_wb.emulator.set_faults(seller.seller_id, FaultConfig())


async def test_memory_lock_is_exclusive_and_released() -> None:
    locks = MemoryLocks()
    async with locks.hold("a", 10) as first, locks.hold("a", 10) as second:
        assert first and not second
    async with locks.hold("a", 10) as again:
        assert again


@pytest.mark.skipif(not TEST_REDIS_URL, reason="needs AGENTIQ_TEST_REDIS_URL")
async def test_redis_lock_is_extended_while_held_and_expires_when_holder_dies() -> None:
    from redis.asyncio import Redis

    redis = Redis.from_url(TEST_REDIS_URL)
    locks = RedisLocks(redis, prefix=f"agentiq:test:{uuid.uuid4().hex}:")
    try:
        async with locks.hold("job", 0.6) as taken:
            assert taken
            await asyncio.sleep(1.2)  # twice the TTL: the keeper extends it
            async with locks.hold("job", 0.6) as other:
                assert not other
        async with locks.hold("job", 0.6) as after_release:
            assert after_release
        # A holder that dies never releases: the TTL frees the lock.
        dead = redis.lock(locks._prefix + "dead", timeout=0.5, blocking=False)
        assert await dead.acquire()
        async with locks.hold("dead", 0.5) as busy:
            assert not busy
        await asyncio.sleep(0.7)
        async with locks.hold("dead", 0.5) as freed:
            assert freed
    finally:
        await redis.aclose()
