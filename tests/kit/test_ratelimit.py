"""Token buckets: the arithmetic with a fake clock, then real waiting, then Redis sharing."""

from __future__ import annotations

import asyncio
import os
import time
import uuid

import pytest

from agentiq.kit.ratelimit import MemoryRateLimiter, RateLimit, RedisRateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_memory_bucket_allows_burst_then_refills_at_rate() -> None:
    clock = FakeClock()
    limiter = MemoryRateLimiter(clock=clock)
    limit = RateLimit(rate=3.0, burst=6)
    assert [limiter.try_take("k", limit) for _ in range(6)] == [0.0] * 6
    assert limiter.try_take("k", limit) == pytest.approx(1 / 3)
    clock.now += 1 / 3
    assert limiter.try_take("k", limit) == 0.0
    clock.now += 100  # refill is capped at the burst
    assert [limiter.try_take("k", limit) for _ in range(7)][-1] == pytest.approx(1 / 3)


def test_memory_buckets_are_per_key() -> None:
    limiter = MemoryRateLimiter(clock=FakeClock())
    limit = RateLimit(rate=1.0, burst=1)
    assert limiter.try_take("cabinet-a:feedbacks", limit) == 0.0
    assert limiter.try_take("cabinet-b:feedbacks", limit) == 0.0
    assert limiter.try_take("cabinet-a:feedbacks", limit) > 0


async def test_memory_block_pauses_every_caller() -> None:
    clock = FakeClock()
    limiter = MemoryRateLimiter(clock=clock)
    limit = RateLimit(rate=3.0, burst=6)
    await limiter.block("k", limit, 2.0)
    assert limiter.try_take("k", limit) == pytest.approx(2.0)
    clock.now += 2.0
    # The bucket refills from the end of the block, not from its start.
    assert limiter.try_take("k", limit) == pytest.approx(1 / 3)
    clock.now += 1 / 3
    assert limiter.try_take("k", limit) == 0.0


async def test_memory_acquire_really_waits_and_reports_the_wait() -> None:
    limiter = MemoryRateLimiter()
    limit = RateLimit(rate=20.0, burst=2)
    started = time.monotonic()
    waited = [await limiter.acquire("k", limit) for _ in range(12)]
    elapsed = time.monotonic() - started
    # 2 from the burst, 10 more at 20/s = at least 0.5 s.
    assert elapsed >= 0.49
    assert waited[:2] == [0.0, 0.0]
    assert sum(waited) == pytest.approx(elapsed, abs=0.1)


async def test_memory_concurrent_acquirers_never_exceed_the_bucket() -> None:
    limiter = MemoryRateLimiter()
    limit = RateLimit(rate=20.0, burst=4)
    stamps: list[float] = []

    async def worker() -> None:
        for _ in range(5):
            await limiter.acquire("k", limit)
            stamps.append(time.monotonic())

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(4)))
    # 20 grants: 4 immediately, then 16 at 20/s.
    assert len(stamps) == 20
    assert max(stamps) - started >= 16 / 20 - 0.02
    for window_start in stamps:
        in_window = [s for s in stamps if window_start <= s < window_start + 0.5]
        assert len(in_window) <= 4 + 0.5 * 20 + 1


REDIS_URL = os.environ.get("AGENTIQ_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="AGENTIQ_TEST_REDIS_URL is not set")


@pytest.fixture
async def redis_client():
    import redis.asyncio as aioredis

    client = aioredis.from_url(REDIS_URL)
    yield client
    await client.aclose()


@needs_redis
@pytest.mark.redis
async def test_redis_bucket_matches_memory_semantics(redis_client) -> None:
    limiter = RedisRateLimiter(redis_client, prefix=f"test:{uuid.uuid4()}:")
    limit = RateLimit(rate=3.0, burst=6)
    waits = [await limiter.try_take("k", limit) for _ in range(7)]
    assert waits[:6] == [0.0] * 6
    assert 0.2 < waits[6] <= 1 / 3 + 0.01
    await limiter.block("k", limit, 1.5)
    assert await limiter.try_take("k", limit) == pytest.approx(1.5, abs=0.05)


@needs_redis
@pytest.mark.redis
async def test_redis_bucket_is_shared_between_limiters(redis_client) -> None:
    import redis.asyncio as aioredis

    prefix = f"test:{uuid.uuid4()}:"
    other = aioredis.from_url(REDIS_URL)
    try:
        a = RedisRateLimiter(redis_client, prefix=prefix)
        b = RedisRateLimiter(other, prefix=prefix)
        limit = RateLimit(rate=10.0, burst=4)
        started = time.monotonic()

        async def run(limiter: RedisRateLimiter) -> None:
            for _ in range(8):
                await limiter.acquire("shared", limit)

        await asyncio.gather(run(a), run(b))
        # 16 grants from one bucket: 4 burst + 12 at 10/s ≥ 1.2 s. Two private buckets
        # would have needed only 0.4 s.
        assert time.monotonic() - started >= 1.15
    finally:
        await other.aclose()
