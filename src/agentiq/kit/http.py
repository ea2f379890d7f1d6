"""One pooled `httpx.AsyncClient` per process (per event loop) for every outbound API call.

Creating a client per request throws away connection pooling and TLS sessions; instead the
app lifespan (or a worker's start-up) calls `get_http_client()` once and `close_http_client()`
on shutdown. Pooled connections belong to the event loop that opened them, so a worker that
runs `asyncio.run()` per job gets one client per loop rather than a client bound to a dead
loop. Tests may build their own with `build_http_client()`.
"""

from __future__ import annotations

import asyncio
import weakref

import httpx

from agentiq import __version__

USER_AGENT = f"AgentIQ/{__version__}"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)

_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary()
)
_no_loop_client: httpx.AsyncClient | None = None


def build_http_client(
    *,
    timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    limits: httpx.Limits = DEFAULT_LIMITS,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=timeout,
        limits=limits,
        headers={"User-Agent": USER_AGENT},
        transport=transport,
        follow_redirects=False,
    )


def _current_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def get_http_client() -> httpx.AsyncClient:
    """The shared client of the running event loop, created on first use."""
    global _no_loop_client
    loop = _current_loop()
    if loop is None:
        if _no_loop_client is None or _no_loop_client.is_closed:
            _no_loop_client = build_http_client()
        return _no_loop_client
    client = _clients.get(loop)
    if client is None or client.is_closed:
        client = _clients[loop] = build_http_client()
    return client


async def close_http_client() -> None:
    """Close the running loop's shared client (app lifespan shutdown, end of a worker job)."""
    global _no_loop_client
    loop = _current_loop()
    client = _clients.pop(loop, None) if loop is not None else None
    if client is not None:
        await client.aclose()
    if _no_loop_client is not None:
        await _no_loop_client.aclose()
        _no_loop_client = None
