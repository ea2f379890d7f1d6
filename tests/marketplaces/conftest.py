"""The WB emulator over real HTTP (uvicorn on 127.0.0.1, a free port, a background thread)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn

from agentiq.kit.http import build_http_client
from agentiq.kit.ratelimit import MemoryRateLimiter, RateLimit
from agentiq.marketplaces.wb.client import RetryPolicy, WBClient, WBHosts
from agentiq.marketplaces.wb.limits import WBLimits

# Limits for talking to an emulator started with rate_limits=False: never wait.
UNLIMITED = WBLimits(
    feedbacks=RateLimit(rate=10_000, burst=10_000),
    chat=RateLimit(rate=10_000, burst=10_000),
    download=RateLimit(rate=10_000, burst=10_000),
    ping=RateLimit(rate=10_000, burst=10_000),
)
FAST_RETRY = RetryPolicy(max_attempts=4, base_delay_s=0.01, max_delay_s=0.05)


@dataclass
class Hit:
    """One request as the emulator saw it (recorded by an ASGI wrapper, not a mock)."""

    at: float
    method: str
    path: str
    query: str
    status: int = 0
    retry_header: float | None = None  # X-Ratelimit-Retry on a 429


@dataclass
class RunningEmulator:
    base_url: str
    emulator: Any
    hits: list[Hit] = field(default_factory=list)

    @property
    def hosts(self) -> WBHosts:
        return WBHosts.emulator(self.base_url)


class _Recorder:
    def __init__(self, app: Any, hits: list[Hit]) -> None:
        self.app = app
        self.hits = hits

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        hit = Hit(
            at=time.monotonic(),
            method=scope["method"],
            path=scope["path"],
            query=scope.get("query_string", b"").decode(),
        )
        self.hits.append(hit)

        async def recording_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                hit.status = message["status"]
                for name, value in message.get("headers", []):
                    if name.lower() == b"x-ratelimit-retry":
                        hit.retry_header = float(value)
            await send(message)

        await self.app(scope, receive, recording_send)


def start_emulator(
    **emulator_kwargs: Any,
) -> tuple[RunningEmulator, uvicorn.Server, threading.Thread]:
    from agentiq.emulator.app import create_emulator_app
    from agentiq.emulator.state import Emulator

    emulator = Emulator(**emulator_kwargs)
    app = create_emulator_app(emulator)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    running = RunningEmulator(base_url=f"http://127.0.0.1:{port}", emulator=emulator)
    config = uvicorn.Config(
        _Recorder(app, running.hits), log_level="warning", lifespan="off", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("emulator did not start")
        time.sleep(0.01)
    return running, server, thread


def stop_emulator(server: uvicorn.Server, thread: threading.Thread) -> None:
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def fast_wb() -> Iterator[RunningEmulator]:
    """The emulator with WB's rate limits off: functional tests run at full speed."""
    running, server, thread = start_emulator(rate_limits=False, moderation_delay_s=0.0)
    yield running
    stop_emulator(server, thread)


@pytest.fixture(scope="session")
def strict_wb() -> Iterator[RunningEmulator]:
    """The emulator with WB's rate limits on, exactly as documented."""
    running, server, thread = start_emulator(rate_limits=True)
    yield running
    stop_emulator(server, thread)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    client = build_http_client(timeout=httpx.Timeout(5.0, connect=2.0))
    yield client
    await client.aclose()


def make_client(
    running: RunningEmulator,
    token: str,
    http: httpx.AsyncClient,
    *,
    cabinet_key: str = "test",
    limits: WBLimits | None = UNLIMITED,
    **kwargs: Any,
) -> WBClient:
    kwargs.setdefault("retry", FAST_RETRY)
    return WBClient(
        token,
        http=http,
        hosts=running.hosts,
        limiter=kwargs.pop("limiter", None) or MemoryRateLimiter(),
        cabinet_key=cabinet_key,
        limits=limits,
        **kwargs,
    )
