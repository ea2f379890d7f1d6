"""JSON API of analytics: /api/analytics/communication (+ CSV of every table)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Depends, Form, Query, UploadFile
from fastapi.responses import Response
from starlette.datastructures import UploadFile as StarletteUpload

from agentiq.analytics import fallback, readiness, service
from agentiq.analytics.export import TABLES, to_csv
from agentiq.analytics.readiness import Readiness, ReadinessThresholds
from agentiq.analytics.repository import Scope
from agentiq.analytics.schemas import Communication
from agentiq.cabinets.repository import CabinetRepository
from agentiq.deps import CurrentPrincipal, DbSession, OwnerPrincipal
from agentiq.kit.errors import ValidationFailed

router = APIRouter(prefix="/api/analytics", tags=["analytics"])

Table = Literal["kpis", "quality", "volume", "response_times", "ratings", "complaints"]


def analytics_scope(
    days: int | None = Query(default=None, ge=1, le=service.MAX_DAYS),
    date_from: date | None = None,
    date_to: date | None = None,
    cabinet_id: int | None = None,
    channel: Literal["review", "question", "chat"] | None = None,
) -> Scope:
    return service.make_scope(days, date_from, date_to, cabinet_id=cabinet_id, channel=channel)


@router.get("/communication", response_model=Communication)
async def communication(
    db: DbSession, principal: CurrentPrincipal, scope: Scope = Depends(analytics_scope)
) -> Communication:
    return await service.communication(db, principal.seller_id, scope)


@router.get("/communication.csv")
async def communication_csv(
    db: DbSession,
    principal: CurrentPrincipal,
    table: Table = "kpis",
    scope: Scope = Depends(analytics_scope),
) -> Response:
    assert table in TABLES
    data = await service.communication(db, principal.seller_id, scope)
    name = f"agentiq-{table}-{scope.start.isoformat()}-{scope.end.isoformat()}.csv"
    return Response(
        to_csv(data, table),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


readiness_router = APIRouter(prefix="/api/interactions/metrics", tags=["analytics"])


@readiness_router.get("/pilot-readiness", response_model=Readiness)
async def pilot_readiness(
    db: DbSession, principal: CurrentPrincipal, thresholds: ReadinessThresholds = Depends()
) -> Readiness:
    """Go / no-go for a pilot; every threshold is a query parameter and is echoed back."""
    return await readiness.pilot_readiness(db, principal.seller_id, thresholds)


MAX_IMPORT_BYTES = 20 * 1024 * 1024
# Where a review export is uploaded (API and the Аналитика form): the body-size limit lets
# these, and only these, carry up to MAX_IMPORT_BYTES.
IMPORT_UPLOAD_PATHS = frozenset({"/api/analytics/fallback/reviews", "/analytics/import"})


@router.post("/fallback/reviews")
async def import_review_export(
    db: DbSession,
    principal: OwnerPrincipal,
    file: UploadFile,
    cabinet_id: int | None = Form(default=None),
) -> dict[str, object]:
    """Review history from a WB-cabinet export (CSV/XLSX) as `fallback` facts; per-row errors."""
    data = await read_upload(file)
    if cabinet_id is not None:
        await CabinetRepository(db, principal.seller_id).get(cabinet_id)
    result = await fallback.import_reviews(
        db, principal.seller_id, data, file.filename or "", cabinet_id=cabinet_id
    )
    return {
        "imported": result.imported,
        "covered_by_api": result.covered_by_api,
        "errors": [{"row": e.row, "message": e.message} for e in result.errors],
    }


async def read_upload(file: StarletteUpload) -> bytes:
    data = await file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        message = "Файл больше 20 МБ: разбейте выгрузку на части"
        raise ValidationFailed(message, details={"file": message})
    return data
