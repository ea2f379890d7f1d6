"""The shared HTTP client: one per event loop, pooled, closed by the lifespan hook."""

from __future__ import annotations

import asyncio

import httpx

from agentiq.kit.http import USER_AGENT, close_http_client, get_http_client


def test_one_client_per_loop_and_close() -> None:
    seen: list[httpx.AsyncClient] = []

    async def first_loop() -> None:
        client = get_http_client()
        assert get_http_client() is client  # shared within the loop
        assert client.headers["User-Agent"] == USER_AGENT
        seen.append(client)

    async def second_loop() -> None:
        client = get_http_client()
        seen.append(client)
        await close_http_client()
        assert client.is_closed
        assert get_http_client() is not client  # closed clients are replaced

    asyncio.run(first_loop())
    asyncio.run(second_loop())
    # A new loop never reuses the client whose connections belong to the dead loop.
    assert seen[0] is not seen[1]
