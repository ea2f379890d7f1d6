"""Process-wide resources, built once in the app lifespan (or a worker/CLI) and shared.

Every shared service a process may hold has a typed field here; the background services
(`emulator/embedded.py`, `eventstream/service.py`, `worker/embedded.py`) fill theirs in
`start()` and clear them in `stop()`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from agentiq.auth.throttle import MemoryFailureCounter, RedisFailureCounter, SigninThrottle
from agentiq.config import Settings
from agentiq.db import create_engine, create_sessionmaker
from agentiq.kit.crypto import SecretBox
from agentiq.kit.locks import Locks, MemoryLocks, RedisLocks
from agentiq.kit.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from agentiq.worker.port import NoWorker, Worker

if TYPE_CHECKING:  # types only: these modules import this one
    from agentiq.emulator.embedded import EmbeddedEmulator
    from agentiq.eventstream.broker import MemoryBroker
    from agentiq.models import MarketplaceConnection

    # Tests and benches may replace how a cabinet's client is built: `(cabinet, token)`.
    ClientFactory = Callable[[MarketplaceConnection, str], Any]


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    secrets: SecretBox
    throttle: SigninThrottle
    redis: Redis | None = None
    # One WB rate limiter and one lock manager per process (Redis-backed when configured),
    # so the sync and the dispatcher draw from the same bucket and hold the same locks.
    rate_limiter: RateLimiter = field(default_factory=MemoryRateLimiter)
    locks: Locks = field(default_factory=MemoryLocks)
    # Extra keyword arguments for every WB client (limits, retry...): tests and benches.
    wb_client_options: dict[str, Any] = field(default_factory=dict)
    wb_client_factory: ClientFactory | None = None
    # Background work: the embedded scheduler's or Celery's, attached by whoever starts the
    # process (app lifespan, Celery worker, tests) with agentiq.worker.drivers.attach_worker.
    worker: Worker = field(default_factory=NoWorker)
    # Filled by the background services while the app runs.
    events: MemoryBroker | None = None
    emulator: EmbeddedEmulator | None = None
    scheduler_tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    # Jobs started in-process; a reference is kept until done, or the loop may drop them.
    background_tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    immediate_dispatch: asyncio.Task[Any] | None = None

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()
        await self.engine.dispose()


def build_runtime(settings: Settings) -> Runtime:
    engine = create_engine(settings)
    redis = (
        Redis.from_url(
            settings.redis_url,
            socket_timeout=settings.redis_socket_timeout_s,
            socket_connect_timeout=settings.redis_socket_timeout_s,
        )
        if settings.redis_url
        else None
    )
    counter = (
        RedisFailureCounter(redis, settings.signin_window_s)
        if redis is not None
        else MemoryFailureCounter(settings.signin_window_s)
    )
    previous = [k.strip() for k in settings.previous_secret_keys.split(",") if k.strip()]
    return Runtime(
        settings=settings,
        engine=engine,
        sessionmaker=create_sessionmaker(engine),
        secrets=SecretBox(settings.resolved_secret_key(), previous),
        throttle=SigninThrottle(counter, settings.signin_max_attempts, settings.signin_window_s),
        redis=redis,
        rate_limiter=RedisRateLimiter(redis) if redis is not None else MemoryRateLimiter(),
        locks=RedisLocks(redis) if redis is not None else MemoryLocks(),
    )
