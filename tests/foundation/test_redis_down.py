"""Redis down or hanging: sign-in answers 503 with a clear Russian message, fast (issue 10)."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from agentiq.config import Settings, load_settings
from agentiq.errors import REDIS_DOWN
from tests.conftest import browser_client


def _closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    sock.close()  # nothing listens there any more: connections are refused
    return port


@pytest.fixture
async def hanging_redis() -> AsyncIterator[int]:
    """A TCP server that accepts connections and never answers (a stuck Redis)."""
    held: list[asyncio.StreamWriter] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    yield int(server.sockets[0].getsockname()[1])
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


def _settings(tmp_path: Path, db_url: str, redis_url: str) -> Settings:
    return load_settings(
        environment="test",
        var_dir=tmp_path,
        database_url=db_url,
        secret_key="test-secret-key-" + "x" * 32,
        scheduler_enabled=False,
        emulator_enabled=False,
        log_json=False,
        redis_url=redis_url,
        redis_socket_timeout_s=0.5,
    )


async def _sign_in(settings: Settings) -> tuple[httpx.Response, httpx.Response, float]:
    from agentiq.app import create_app

    app = create_app(settings)
    async with app.router.lifespan_context(app), browser_client(app) as client:
        started = time.monotonic()
        api = await client.post(
            "/api/auth/login", json={"email": "a@example.com", "password": "password-123"}
        )
        page = await client.post(
            "/login", data={"email": "a@example.com", "password": "password-123"}
        )
        return api, page, time.monotonic() - started


async def test_sign_in_answers_503_when_redis_is_down(tmp_path: Path, db_url: str) -> None:
    settings = _settings(tmp_path, db_url, f"redis://127.0.0.1:{_closed_port()}/0")
    api, page, elapsed = await _sign_in(settings)
    assert api.status_code == 503, api.text
    assert api.json()["error"]["message"] == REDIS_DOWN
    assert page.status_code == 503 and "хранилище сессий не отвечает" in page.text
    assert elapsed < 5


async def test_sign_in_answers_503_not_a_hang_when_redis_hangs(
    tmp_path: Path, db_url: str, hanging_redis: int
) -> None:
    settings = _settings(tmp_path, db_url, f"redis://127.0.0.1:{hanging_redis}/0")
    api, page, elapsed = await asyncio.wait_for(_sign_in(settings), timeout=20)
    assert api.status_code == 503, api.text
    assert api.json()["error"]["message"] == REDIS_DOWN
    assert page.status_code == 503
    assert elapsed < 5  # two requests, each bounded by the 0.5 s socket timeout (+ retries)
