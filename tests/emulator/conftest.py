"""One real uvicorn server per session; each test swaps in its own Emulator."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import uvicorn

from agentiq.emulator import Emulator
from agentiq.emulator.app import create_emulator_app

from . import spec


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 9, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server() -> Iterator[tuple[str, object]]:
    app = create_emulator_app(Emulator(rate_limits=False))
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=1
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 10
    while not srv.started:
        if time.time() > deadline:
            raise RuntimeError("emulator did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", app
    srv.should_exit = True
    thread.join(timeout=5)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(server: tuple[str, object], clock: FakeClock) -> Emulator:
    em = Emulator(rate_limits=False, moderation_delay_s=5.0, clock=clock)
    server[1].state.emulator = em  # type: ignore[attr-defined]
    return em


@pytest.fixture
def base_url(server: tuple[str, object]) -> str:
    return server[0]


def check_against_spec(response: httpx.Response) -> None:
    """Every WB-host response a test sees must match WB's OpenAPI documents."""
    path = response.request.url.path
    if not spec.available() or not path.startswith(spec.PREFIXES):
        return
    response.read()
    if response.status_code in (404, 405) and response.json().get("title") == "path not found":
        return  # unknown paths answer like WB's gateway; no operation to check against
    spec.validate(
        response.request.method,
        path,
        response.status_code,
        response.headers.get("content-type", ""),
        response.content,
    )


@pytest.fixture
def http(base_url: str) -> Iterator[httpx.Client]:
    hooks = {"response": [check_against_spec]}
    with httpx.Client(base_url=base_url, timeout=10, event_hooks=hooks) as client:
        yield client


@pytest.fixture
def seller(emulator: Emulator):  # type: ignore[no-untyped-def]
    return emulator.add_seller(seed=7, feedbacks=300, questions=150, chats=20)


@pytest.fixture
def auth(seller) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"Authorization": seller.token}


FB = "/feedbacks-api"
CHAT = "/buyer-chat-api"


@pytest.fixture
def raw_http(base_url: str) -> Iterator[httpx.Client]:
    """No spec check: for tests that break payloads on purpose."""
    with httpx.Client(base_url=base_url, timeout=10) as client:
        yield client
