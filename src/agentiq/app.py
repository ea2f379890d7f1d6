"""create_app(): lifespan, middlewares, error handlers, routers — nothing else."""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI

from agentiq import __version__
from agentiq.appeals.endpoints import router as appeals_router
from agentiq.auth.endpoints import router as auth_router
from agentiq.cabinets.endpoints import router as cabinets_router
from agentiq.config import Settings, SettingsError, get_settings
from agentiq.db import ping
from agentiq.deps import csrf_protect
from agentiq.errors import install_error_handlers
from agentiq.kit.http import close_http_client
from agentiq.kit.logging import configure_logging
from agentiq.kit.middleware import CSRFCookieMiddleware, RequestContextMiddleware
from agentiq.linking.endpoints import escalations_router
from agentiq.linking.endpoints import items_router as link_items_router
from agentiq.linking.endpoints import router as links_router
from agentiq.migrate import upgrade
from agentiq.ops.endpoints import router as ops_router
from agentiq.runtime import Runtime, build_runtime
from agentiq.web import mount_static

log = logging.getLogger(__name__)

# Domain modules contribute routers and background services by convention: a module that is
# not there yet is skipped; one that is there but broken fails start-up loudly.
ROUTER_MODULES = (
    "agentiq.interactions.endpoints",
    "agentiq.ingestion.endpoints",
    "agentiq.triage.endpoints",
    "agentiq.drafting.endpoints",
    "agentiq.replies.endpoints",
    "agentiq.settings.endpoints",
    "agentiq.analytics.endpoints",
    "agentiq.eventstream.endpoints",
    "agentiq.web.routes",
)
# Each exposes `async def start(app: FastAPI, runtime: Runtime)` and `async def stop(...)`.
SERVICE_MODULES = (
    "agentiq.emulator.embedded",
    "agentiq.eventstream.service",
    "agentiq.worker.embedded",
)


def _optional_modules(names: tuple[str, ...]) -> list[Any]:
    found: list[Any] = []
    for name in names:
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:
            spec = None
        if spec is not None:
            found.append(importlib.import_module(name))
    return found


async def check_database(runtime: Runtime) -> None:
    try:
        await asyncio.wait_for(ping(runtime.engine), timeout=10)
    except Exception as exc:
        raise SettingsError(
            "The database at AGENTIQ_DATABASE_URL cannot be reached "
            f"({type(exc).__name__}); check the URL and that the server is running."
        ) from None


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    runtime = build_runtime(settings)
    app.state.runtime = runtime
    try:
        await check_database(runtime)
        if settings.is_sqlite:
            # The embedded default migrates itself; production runs `agentiq migrate`.
            await asyncio.to_thread(upgrade, settings.database_url)
        started = []
        for module in _optional_modules(SERVICE_MODULES):
            await module.start(app, runtime)
            started.append(module)
        log.info("AgentIQ %s started (%s)", __version__, settings.environment.value)
        try:
            yield
        finally:
            for module in reversed(started):
                await module.stop(app, runtime)
    finally:
        await close_http_client()
        await runtime.close()
        log.info("AgentIQ stopped")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    app = FastAPI(
        title="AgentIQ",
        version=__version__,
        lifespan=lifespan,
        dependencies=[Depends(csrf_protect)],
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(CSRFCookieMiddleware, secure=settings.cookie_secure)
    app.add_middleware(RequestContextMiddleware)
    for router in (ops_router, auth_router, cabinets_router, appeals_router):
        app.include_router(router)
    for router in (links_router, link_items_router, escalations_router):
        app.include_router(router)
    for module in _optional_modules(ROUTER_MODULES):
        app.include_router(module.router)
        if hasattr(module, "install"):  # e.g. the UI registers its error page renderer
            module.install(app)
    mount_static(app)
    return app
