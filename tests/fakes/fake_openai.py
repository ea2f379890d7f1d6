"""A local OpenAI-compatible server for tests: real HTTP on 127.0.0.1, scripted behaviours.

Usage::

    with FakeOpenAI() as fake:
        fake.enqueue(Status(429), Reply("Спасибо за отзыв!"))
        client = AsyncOpenAI(base_url=fake.base_url, api_key="test")
        ...
        assert fake.requests[-1]["model"] == "deepseek-chat"

Each request to `POST /v1/chat/completions` pops the next behaviour from the queue; when the
queue is empty the server answers with `fake.default_reply`. The server runs uvicorn in a
background thread on a socket bound to port 0, so parallel test runs never collide.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

DEFAULT_REPLY = "Здравствуйте! Спасибо за отзыв, нам очень приятно, что товар вам понравился."


@dataclass(frozen=True)
class Reply:
    """A normal completion with `text` as the assistant message."""

    text: str
    finish_reason: str = "stop"
    prompt_tokens: int = 120
    completion_tokens: int = 40


@dataclass(frozen=True)
class Delay:
    """Wait `seconds` before acting as `then` (use it to provoke client timeouts)."""

    seconds: float
    then: Any = field(default_factory=lambda: Reply(DEFAULT_REPLY))


@dataclass(frozen=True)
class Status:
    """An HTTP error status; `body` defaults to an OpenAI-style error envelope."""

    code: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EmptyChoices:
    """A 200 response whose `choices` list is empty (seen from some compatible providers)."""


Behaviour = Reply | Delay | Status | EmptyChoices

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    429: "rate_limit_exceeded",
}


def _error_body(code: int) -> dict[str, Any]:
    kind = _ERROR_TYPES.get(code, "server_error")
    return {"error": {"message": f"fake error {code}", "type": kind, "param": None, "code": kind}}


def _completion(model: str, behaviour: Reply | EmptyChoices) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }
    if isinstance(behaviour, Reply):
        body["choices"] = [
            {
                "index": 0,
                "message": {"role": "assistant", "content": behaviour.text},
                "finish_reason": behaviour.finish_reason,
            }
        ]
        body["usage"] = {
            "prompt_tokens": behaviour.prompt_tokens,
            "completion_tokens": behaviour.completion_tokens,
            "total_tokens": behaviour.prompt_tokens + behaviour.completion_tokens,
        }
    return body


class FakeOpenAI:
    """The server; start it with `with FakeOpenAI() as fake:` or `start()` / `stop()`."""

    def __init__(self, default_reply: str = DEFAULT_REPLY) -> None:
        self.default_reply = default_reply
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._queue: deque[Behaviour] = deque()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.port = 0
        self.app = self._build_app()

    # -- public API ---------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def enqueue(self, *behaviours: Behaviour) -> None:
        with self._lock:
            self._queue.extend(behaviours)

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self.requests.clear()
            self.headers.clear()

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def start(self) -> FakeOpenAI:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self._socket = sock
        config = uvicorn.Config(
            self.app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("FakeOpenAI did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._closing.set()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
            if self._thread.is_alive() and self._server is not None:
                self._server.force_exit = True
                self._thread.join(timeout=5)
        if self._socket is not None:
            self._socket.close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- server side --------------------------------------------------------------------

    def _next(self) -> Behaviour:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
        return Reply(self.default_reply)

    async def _sleep(self, seconds: float) -> None:
        # Sleep in slices so a stopping server does not wait for a long scripted delay.
        deadline = time.monotonic() + seconds
        while not self._closing.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(min(0.05, max(0.0, deadline - time.monotonic())))

    def _build_app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/v1/chat/completions")
        async def chat_completions(request: Request) -> JSONResponse:
            body = await request.json()
            with self._lock:
                self.requests.append(body)
                self.headers.append(dict(request.headers))
            behaviour = self._next()
            while isinstance(behaviour, Delay):
                await self._sleep(behaviour.seconds)
                behaviour = behaviour.then
            if isinstance(behaviour, Status):
                payload = (
                    behaviour.body if behaviour.body is not None else _error_body(behaviour.code)
                )
                return JSONResponse(payload, status_code=behaviour.code, headers=behaviour.headers)
            model = str(body.get("model", "fake-model"))
            return JSONResponse(_completion(model, behaviour))

        return app


__all__ = ["DEFAULT_REPLY", "Delay", "EmptyChoices", "FakeOpenAI", "Reply", "Status"]
