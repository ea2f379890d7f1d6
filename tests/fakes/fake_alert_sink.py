"""A local Telegram Bot API + webhook receiver for alert delivery tests (real HTTP, 127.0.0.1).

`POST /bot<token>/sendMessage` answers like Telegram (`{"ok": true}`); `POST /hook` answers
204. `fail_next(n)` makes the next n requests answer 500. Every request is recorded.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse


class FakeAlertSink:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.failures = 0
        app = FastAPI()

        @app.post("/bot{token}/sendMessage")
        async def telegram(token: str, request: Request) -> Response:
            self.requests.append({"to": "telegram", "token": token, "body": await request.json()})
            if self._fail():
                return JSONResponse({"ok": False, "description": "boom"}, status_code=500)
            return JSONResponse({"ok": True, "result": {"message_id": len(self.requests)}})

        @app.post("/hook")
        async def hook(request: Request) -> Response:
            self.requests.append({"to": "webhook", "body": await request.json()})
            return Response(status_code=500 if self._fail() else 204)

        self.app = app
        self._server: uvicorn.Server | None = None

    def _fail(self) -> bool:
        if self.failures > 0:
            self.failures -= 1
            return True
        return False

    def fail_next(self, n: int) -> None:
        self.failures = n

    def sent(self, to: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["to"] == to]

    def __enter__(self) -> FakeAlertSink:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self._server = uvicorn.Server(
            uvicorn.Config(self.app, log_level="warning", lifespan="off", access_log=False)
        )
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake alert sink did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.should_exit = True
        self._thread.join(timeout=5)
