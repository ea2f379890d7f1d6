"""Live signals: SSE over a real socket, after-commit semantics, Redis fan-out."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn
from redis.asyncio import Redis

from agentiq.config import Settings
from agentiq.db import unit_of_work
from agentiq.eventstream.broker import MemoryBroker, RedisBroker
from agentiq.eventstream.service import publish_after_commit
from agentiq.kit.time import utcnow
from agentiq.models import Interaction
from tests.conftest import CSRF, TEST_REDIS_URL


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def served(settings: Settings) -> AsyncIterator[tuple[str, Any]]:
    """The whole app under uvicorn on 127.0.0.1 (SSE needs a real streaming transport)."""
    from agentiq.app import create_app

    app = create_app(settings)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.02)
    assert server.started
    yield f"http://127.0.0.1:{port}", app
    server.should_exit = True
    await asyncio.wait_for(task, timeout=20)


async def signed_in(base_url: str, email: str) -> tuple[httpx.AsyncClient, dict[str, Any]]:
    client = httpx.AsyncClient(base_url=base_url, timeout=10)
    response = await client.post(
        "/api/auth/register",
        json={"email": email, "password": "password-123", "seller_name": "Магазин"},
        headers={"x-csrf-token": CSRF, "cookie": f"agentiq_csrf={CSRF}"},
    )
    assert response.status_code == 201, response.text
    # Session cookies are Secure; over plain-http loopback we send them by hand.
    cookies = "; ".join(f"{k}={v}" for k, v in response.cookies.items())
    client.headers.update({"cookie": f"{cookies}; agentiq_csrf={CSRF}", "x-csrf-token": CSRF})
    return client, response.json()


async def next_event(lines: AsyncIterator[str], wanted: str) -> dict[str, Any]:
    event = None
    async for line in lines:
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and event == wanted:
            data: dict[str, Any] = json.loads(line.split(":", 1)[1])
            return data
    raise AssertionError("stream ended")


async def add_item(app: Any, seller_id: int, external_id: str) -> int:
    async with unit_of_work(app.state.runtime.sessionmaker) as session:
        item = Interaction(
            seller_id=seller_id, channel="review", external_id=external_id, occurred_at=utcnow()
        )
        session.add(item)
        await session.flush()
        return item.id


async def test_subscriber_gets_signal_after_another_request_commits(
    served: tuple[str, Any],
) -> None:
    base_url, app = served
    watcher, me = await signed_in(base_url, "a@example.ru")
    stranger, other = await signed_in(base_url, "b@example.ru")
    mine = await add_item(app, me["seller_id"], "r1")
    theirs = await add_item(app, other["seller_id"], "r2")
    actor = httpx.AsyncClient(base_url=base_url, headers=dict(watcher.headers), timeout=10)
    try:
        async with watcher.stream("GET", "/api/events") as stream:
            assert stream.status_code == 200
            lines = stream.aiter_lines()
            await asyncio.wait_for(next_event(lines, "ready"), 5)
            # Another seller's change must not reach this stream.
            assert (await stranger.post(f"/api/interactions/{theirs}/close")).status_code == 200
            assert (await actor.post(f"/api/interactions/{mine}/close")).status_code == 200
            changed = await asyncio.wait_for(next_event(lines, "interaction.changed"), 5)
            assert changed == {"type": "interaction.changed", "ids": [mine]}
            counts = await asyncio.wait_for(next_event(lines, "counts.changed"), 5)
            assert counts == {"type": "counts.changed"}
    finally:
        for c in (watcher, stranger, actor):
            await c.aclose()
    unauthenticated = await httpx.AsyncClient(base_url=base_url).get("/api/events")
    assert unauthenticated.status_code == 401


async def test_signals_wait_for_commit_and_vanish_on_rollback(app: Any) -> None:
    runtime = app.state.runtime
    broker = runtime.events
    assert isinstance(broker, MemoryBroker)
    async with broker.subscribe(7) as queue:
        with pytest.raises(RuntimeError):
            async with unit_of_work(runtime.sessionmaker) as session:
                publish_after_commit(session, runtime, 7, {"type": "counts.changed"})
                raise RuntimeError("request failed")
        async with unit_of_work(runtime.sessionmaker) as session:
            publish_after_commit(session, runtime, 7, {"type": "sync.status"})
            assert queue.empty()  # not before the commit
        assert queue.get_nowait() == {"type": "sync.status"}
        assert queue.empty()


@pytest.mark.skipif(not TEST_REDIS_URL, reason="needs AGENTIQ_TEST_REDIS_URL")
async def test_redis_fan_out_across_two_brokers() -> None:
    assert TEST_REDIS_URL
    redis_a, redis_b = Redis.from_url(TEST_REDIS_URL), Redis.from_url(TEST_REDIS_URL)
    web_a, web_b = RedisBroker(redis_a), RedisBroker(redis_b)
    await web_a.start()
    await web_b.start()
    await web_a.wait_ready()
    await web_b.wait_ready()
    try:
        async with (
            web_a.subscribe(41) as on_a,
            web_b.subscribe(41) as on_b,
            web_b.subscribe(42) as other_seller,
        ):
            await web_a.publish(41, {"type": "interaction.changed", "ids": [1]})
            got_b = await asyncio.wait_for(on_b.get(), 5)
            got_a = await asyncio.wait_for(on_a.get(), 5)
            assert got_a == got_b == {"type": "interaction.changed", "ids": [1]}
            await asyncio.sleep(0.1)
            assert other_seller.empty()
    finally:
        await web_a.stop()
        await web_b.stop()
        await redis_a.aclose()
        await redis_b.aclose()
