"""Sign-in throttling per account and per IP: a fixed window of failed attempts.

In-process by default; in Redis when configured so every web process shares the counts.
"""

from __future__ import annotations

import time
from typing import Protocol

from redis.asyncio import Redis

from agentiq.kit.errors import TooManyRequests


class FailureCounter(Protocol):
    async def count(self, key: str) -> int: ...
    async def hit(self, key: str) -> int: ...
    async def clear(self, key: str) -> None: ...


class MemoryFailureCounter:
    def __init__(self, window_s: int) -> None:
        self.window_s = window_s
        self._hits: dict[str, tuple[float, int]] = {}

    def _current(self, key: str) -> int:
        started, hits = self._hits.get(key, (0.0, 0))
        if time.monotonic() - started > self.window_s:
            self._hits.pop(key, None)
            return 0
        return hits

    async def count(self, key: str) -> int:
        return self._current(key)

    async def hit(self, key: str) -> int:
        hits = self._current(key)
        started = self._hits.get(key, (time.monotonic(), 0))[0]
        self._hits[key] = (started, hits + 1)
        return hits + 1

    async def clear(self, key: str) -> None:
        self._hits.pop(key, None)


class RedisFailureCounter:
    def __init__(self, redis: Redis, window_s: int) -> None:
        self.redis = redis
        self.window_s = window_s

    async def count(self, key: str) -> int:
        value = await self.redis.get(f"agentiq:signin:{key}")
        return int(value or 0)

    async def hit(self, key: str) -> int:
        full = f"agentiq:signin:{key}"
        hits = int(await self.redis.incr(full))
        if hits == 1:
            await self.redis.expire(full, self.window_s)
        return hits

    async def clear(self, key: str) -> None:
        await self.redis.delete(f"agentiq:signin:{key}")


class SigninThrottle:
    """Refuses sign-in once an account or an IP has too many recent failures."""

    def __init__(self, counter: FailureCounter, max_attempts: int, window_s: int) -> None:
        self.counter = counter
        self.max_attempts = max_attempts
        # An IP may front many people (an office): allow it more attempts than one account.
        self.max_ip_attempts = max_attempts * 4
        self.window_s = window_s

    def _refuse(self) -> TooManyRequests:
        minutes = max(1, self.window_s // 60)
        return TooManyRequests(
            f"Слишком много неудачных попыток входа. Попробуйте снова через {minutes} мин.",
            code="signin_throttled",
        )

    async def check(self, email: str, ip: str) -> None:
        if await self.counter.count(f"acct:{email}") >= self.max_attempts:
            raise self._refuse()
        if await self.counter.count(f"ip:{ip}") >= self.max_ip_attempts:
            raise self._refuse()

    async def failed(self, email: str, ip: str) -> None:
        await self.counter.hit(f"acct:{email}")
        await self.counter.hit(f"ip:{ip}")

    async def succeeded(self, email: str) -> None:
        await self.counter.clear(f"acct:{email}")
