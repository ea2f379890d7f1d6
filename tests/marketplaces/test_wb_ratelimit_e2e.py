"""WB's documented limits, enforced by the emulator: the connector stays inside the bucket,
honours X-Ratelimit-Retry, and shares one bucket across processes through Redis."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from agentiq.kit.ratelimit import RedisRateLimiter
from tests.marketplaces.conftest import UNLIMITED, Hit, RunningEmulator, make_client

RATE, BURST = 3.0, 6  # feedbacks + questions, personal token


def assert_within_bucket(hits: list[Hit], rate: float, burst: int) -> None:
    """In any interval [t_i, t_j] at most burst + rate·(t_j − t_i) requests may arrive."""
    stamps = sorted(h.at for h in hits)
    for i, first in enumerate(stamps):
        for j in range(i, len(stamps)):
            allowed = burst + rate * (stamps[j] - first) + 0.5
            assert j - i + 1 <= allowed, f"{j - i + 1} requests in {stamps[j] - first:.3f}s"


async def test_stays_inside_wb_bucket_without_a_single_429(strict_wb: RunningEmulator, http):
    seller = strict_wb.emulator.add_seller(seed=31, feedbacks=50, questions=20, chats=2)
    wb = make_client(strict_wb, seller.token, http, cabinet_key=seller.seller_id, limits=None)
    start = len(strict_wb.hits)
    started = time.monotonic()
    for i in range(15):
        if i % 2:
            await wb.count_feedbacks(is_answered=True)
        else:
            await wb.count_questions(is_answered=False)  # same bucket as feedbacks
    elapsed = time.monotonic() - started
    hits = strict_wb.hits[start:]
    assert [h.status for h in hits] == [200] * 15
    assert elapsed >= (15 - BURST) / RATE - 0.1
    assert_within_bucket(hits, RATE, BURST)
    assert wb.stats.throttled == 0
    assert wb.stats.rate_limit_waits >= 8
    assert wb.stats.rate_limit_wait_s == pytest.approx(elapsed, abs=1.0)


async def test_429_waits_for_x_ratelimit_retry(strict_wb: RunningEmulator, http) -> None:
    seller = strict_wb.emulator.add_seller(seed=32, feedbacks=50, questions=20, chats=2)
    # A client that believes in a much bigger bucket runs into WB's 429s.
    wb = make_client(
        strict_wb,
        seller.token,
        http,
        cabinet_key=seller.seller_id,
        limits=UNLIMITED,
        rate_margin=1.0,
    )
    start = len(strict_wb.hits)
    results = [await wb.count_feedbacks(is_answered=True) for _ in range(10)]
    assert len(set(results)) == 1
    hits = strict_wb.hits[start:]
    throttled = [i for i, h in enumerate(hits) if h.status == 429]
    assert throttled, "the emulator must have refused the 7th request"
    for i in throttled:
        retry = hits[i].retry_header
        assert retry is not None and retry >= 1
        assert hits[i + 1].at - hits[i].at >= retry - 0.05
    assert wb.stats.throttled == len(throttled)
    assert sum(h.status == 200 for h in hits) == 10


async def test_chat_bucket_is_separate_and_ten_per_ten_seconds(strict_wb, http) -> None:
    seller = strict_wb.emulator.add_seller(seed=33, feedbacks=20, questions=20, chats=3)
    wb = make_client(strict_wb, seller.token, http, cabinet_key=seller.seller_id, limits=None)
    start = len(strict_wb.hits)
    for _ in range(6):
        await wb.count_feedbacks(is_answered=True)  # empties the feedbacks burst
    started = time.monotonic()
    for _ in range(10):
        await wb.list_chats()  # chat burst is 10: no wait at all
    assert time.monotonic() - started < 1.0
    assert all(h.status == 200 for h in strict_wb.hits[start:])


REDIS_URL = os.environ.get("AGENTIQ_TEST_REDIS_URL")


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="AGENTIQ_TEST_REDIS_URL is not set")
async def test_two_processes_share_one_redis_bucket(strict_wb: RunningEmulator, http) -> None:
    import redis.asyncio as aioredis

    seller = strict_wb.emulator.add_seller(seed=34, feedbacks=30, questions=10, chats=2)
    cabinet = f"shared-{uuid.uuid4()}"
    calls = 9
    child = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("wb_limiter_child.py")),
            strict_wb.base_url,
            seller.token,
            REDIS_URL or "",
            cabinet,
            str(calls),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(["src", "."])},
        cwd=Path(__file__).resolve().parents[2],
    )
    redis = aioredis.from_url(REDIS_URL)
    try:
        assert child.stdin is not None and child.stdout is not None
        assert (await asyncio.to_thread(child.stdout.readline)).strip() == "ready"
        wb = make_client(
            strict_wb,
            seller.token,
            http,
            cabinet_key=cabinet,
            limits=None,
            limiter=RedisRateLimiter(redis, prefix="test-shared:"),
        )
        start = len(strict_wb.hits)
        child.stdin.write("go\n")
        child.stdin.flush()
        for _ in range(calls):
            await wb.count_feedbacks(is_answered=True)
        out, _ = await asyncio.to_thread(child.communicate, timeout=60)
        report = json.loads(out.strip().splitlines()[-1])
    finally:
        if child.poll() is None:
            child.kill()
        await redis.aclose()
    hits = [h for h in strict_wb.hits[start:] if h.path.endswith("/feedbacks/count")]
    assert len(hits) == 2 * calls
    assert [h.status for h in hits] == [200] * (2 * calls), "a shared bucket never gets a 429"
    assert report["throttled"] == 0 and wb.stats.throttled == 0
    assert_within_bucket(hits, RATE, BURST)
    # Per second at the emulator: never more than the burst + one refill.
    first = hits[0].at
    per_second: dict[int, int] = {}
    for hit in hits:
        per_second[int(hit.at - first)] = per_second.get(int(hit.at - first), 0) + 1
    assert max(per_second.values()) <= BURST + RATE
