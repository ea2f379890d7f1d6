"""One pooled `httpx.AsyncClient` per process for every outbound API call.

Creating a client per request throws away connection pooling and TLS sessions; instead the
app lifespan (or a worker's start-up) calls `get_http_client()` once and `close_http_client()`
on shutdown. Tests may build their own with `build_http_client()`.
"""

from __future__ import annotations

import httpx

from agentiq import __version__

USER_AGENT = f"AgentIQ/{__version__}"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)

_client: httpx.AsyncClient | None = None


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


def get_http_client() -> httpx.AsyncClient:
    """The process-wide client, created on first use."""
    global _client
    if _client is None or _client.is_closed:
        _client = build_http_client()
    return _client


async def close_http_client() -> None:
    """Close the process-wide client (app lifespan shutdown)."""
    global _client
    if _client is not None:
        await _client.aclose()
        _client = None
