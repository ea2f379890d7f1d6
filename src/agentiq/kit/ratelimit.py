"""Token-bucket rate limiting shared by everything that calls a rate-limited API.

`RateLimiter.acquire(key, limit)` waits until one token is available and returns how long it
waited (the sync reports these waits). `block(key, limit, seconds)` empties a bucket for a
while — used when the remote side says "slow down" (429 with X-Ratelimit-Retry, or
X-Ratelimit-Remaining: 0) so every caller sharing the bucket pauses, not only the one that
was told.

Two implementations: `MemoryRateLimiter` (one process, asyncio) and `RedisRateLimiter` (an
atomic Lua script, so every process and machine using the same Redis shares one bucket).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class RateLimit:
    """`rate` tokens per second refill, at most `burst` tokens stored."""

    rate: float
    burst: int

    @classmethod
    def per_period(cls, requests: int, period_s: float, burst: int) -> RateLimit:
        return cls(rate=requests / period_s, burst=burst)

    @property
    def interval(self) -> float:
        return 1.0 / self.rate


class RateLimiter(Protocol):
    async def acquire(self, key: str, limit: RateLimit) -> float:
        """Take one token, waiting as long as needed; return the seconds spent waiting."""
        ...

    async def block(self, key: str, limit: RateLimit, seconds: float) -> None:
        """Empty the bucket and refuse tokens for `seconds` (the server asked us to wait)."""
        ...


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float
    blocked_until: float = 0.0


@dataclass(slots=True)
class MemoryRateLimiter:
    """In-process token buckets; enough for the embedded single-process mode."""

    clock: Any = time.monotonic
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def _bucket(self, key: str, limit: RateLimit, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(tokens=float(limit.burst), updated=now)
        return bucket

    def try_take(self, key: str, limit: RateLimit) -> float:
        """Take a token if possible; return 0.0 on success or the seconds to wait."""
        now = self.clock()
        bucket = self._bucket(key, limit, now)
        if now < bucket.blocked_until:
            return bucket.blocked_until - now
        elapsed = max(0.0, now - max(bucket.updated, bucket.blocked_until))
        bucket.tokens = min(float(limit.burst), bucket.tokens + elapsed * limit.rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / limit.rate

    async def acquire(self, key: str, limit: RateLimit) -> float:
        waited = 0.0
        while (delay := self.try_take(key, limit)) > 0:
            await asyncio.sleep(delay)
            waited += delay
        return waited

    async def block(self, key: str, limit: RateLimit, seconds: float) -> None:
        now = self.clock()
        bucket = self._bucket(key, limit, now)
        bucket.tokens = 0.0
        bucket.updated = now
        bucket.blocked_until = max(bucket.blocked_until, now + seconds)


# KEYS[1] = bucket hash; ARGV = rate, burst, mode ("take" | "block"), block seconds.
# Time comes from Redis itself so processes on different machines agree on "now".
_LUA_BUCKET = """
local key = KEYS[1]
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local mode = ARGV[3]
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', key, 'tokens', 'updated', 'blocked')
local tokens = tonumber(state[1])
local updated = tonumber(state[2])
local blocked = tonumber(state[3]) or 0
if tokens == nil then
  tokens = burst
  updated = now
end
local ttl = math.ceil(burst / rate) + 60
if mode == 'block' then
  local until_ts = now + tonumber(ARGV[4])
  if until_ts > blocked then blocked = until_ts end
  redis.call('HSET', key, 'tokens', 0, 'updated', now, 'blocked', blocked)
  redis.call('EXPIRE', key, ttl + math.ceil(tonumber(ARGV[4])))
  return '0'
end
if now < blocked then
  return tostring(blocked - now)
end
local since = updated
if blocked > since then since = blocked end
local elapsed = now - since
if elapsed < 0 then elapsed = 0 end
tokens = math.min(burst, tokens + elapsed * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', key, 'tokens', tokens, 'updated', now, 'blocked', blocked)
redis.call('EXPIRE', key, ttl)
return tostring(wait)
"""


class RedisRateLimiter:
    """Token buckets in Redis, updated atomically by one Lua script (shared by all processes)."""

    def __init__(self, redis: Any, *, prefix: str = "agentiq:ratelimit:") -> None:
        self._redis = redis
        self._prefix = prefix
        self._script = redis.register_script(_LUA_BUCKET)

    async def try_take(self, key: str, limit: RateLimit) -> float:
        result = await self._script(
            keys=[self._prefix + key], args=[repr(limit.rate), limit.burst, "take", 0]
        )
        return float(result.decode() if isinstance(result, bytes) else result)

    async def acquire(self, key: str, limit: RateLimit) -> float:
        waited = 0.0
        while (delay := await self.try_take(key, limit)) > 0:
            await asyncio.sleep(delay)
            waited += delay
        return waited

    async def block(self, key: str, limit: RateLimit, seconds: float) -> None:
        await self._script(
            keys=[self._prefix + key], args=[repr(limit.rate), limit.burst, "block", seconds]
        )
