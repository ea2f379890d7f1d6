"""Named locks with a time-to-live: one sync per (cabinet, channel) at a time.

`MemoryLocks` serves the embedded default (one process, asyncio). `RedisLocks` serves many
workers on many machines: a redis-py lock with a random token (only its owner can release
it) and a TTL, so a SIGKILLed worker's lock expires by itself; while the holder is alive a
background task keeps extending the TTL, so a long backfill is never run twice at once.
Acquisition never waits: a busy lock means "someone else is already doing this job".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any, Protocol

log = logging.getLogger(__name__)


class Locks(Protocol):
    def hold(self, name: str, ttl_s: float) -> contextlib.AbstractAsyncContextManager[bool]:
        """Try to take `name`; yields True when taken (released on exit), False when busy."""
        ...


class MemoryLocks:
    def __init__(self) -> None:
        self._held: set[str] = set()

    @contextlib.asynccontextmanager
    async def hold(self, name: str, ttl_s: float) -> AsyncIterator[bool]:
        del ttl_s  # a process that dies takes its memory locks with it
        if name in self._held:
            yield False
            return
        self._held.add(name)
        try:
            yield True
        finally:
            self._held.discard(name)


class RedisLocks:
    def __init__(self, redis: Any, *, prefix: str = "agentiq:lock:") -> None:
        self._redis = redis
        self._prefix = prefix

    @contextlib.asynccontextmanager
    async def hold(self, name: str, ttl_s: float) -> AsyncIterator[bool]:
        lock = self._redis.lock(self._prefix + name, timeout=ttl_s, blocking=False)
        if not await lock.acquire():
            yield False
            return
        keeper = asyncio.create_task(self._keep_alive(lock, ttl_s))
        try:
            yield True
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            try:
                await lock.release()
            except Exception:  # expired and maybe taken over: nothing of ours to release
                log.warning("lock %s was lost before release", name)

    @staticmethod
    async def _keep_alive(lock: Any, ttl_s: float) -> None:
        while True:
            await asyncio.sleep(ttl_s / 3)
            try:
                await lock.extend(ttl_s, replace_ttl=True)
            except Exception:
                log.warning("could not extend lock %s", lock.name)
                return
