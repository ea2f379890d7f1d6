"""Child process for the shared-Redis-bucket test: waits for "go", makes N calls, prints JSON."""

from __future__ import annotations

import asyncio
import json
import sys


async def main(base_url: str, token: str, redis_url: str, cabinet_key: str, calls: int) -> None:
    import redis.asyncio as aioredis

    from agentiq.kit.http import build_http_client
    from agentiq.kit.ratelimit import RedisRateLimiter
    from agentiq.marketplaces.wb.client import WBClient, WBHosts

    redis = aioredis.from_url(redis_url)
    http = build_http_client()
    client = WBClient(
        token,
        http=http,
        hosts=WBHosts.emulator(base_url),
        limiter=RedisRateLimiter(redis, prefix="test-shared:"),
        cabinet_key=cabinet_key,
    )
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    for _ in range(calls):
        await client.count_feedbacks(is_answered=True)
    print(json.dumps({"throttled": client.stats.throttled, "requests": client.stats.requests}))
    await http.aclose()
    await redis.aclose()


if __name__ == "__main__":
    base, token, redis_url, key, n = sys.argv[1:6]
    asyncio.run(main(base, token, redis_url, key, int(n)))
