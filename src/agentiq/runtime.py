"""Process-wide resources, built once in the app lifespan (or a worker/CLI) and shared."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from agentiq.auth.throttle import MemoryFailureCounter, RedisFailureCounter, SigninThrottle
from agentiq.config import Settings
from agentiq.db import create_engine, create_sessionmaker
from agentiq.kit.crypto import SecretBox


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    secrets: SecretBox
    throttle: SigninThrottle
    redis: Redis | None = None
    # Optional services registered by later modules (http client, emulator, event broker...).
    extras: dict[str, Any] = field(default_factory=dict)

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()
        await self.engine.dispose()


def build_runtime(settings: Settings) -> Runtime:
    engine = create_engine(settings)
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
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
    )
