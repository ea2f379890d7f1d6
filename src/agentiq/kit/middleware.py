"""Pure ASGI middlewares: request id + access metrics, and the CSRF cookie."""

from __future__ import annotations

import re
import time
import uuid

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agentiq.kit.crypto import new_token
from agentiq.kit.logging import request_id_var

REQUESTS = Counter("agentiq_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "agentiq_http_request_duration_seconds", "HTTP request latency", ["method", "route"]
)
CSRF_COOKIE = "agentiq_csrf"
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _route_template(scope: Scope) -> str:
    # The matched route's template (e.g. /api/interactions/{id}), never the raw path with ids.
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    return str(path) if path else "unmatched"


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        # A caller's id is kept only when it is a plain token: anything else (newlines,
        # quotes, kilobytes) would land verbatim in our logs and on the error page.
        request_id = incoming if _SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception:
            # The id stays set: the 500 handler runs outside this middleware, in this same
            # task, and must log and show this request's id, not "-".
            self._observe(scope, 500, started)
            raise
        self._observe(scope, status, started)
        request_id_var.reset(token)

    @staticmethod
    def _observe(scope: Scope, status: int, started: float) -> None:
        route = _route_template(scope)
        REQUESTS.labels(scope["method"], route, str(status)).inc()
        LATENCY.labels(scope["method"], route).observe(time.perf_counter() - started)


class CSRFCookieMiddleware:
    """Gives every browser a random CSRF cookie (double-submit); forms and htmx echo it back."""

    def __init__(self, app: ASGIApp, *, secure: bool) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        existing = _cookie(scope, CSRF_COOKIE)
        value = existing or new_token(24)
        scope.setdefault("state", {})["csrf_token"] = value

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start" and not existing:
                cookie = f"{CSRF_COOKIE}={value}; Path=/; SameSite=Lax"
                if self.secure:
                    cookie += "; Secure"
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie.encode())]
            await send(message)

        await self.app(scope, receive, send_wrapper)


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers") or []:
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name and v:
                    return v
    return None
