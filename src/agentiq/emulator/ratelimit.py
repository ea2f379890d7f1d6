"""Token buckets per (seller, scope) with WB's limits and header arithmetic (REFERENCE §1.4)."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """`count` requests per `period_s`, bucket size `burst`."""

    period_s: float
    count: int
    burst: int

    @property
    def rate(self) -> float:
        return self.count / self.period_s


# scope -> (limit for personal/service/test tokens, limit for base tokens)
LIMITS: dict[str, tuple[Limit, Limit]] = {
    "feedbacks_questions": (Limit(1, 3, 6), Limit(3600, 5, 1)),
    "chat:chats": (Limit(10, 10, 10), Limit(3600, 1, 1)),
    "chat:events": (Limit(10, 10, 10), Limit(3600, 1, 1)),
    "chat:message": (Limit(10, 10, 10), Limit(3600, 1, 1)),
    "chat:download": (Limit(10, 10, 10), Limit(3600, 10, 1)),
    "ping:feedbacks": (Limit(30, 3, 3), Limit(30, 3, 3)),
    "ping:chat": (Limit(30, 3, 3), Limit(30, 3, 3)),
}


def limit_for(scope: str, token_type: str) -> Limit:
    regular, base = LIMITS[scope]
    return base if token_type == "base" else regular


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int  # X-Ratelimit-Remaining on success
    retry_s: int  # X-Ratelimit-Retry on 429
    limit: int  # X-Ratelimit-Limit on 429 (the burst)
    reset_s: int  # X-Ratelimit-Reset on 429

    def headers(self) -> dict[str, str]:
        if self.allowed:
            return {"X-Ratelimit-Remaining": str(self.remaining)}
        return {
            "X-Ratelimit-Retry": str(self.retry_s),
            "X-Ratelimit-Limit": str(self.limit),
            "X-Ratelimit-Reset": str(self.reset_s),
        }


class Bucket:
    def __init__(self, limit: Limit, now: float) -> None:
        self.limit = limit
        self.tokens = float(limit.burst)
        self.updated = now

    def take(self, now: float) -> Decision:
        lim = self.limit
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(float(lim.burst), self.tokens + elapsed * lim.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return Decision(True, int(self.tokens), 0, lim.burst, 0)
        retry = math.ceil((1.0 - self.tokens) / lim.rate)
        reset = math.ceil((lim.burst - self.tokens) / lim.rate)
        return Decision(False, 0, max(1, retry), lim.burst, max(1, reset))


class RateLimiter:
    """In-process buckets; the emulator is one process, like one WB gateway per seller."""

    def __init__(self) -> None:
        self._buckets: dict[tuple[str, str, str], Bucket] = {}
        self._lock = threading.Lock()

    def hit(self, seller_id: str, scope: str, token_type: str, now: float) -> Decision:
        limit = limit_for(scope, token_type)
        kind = "base" if token_type == "base" else "regular"
        key = (seller_id, scope, kind)
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = Bucket(limit, now)
            return bucket.take(now)

    def reset(self, seller_id: str | None = None) -> None:
        with self._lock:
            if seller_id is None:
                self._buckets.clear()
            else:
                for key in [k for k in self._buckets if k[0] == seller_id]:
                    del self._buckets[key]
