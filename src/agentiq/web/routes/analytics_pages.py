"""Аналитика: the first figures the inbox backend measures (SLA hit rate, overdue, speed)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from agentiq.deps import CurrentPrincipal, DbSession
from agentiq.interactions import service as inbox
from agentiq.web.routes.common import Shell
from agentiq.web.templating import render

router = APIRouter(prefix="/analytics", include_in_schema=False)
PERIODS = (7, 30, 90)


@router.get("")
async def analytics(
    request: Request, shell: Shell, db: DbSession, principal: CurrentPrincipal, days: int = 30
) -> Response:
    days = days if days in PERIODS else 30
    metrics = await inbox.sla_metrics(db, principal.seller_id, days=days)
    return render(
        request, "analytics.html", {**shell, "metrics": metrics, "days": days, "periods": PERIODS}
    )
