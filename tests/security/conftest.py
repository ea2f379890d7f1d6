"""The real app over real HTTP: uvicorn on a free 127.0.0.1 port in a background thread.

`serve(tmp_path, **overrides)` starts one app with the given settings and yields a
LiveApp; the security tests talk to it with plain httpx clients, as an attacker would.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from agentiq.config import Settings, load_settings


@dataclass
class LiveApp:
    url: str
    app: Any
    loop: asyncio.AbstractEventLoop
    settings: Settings

    @property
    def runtime(self) -> Any:
        return self.app.state.runtime

    def call(self, coro: Any, timeout: float = 20) -> Any:
        """Run a coroutine on the server's own event loop (its engine, its sessions)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serve(
    tmp_path: Path, *, prepare: Callable[[Any], None] | None = None, **overrides: Any
) -> Iterator[LiveApp]:
    from agentiq.app import create_app
    from agentiq.migrate import upgrade

    sock = free_socket()
    port = sock.getsockname()[1]
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'agentiq.db'}"
    upgrade(database_url)  # production does not migrate itself
    values: dict[str, Any] = {
        "environment": "dev",  # plain-http cookies, like `make run`
        "var_dir": tmp_path,
        "database_url": database_url,
        "secret_key": "security-test-secret-" + "x" * 32,
        "host": "127.0.0.1",
        "port": port,
        "base_url": f"http://127.0.0.1:{port}",
        "emulator_enabled": False,
        "scheduler_enabled": False,
        "log_json": False,
        "log_level": "WARNING",
    }
    values.update(overrides)
    settings = load_settings(**values)
    app = create_app(settings)
    if prepare is not None:
        prepare(app)
    server = uvicorn.Server(
        # As `agentiq serve` runs it: the app, not uvicorn, decides whom to believe.
        uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="on",
            proxy_headers=False,
            log_config=None,  # uvicorn's records go through our formatter, as in `serve`
        )
    )
    loop = asyncio.new_event_loop()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.serve(sockets=[sock]))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the app did not start")
        time.sleep(0.02)
    try:
        yield LiveApp(f"http://127.0.0.1:{port}", app, loop, settings)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def signed_in_client(
    url: str, email: str, password: str = "password-123"
) -> tuple[httpx.Client, int]:
    """A new account over HTTP (client, seller id): session cookie and CSRF header set like
    our pages do."""
    client = httpx.Client(base_url=url, timeout=20)
    client.get("/api/health")
    csrf = client.cookies.get("agentiq_csrf")
    assert csrf, "the app hands every browser a CSRF cookie"
    client.headers["x-csrf-token"] = csrf
    r = client.post(
        "/api/auth/register",
        json={"email": email, "password": password, "seller_name": "Магазин " + email},
    )
    assert r.status_code == 201, r.text
    # Sign-in may rotate the CSRF cookie: follow it.
    client.headers["x-csrf-token"] = client.cookies.get("agentiq_csrf") or csrf
    return client, int(r.json()["seller_id"])
