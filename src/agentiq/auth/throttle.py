"""Sign-in throttling per account and per IP: a fixed window of attempts.

Every attempt is counted *before* its password is checked, and the count comes back from the
same step that increments it (one Lua script in Redis; one synchronous update in process), so
30 parallel wrong passwords cannot all pass a check none of them has counted yet: attempts
beyond the limit are refused without checking the password at all. A successful sign-in
clears the account's count and gives its IP attempt back.
"""

from __future__ import annotations

import time
from typing import Protocol

from redis.asyncio import Redis

from agentiq.kit.errors import TooManyRequests

KEY_PREFIX = "agentiq:signin:"
# INCR and EXPIRE in one atomic step: a key can never be left without its expiry.
_INCR_WITH_EXPIRY = """
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return hits
"""
_DECR_NOT_BELOW_ZERO = """
local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
if hits > 0 then return redis.call('DECR', KEYS[1]) end
return 0
"""


class AttemptCounter(Protocol):
    async def hit(self, key: str) -> int:
        """Count one attempt and return the count including it (atomically)."""

    async def give_back(self, key: str) -> None: ...
    async def clear(self, key: str) -> None: ...


class MemoryAttemptCounter:
    # Purge expired keys once this many are held, so random e-mails cannot grow it forever.
    PURGE_AT = 10_000

    def __init__(self, window_s: int) -> None:
        self.window_s = window_s
        self._hits: dict[str, tuple[float, int]] = {}

    async def hit(self, key: str) -> int:
        # No await inside: on one event loop this read-modify-write is atomic.
        now = time.monotonic()
        if len(self._hits) >= self.PURGE_AT:
            self._hits = {k: v for k, v in self._hits.items() if now - v[0] <= self.window_s}
        started, hits = self._hits.get(key, (now, 0))
        if now - started > self.window_s:
            started, hits = now, 0
        self._hits[key] = (started, hits + 1)
        return hits + 1

    async def give_back(self, key: str) -> None:
        found = self._hits.get(key)
        if found is not None and found[1] > 0:
            self._hits[key] = (found[0], found[1] - 1)

    async def clear(self, key: str) -> None:
        self._hits.pop(key, None)


class RedisAttemptCounter:
    def __init__(self, redis: Redis, window_s: int) -> None:
        self.redis = redis
        self.window_s = window_s
        self._incr = redis.register_script(_INCR_WITH_EXPIRY)
        self._decr = redis.register_script(_DECR_NOT_BELOW_ZERO)

    async def hit(self, key: str) -> int:
        return int(await self._incr(keys=[KEY_PREFIX + key], args=[self.window_s]))

    async def give_back(self, key: str) -> None:
        await self._decr(keys=[KEY_PREFIX + key])

    async def clear(self, key: str) -> None:
        await self.redis.delete(KEY_PREFIX + key)


# Old names, kept for callers that build a counter themselves.
MemoryFailureCounter = MemoryAttemptCounter
RedisFailureCounter = RedisAttemptCounter


class SigninThrottle:
    """Refuses sign-in once an account or an IP has too many recent attempts."""

    def __init__(self, counter: AttemptCounter, max_attempts: int, window_s: int) -> None:
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

    async def attempt(self, email: str, ip: str) -> None:
        """Count this attempt; TooManyRequests if it is beyond the account's or IP's limit."""
        account_hits = await self.counter.hit(f"acct:{email}")
        ip_hits = await self.counter.hit(f"ip:{ip}")
        if account_hits > self.max_attempts or ip_hits > self.max_ip_attempts:
            raise self._refuse()

    async def succeeded(self, email: str, ip: str) -> None:
        await self.counter.clear(f"acct:{email}")
        await self.counter.give_back(f"ip:{ip}")
