"""create_app(): lifespan, middlewares, error handlers, routers — nothing else."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol

from fastapi import APIRouter, Depends, FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from agentiq import __version__
from agentiq.analytics.alert_endpoints import router as alerts_router
from agentiq.analytics.endpoints import IMPORT_UPLOAD_PATHS, MAX_IMPORT_BYTES, readiness_router
from agentiq.analytics.endpoints import router as analytics_router
from agentiq.appeals.endpoints import router as appeals_router
from agentiq.auth.endpoints import router as auth_router
from agentiq.autonomy.endpoints import router as autonomy_router
from agentiq.cabinets.endpoints import router as cabinets_router
from agentiq.config import Settings, SettingsError, get_settings
from agentiq.db import ping
from agentiq.deps import SESSION_COOKIE, csrf_protect
from agentiq.drafting.endpoints import router as drafting_router
from agentiq.emulator import embedded as embedded_emulator
from agentiq.errors import install_error_handlers
from agentiq.eventstream import service as event_stream
from agentiq.eventstream.endpoints import router as events_router
from agentiq.guardrails.endpoints import router as guardrails_router
from agentiq.ingestion.endpoints import router as sync_router
from agentiq.interactions.endpoints import router as interactions_router
from agentiq.kit.body_limit import BodySizeLimitMiddleware
from agentiq.kit.clean_input import CleanInputMiddleware
from agentiq.kit.http import close_http_client
from agentiq.kit.logging import configure_logging
from agentiq.kit.middleware import CSRFCookieMiddleware, RequestContextMiddleware
from agentiq.kit.openapi import declare_error_responses
from agentiq.kit.security_headers import SecurityHeadersMiddleware
from agentiq.linking.endpoints import escalations_router
from agentiq.linking.endpoints import items_router as link_items_router
from agentiq.linking.endpoints import router as links_router
from agentiq.migrate import upgrade
from agentiq.ops.endpoints import router as ops_router
from agentiq.promo.endpoints import router as promo_router
from agentiq.replies.endpoints import router as replies_router
from agentiq.runtime import Runtime, build_runtime
from agentiq.settings.endpoints import router as settings_router
from agentiq.triage.endpoints import router as triage_router
from agentiq.web import mount_static
from agentiq.web import routes as web_ui
from agentiq.worker import embedded as embedded_scheduler
from agentiq.worker.drivers import attach_worker

log = logging.getLogger(__name__)

# Every router the app serves, in the order FastAPI matches them: the table of contents.
ROUTERS: tuple[APIRouter, ...] = (
    ops_router,  # /api/health, /metrics
    auth_router,  # /api/auth/...
    cabinets_router,  # /api/settings/cabinets
    appeals_router,  # /api/appeals, /api/products/{nm_id}/impact
    promo_router,  # /api/promo-codes, /api/settings/promo
    autonomy_router,  # /api/settings/autonomy, /api/autonomy/buckets/{id}
    links_router,  # /api/links/...
    link_items_router,  # /api/interactions/{id}/links, /escalate
    escalations_router,  # /api/escalations/...
    interactions_router,  # /api/interactions
    sync_router,  # /api/settings/cabinets/{id}/sync
    triage_router,  # /api/settings/sla, /api/settings/triage
    drafting_router,  # /api/interactions/{id}/ai-draft
    replies_router,  # /api/interactions/{id}/reply
    guardrails_router,  # /api/guardrails/check
    settings_router,  # /api/settings/ai, auto-answer
    analytics_router,  # /api/analytics/...
    readiness_router,  # /api/interactions/metrics/pilot-readiness
    alerts_router,  # /api/alerts, /api/settings/alerts
    events_router,  # /api/events (SSE)
    web_ui.router,  # the operator UI (HTML)
)


class BackgroundService(Protocol):
    """Started after the database is ready, stopped in reverse order on shutdown."""

    async def start(self, app: FastAPI, runtime: Runtime) -> None: ...

    async def stop(self, app: FastAPI, runtime: Runtime) -> None: ...


# Each decides from the settings whether it has anything to do (emulator_enabled,
# scheduler_enabled; Redis when AGENTIQ_REDIS_URL is set).
BACKGROUND_SERVICES: tuple[BackgroundService, ...] = (
    embedded_emulator,  # the WB emulator at /_wb with the demo seller
    event_stream,  # live updates: in-process or over Redis
    embedded_scheduler,  # sync, SLA sweeps, dispatch, auto-answers without Celery
)


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
    runtime = attach_worker(build_runtime(settings))
    app.state.runtime = runtime
    try:
        await check_database(runtime)
        if settings.is_sqlite:
            # The embedded default migrates itself; production runs `agentiq migrate`.
            await asyncio.to_thread(upgrade, settings.database_url)
        started: list[BackgroundService] = []
        for service in BACKGROUND_SERVICES:
            await service.start(app, runtime)
            started.append(service)
        log.info("AgentIQ %s started (%s)", __version__, settings.environment.value)
        try:
            yield
        finally:
            for service in reversed(started):
                await service.stop(app, runtime)
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
        docs_url="/docs" if settings.api_docs else None,
        redoc_url="/redoc" if settings.api_docs else None,
        openapi_url="/openapi.json" if settings.api_docs else None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    # Last added runs first: request id, then the body limit, before anything reads a body.
    app.add_middleware(CSRFCookieMiddleware, secure=settings.cookie_secure)
    # Control characters out of queries and bodies, inside the limit (the body is bounded).
    app.add_middleware(CleanInputMiddleware)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_body_bytes=settings.max_body_bytes,
        upload_paths=IMPORT_UPLOAD_PATHS,
        max_upload_bytes=MAX_IMPORT_BYTES,
    )
    app.add_middleware(
        SecurityHeadersMiddleware, hsts=settings.is_production, session_cookie=SESSION_COOKIE
    )
    app.add_middleware(RequestContextMiddleware)
    # Outermost: the client address comes from X-Forwarded-For only when the peer is one of
    # AGENTIQ_FORWARDED_ALLOW_IPS (the server itself runs with proxy_headers off).
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    for router in ROUTERS:
        app.include_router(router)
    web_ui.install(app)  # errors on UI pages render inside the layout
    mount_static(app)
    declare_error_responses(app)
    return app
