"""Errors mapped once: JSON for /api, an HTML page (or redirect to sign-in) for the UI."""

from __future__ import annotations

import logging
from html import escape
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException

from agentiq.kit.errors import AgentIQError, Unauthorized
from agentiq.kit.logging import request_id_var

log = logging.getLogger(__name__)

# The UI registers a renderer that wraps messages in the app's own error page.
HtmlRenderer = "Callable[[Request, int, str], Response]"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or (
        "application/json" in request.headers.get("accept", "")
        and "text/html" not in request.headers.get("accept", "")
    )


def _html(request: Request, status: int, message: str) -> Response:
    renderer = getattr(request.app.state, "render_error", None)
    if renderer is not None:
        response: Response = renderer(request, status, message)
        return response
    return HTMLResponse(f"<h1>{status}</h1><p>{escape(message)}</p>", status_code=status)


def _to_response(
    request: Request, status: int, code: str, message: str, details: object
) -> Response:
    if _wants_json(request):
        body: dict[str, object] = {"error": {"code": code, "message": message}}
        if details is not None:
            body["error"] = {**body["error"], "details": details}  # type: ignore[dict-item]
        return JSONResponse(body, status_code=status)
    if status == 401:
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        if request.headers.get("hx-request"):
            # htmx: let the page keep what was typed and ask to sign in again.
            return Response(status_code=401, headers={"HX-Trigger": "session-expired"})
        return RedirectResponse(f"/login?next={target}", status_code=303)
    return _html(request, status, message)


REDIS_DOWN = "Сервис временно недоступен: хранилище сессий не отвечает. Попробуйте через минуту"
OUT_OF_RANGE = "Число вне допустимого диапазона: проверьте значение"


def is_out_of_range(exc: BaseException) -> bool:
    """SQLite's OverflowError, asyncpg's "value out of int64 range", PostgreSQL's 22003."""
    orig = getattr(exc, "orig", None) if isinstance(exc, StatementError) else exc
    if isinstance(orig, OverflowError):
        return True
    if orig is None:
        return False
    cause = getattr(orig, "__cause__", None)
    sqlstate = getattr(orig, "sqlstate", None) or getattr(cause, "sqlstate", None)
    text = str(orig)
    return sqlstate == "22003" or ("out of" in text and "range" in text and "value" in text)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AgentIQError)
    async def _agentiq_error(request: Request, exc: AgentIQError) -> Response:
        return _to_response(request, exc.status_code, exc.code, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        fields = {
            ".".join(str(p) for p in err["loc"][1:]) or "body": err["msg"] for err in exc.errors()
        }
        return _to_response(request, 422, "validation_failed", "Проверьте введённые данные", fields)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = "Страница не найдена" if exc.status_code == 404 else str(exc.detail)
        return _to_response(request, exc.status_code, "http_error", message, None)

    @app.exception_handler(OverflowError)
    @app.exception_handler(StatementError)
    async def _out_of_range(request: Request, exc: Exception) -> Response:
        # A number no column can hold (an id beyond 64 bits, a rating beyond 16) reached the
        # database: the caller's mistake, told in words, never a 500.
        if is_out_of_range(exc):
            return _to_response(request, 422, "out_of_range", OUT_OF_RANGE, None)
        return await _unexpected(request, exc)

    @app.exception_handler(RedisError)
    async def _redis_down(request: Request, exc: RedisError) -> Response:
        # Sessions, sign-in limits and locks live in Redis: without it, say so and come back.
        if isinstance(exc, RedisConnectionError | RedisTimeoutError):
            log.warning("redis unavailable: %s", type(exc).__name__)
            return _to_response(request, 503, "redis_unavailable", REDIS_DOWN, None)
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        # Logged with the request id; the user sees a calm message, never the exception.
        # The id RequestContextMiddleware gave this request (it runs inside this handler).
        request_id = getattr(request.state, "request_id", None) or request_id_var.get()
        request_id_var.set(request_id)
        log.exception("unhandled error")
        message = f"Что-то пошло не так. Код запроса: {request_id}"
        response = _to_response(request, 500, "internal_error", message, None)
        response.headers["x-request-id"] = request_id
        return response


__all__ = ["Unauthorized", "install_error_handlers"]
