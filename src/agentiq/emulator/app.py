"""create_emulator_app(): one FastAPI app playing every WB host under a path prefix."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from agentiq.emulator import routes_admin, routes_chat, routes_feedbacks, wire
from agentiq.emulator.gate import Rejected
from agentiq.emulator.state import Emulator


def create_emulator_app(emulator: Emulator | None = None) -> FastAPI:
    emulator = emulator or Emulator()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        emulator.stop_all()

    app = FastAPI(
        title="AgentIQ WB emulator",
        lifespan=lifespan,
        docs_url="/_admin/docs",
        openapi_url="/_admin/openapi.json",
        redoc_url=None,
    )
    app.state.emulator = emulator
    app.include_router(routes_feedbacks.router)
    app.include_router(routes_chat.router)
    app.include_router(routes_admin.router)

    @app.exception_handler(Rejected)
    async def rejected(request: Request, exc: Rejected) -> Response:
        return exc.response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/_admin"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        if exc.status_code in (404, 405):
            return wire.path_not_found(exc.status_code)
        return wire.gateway_problem(exc.status_code, str(exc.detail), str(exc.detail))

    return app
