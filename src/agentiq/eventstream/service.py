"""Event stream life cycle and the publish helpers other modules call.

Publishing is always after commit: a browser told to re-fetch must find the change there.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.db import after_commit
from agentiq.eventstream.broker import MemoryBroker, RedisBroker, publish_to_redis
from agentiq.runtime import Runtime

log = logging.getLogger(__name__)


def interaction_changed(ids: list[int]) -> dict[str, Any]:
    return {"type": "interaction.changed", "ids": sorted(set(ids))}


COUNTS_CHANGED: dict[str, Any] = {"type": "counts.changed"}
SYNC_STATUS: dict[str, Any] = {"type": "sync.status"}


def build_broker(runtime: Runtime) -> MemoryBroker:
    return RedisBroker(runtime.redis) if runtime.redis is not None else MemoryBroker()


async def start(app: FastAPI, runtime: Runtime) -> None:
    broker = build_broker(runtime)
    await broker.start()
    runtime.events = broker


async def stop(app: FastAPI, runtime: Runtime) -> None:
    broker, runtime.events = runtime.events, None
    if broker is not None:
        await broker.stop()


def broker_of(runtime: Runtime) -> MemoryBroker | None:
    return runtime.events


async def publish(target: Runtime | MemoryBroker, seller_id: int, event: dict[str, Any]) -> None:
    """Send one signal to the seller's open tabs (call it after commit).

    A process without a started broker (a Celery worker) still reaches the web processes
    through Redis when it is configured; otherwise the signal has no audience and is dropped.
    """
    if isinstance(target, MemoryBroker):
        await target.publish(seller_id, event)
        return
    broker = broker_of(target)
    if broker is not None:
        await broker.publish(seller_id, event)
    elif target.redis is not None:
        await publish_to_redis(target.redis, seller_id, event)


def publish_after_commit(
    session: AsyncSession, runtime: Runtime | None, seller_id: int, *events: dict[str, Any]
) -> None:
    """Queue signals to go out once `session` commits; dropped on rollback."""
    if runtime is None or not events:
        return

    async def send() -> None:
        for event in events:
            try:
                await publish(runtime, seller_id, event)
            except Exception:  # live updates are best effort; the data is committed
                log.exception("event stream: publish failed")

    after_commit(session, send)
