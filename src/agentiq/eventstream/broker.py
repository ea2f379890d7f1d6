"""Fan-out of small signals to the SSE subscribers of one seller.

`MemoryBroker` serves the embedded default (one process). `RedisBroker` publishes to a Redis
channel per seller and one listener per process delivers to that process's subscribers, so
a change committed by any web process or worker reaches every open browser tab.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from redis.asyncio import Redis

log = logging.getLogger(__name__)

CHANNEL_PREFIX = "agentiq:events:"
QUEUE_SIZE = 100


def redis_channel(seller_id: int) -> str:
    return f"{CHANNEL_PREFIX}{seller_id}"


class MemoryBroker:
    def __init__(self) -> None:
        self._queues: dict[int, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        self._queues.clear()

    def subscriber_count(self, seller_id: int) -> int:
        return len(self._queues.get(seller_id, ()))

    @asynccontextmanager
    async def subscribe(self, seller_id: int) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._queues[seller_id].add(queue)
        try:
            yield queue
        finally:
            self._queues[seller_id].discard(queue)
            if not self._queues[seller_id]:
                self._queues.pop(seller_id, None)

    def deliver(self, seller_id: int, event: dict[str, Any]) -> None:
        for queue in list(self._queues.get(seller_id, ())):
            if queue.full():
                # Signals only say "re-fetch"; a slow tab losing its oldest one loses nothing.
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait(event)

    async def publish(self, seller_id: int, event: dict[str, Any]) -> None:
        self.deliver(seller_id, event)


class RedisBroker(MemoryBroker):
    def __init__(self, redis: Redis) -> None:
        super().__init__()
        self.redis = redis
        self._listener: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        # Never block start-up on Redis: the listener connects (and reconnects) on its own.
        self._listener = asyncio.create_task(self._listen(), name="eventstream-redis")

    async def wait_ready(self, seconds: float = 10) -> None:
        """Until the listener is subscribed (tests; a signal sent earlier is not seen)."""
        await asyncio.wait_for(self._ready.wait(), timeout=seconds)

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._listener
            self._listener = None
        await super().stop()

    async def publish(self, seller_id: int, event: dict[str, Any]) -> None:
        await publish_to_redis(self.redis, seller_id, event)

    async def _listen(self) -> None:
        failures = 0
        while True:
            pubsub = self.redis.pubsub()
            try:
                await pubsub.psubscribe(f"{CHANNEL_PREFIX}*")
                self._ready.set()
                failures = 0
                async for message in pubsub.listen():
                    if message.get("type") != "pmessage":
                        continue
                    self._dispatch(message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._ready.clear()
                failures += 1
                if failures == 1:  # one warning per outage, not one per retry
                    log.warning("event stream: Redis listener lost (%s); reconnecting", exc)
                await asyncio.sleep(min(5.0, 0.5 * failures))
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    def _dispatch(self, message: dict[str, Any]) -> None:
        channel = message["channel"]
        channel = channel.decode() if isinstance(channel, bytes) else str(channel)
        try:
            seller_id = int(channel.removeprefix(CHANNEL_PREFIX))
            event = json.loads(message["data"])
        except (ValueError, TypeError):
            log.warning("event stream: ignoring malformed message on %s", channel)
            return
        self.deliver(seller_id, event)


async def publish_to_redis(redis: Redis, seller_id: int, event: dict[str, Any]) -> None:
    await redis.publish(redis_channel(seller_id), json.dumps(event, separators=(",", ":")))


Broker = MemoryBroker
