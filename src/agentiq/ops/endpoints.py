from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from agentiq.db import ping
from agentiq.deps import RuntimeDep
from agentiq.kit.crypto import constant_time_equal
from agentiq.kit.errors import NotFound

router = APIRouter(tags=["ops"])


@router.get("/api/health")
async def health(runtime: RuntimeDep) -> JSONResponse:
    checks: dict[str, str] = {}
    try:
        await asyncio.wait_for(ping(runtime.engine), timeout=3)
        checks["database"] = "ok"
    except Exception as exc:  # report, don't raise: this endpoint exists to say what is down
        checks["database"] = f"down: {type(exc).__name__}"
    if runtime.redis is not None:
        try:
            await asyncio.wait_for(runtime.redis.ping(), timeout=3)
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"down: {type(exc).__name__}"
    down = sorted(name for name, state in checks.items() if state != "ok")
    body = {"status": "ok" if not down else "down", "checks": checks, "down": down}
    return JSONResponse(body, status_code=503 if down else 200)


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request, runtime: RuntimeDep) -> Response:
    """Prometheus. With AGENTIQ_METRICS_TOKEN set, only `Authorization: Bearer <token>`;
    without one, open outside production and absent (404) in production."""
    token = runtime.settings.metrics_token
    if token:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not constant_time_equal(given, token):
            raise NotFound()
    elif runtime.settings.is_production:
        raise NotFound()
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
