"""create_emulator_app(): one FastAPI app playing every WB host under a path prefix."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from agentiq.emulator import routes_admin, routes_chat, routes_feedbacks, wire
from agentiq.emulator.gate import Rejected
from agentiq.emulator.state import Emulator

ADMIN_TOKEN_HEADER = "x-emulator-admin-token"


def admin_guard(token: str | None) -> Callable[[Request], None]:
    """Without a token the admin routes are open (the standalone tool on 127.0.0.1); with
    one, a request must carry it. Either failure looks like a path that does not exist."""

    def check(request: Request) -> None:
        given = request.headers.get(ADMIN_TOKEN_HEADER, "")
        if token and not secrets.compare_digest(given.encode(), token.encode()):
            raise StarletteHTTPException(404, "Not Found")

    return check


def create_emulator_app(
    emulator: Emulator | None = None, *, admin: bool = True, admin_token: str | None = None
) -> FastAPI:
    """`admin=False` leaves the /_admin routes (and the docs) out entirely: 404."""
    emulator = emulator or Emulator()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        emulator.stop_all()

    app = FastAPI(
        title="AgentIQ WB emulator",
        lifespan=lifespan,
        docs_url="/_admin/docs" if admin and not admin_token else None,
        openapi_url="/_admin/openapi.json" if admin and not admin_token else None,
        redoc_url=None,
    )
    app.state.emulator = emulator
    app.include_router(routes_feedbacks.router)
    app.include_router(routes_chat.router)
    if admin:
        app.include_router(routes_admin.router, dependencies=[Depends(admin_guard(admin_token))])

    @app.exception_handler(Rejected)
    async def rejected(request: Request, exc: Rejected) -> Response:
        response = exc.response
        if response.status_code != 429:
            for name, value in getattr(request.state, "wb_headers", {}).items():
                response.headers.setdefault(name, value)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/_admin"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        if exc.status_code in (404, 405):
            return wire.path_not_found(exc.status_code)
        return wire.gateway_problem(exc.status_code, str(exc.detail), str(exc.detail))

    return app
