"""The real app served by uvicorn on 127.0.0.1 (a free port, a background thread), driven by
headless Chromium through Playwright. Skipped, with the reason, when /usr/bin/chromium is
absent (CI installs Debian's chromium; a browser is never downloaded)."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from agentiq.config import PROJECT_ROOT, load_settings

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


@dataclass
class LiveServer:
    url: str
    app: Any
    loop: asyncio.AbstractEventLoop
    database_url: str

    @property
    def runtime(self) -> Any:
        return self.app.state.runtime

    def call(self, coro: Any, timeout: float = 20) -> Any:
        """Run a coroutine on the server's own event loop (its engine, its broker)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from agentiq.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    var_dir = tmp_path_factory.mktemp("live")
    database_url = f"sqlite+aiosqlite:///{var_dir / 'agentiq.db'}"
    settings = load_settings(
        environment="dev",  # plain-http cookies
        var_dir=var_dir,
        database_url=database_url,
        secret_key="browser-test-secret-" + "x" * 32,
        host="127.0.0.1",
        port=port,
        base_url=f"http://127.0.0.1:{port}",
        emulator_enabled=True,
        scheduler_enabled=True,
        sync_interval_s=5,
        log_json=False,
        log_level="WARNING",
    )
    app = create_app(settings)
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    )
    loop = asyncio.new_event_loop()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.serve(sockets=[sock]))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the app did not start")
        time.sleep(0.02)
    yield LiveServer(f"http://127.0.0.1:{port}", app, loop, database_url)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(
            "/usr/bin/chromium is absent: install Debian's chromium (apt-get install -y chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, base_url=live_server.url, locale="ru-RU"
    )
    # Generous: CI machines have 2 cores and the app, Chromium and pytest share them.
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def shot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def keep_for_readme(name: str) -> None:
    """Copy a good screenshot into docs/screenshots/ for the README.

    Only with AGENTIQ_UPDATE_SCREENSHOTS=1: a normal test run must not dirty the work tree.
    """
    if os.environ.get("AGENTIQ_UPDATE_SCREENSHOTS") != "1":
        return
    target = PROJECT_ROOT / "docs" / "screenshots"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SCREENSHOTS / f"{name}.png", target / f"{name}.png")
