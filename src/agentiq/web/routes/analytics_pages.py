"""Главная and Аналитика: the owner's daily entry point and the figures behind it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from agentiq.analytics import fallback, readiness, service
from agentiq.analytics import home as home_service
from agentiq.analytics.endpoints import read_upload
from agentiq.analytics.export import CHANNEL_TITLES, KPI_TITLES, SOURCE_TITLES
from agentiq.analytics.schemas import Communication
from agentiq.cabinets.repository import CabinetRepository
from agentiq.deps import CurrentPrincipal, DbSession, OwnerPrincipal
from agentiq.kit.errors import ValidationFailed
from agentiq.kit.time import utcnow
from agentiq.web.routes.common import Shell, field_errors
from agentiq.web.templating import render

router = APIRouter(include_in_schema=False)
PERIODS = (7, 30, 90)
Mode = Literal["ops", "full"]


@router.get("/home")
async def home(
    request: Request, shell: Shell, db: DbSession, principal: CurrentPrincipal
) -> Response:
    data = await home_service.home(db, principal.seller_id)
    return render(
        request,
        "home.html",
        {**shell, "home": data, "channels": CHANNEL_TITLES, "sources": SOURCE_TITLES},
    )


def chart_data(c: Communication) -> dict[str, dict[str, Any]]:
    """What each chart draws; the same numbers are in the table under it."""
    day_labels = [d.day.strftime("%d.%m") for d in c.volume]
    return {
        "volume": {
            "type": "line",
            "labels": day_labels,
            "series": [
                {"label": CHANNEL_TITLES[ch], "data": [getattr(d, ch) for d in c.volume]}
                for ch in ("review", "question", "chat")
            ],
        },
        "quality": {
            "type": "line",
            "labels": [d.day.strftime("%d.%m") for d in c.quality.history],
            "series": [
                {"label": title, "data": [getattr(d, key) for d in c.quality.history]}
                for key, title in QUALITY_TITLES.items()
            ],
        },
        "speed": {
            "type": "bar",
            "labels": [b.label for b in c.response_histogram],
            "series": [
                {
                    "label": "Первых ответов",
                    "data": [b.review + b.question + b.chat for b in c.response_histogram],
                }
            ],
        },
        "ratings": {
            "type": "bar",
            "labels": [f"{r.rating}★" for r in c.ratings],
            "series": [{"label": "Отзывов", "data": [r.count for r in c.ratings]}],
        },
    }


QUALITY_TITLES = {
    "accepted": "Черновик без правок",
    "edited": "Черновик с правками",
    "manual": "Вручную",
    "auto": "Автоответ",
}


@router.get("/analytics")
async def analytics(
    request: Request,
    shell: Shell,
    db: DbSession,
    principal: CurrentPrincipal,
    days: int | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    cabinet_id: str | None = None,
    channel: str | None = None,
    mode: str = "ops",
) -> Response:
    errors: dict[str, str] = {}
    cabinets = await CabinetRepository(db, principal.seller_id).all()
    cabinet = int(cabinet_id) if cabinet_id and cabinet_id.isdigit() else None
    if cabinet is not None and cabinet not in {c.id for c in cabinets}:
        cabinet = None
    chosen_channel = channel if channel in CHANNEL_TITLES else None
    start = _date(date_from)
    end = _date(date_to)
    custom = bool(date_from or date_to)
    try:
        scope = service.make_scope(
            None if custom else (days if days in PERIODS else 30),
            start,
            end,
            cabinet_id=cabinet,
            channel=chosen_channel,
        )
    except ValidationFailed as exc:
        errors = {str(k): str(v) for k, v in (exc.details or {}).items()} or {"form": exc.message}
        if (date_from and start is None) or (date_to and end is None):
            errors = {"date_from": "Дата в формате ГГГГ-ММ-ДД"}
        custom = False
        scope = service.make_scope(30, None, None, cabinet_id=cabinet, channel=chosen_channel)
    data = await service.communication(db, principal.seller_id, scope)
    wanted = {
        name: request.query_params[name]
        for name in readiness.ReadinessThresholds.model_fields
        if request.query_params.get(name, "").strip()
    }
    try:
        thresholds = readiness.ReadinessThresholds(**wanted)
    except ValidationError as exc:
        for error in exc.errors():
            errors[str(error["loc"][0])] = "Укажите число в допустимых пределах"
        thresholds = readiness.ReadinessThresholds()
    gate = await readiness.pilot_readiness(db, principal.seller_id, thresholds)
    # An operational figure, not a period one: what is late at this moment (the same count
    # Главная shows), so the operational mode answers «what needs doing now» too.
    _, overdue_now = await home_service.attention(db, principal.seller_id, utcnow())
    query = {
        k: v
        for k, v in {
            "days": None if custom else (scope.end - scope.start).days + 1,
            "date_from": scope.start.isoformat() if custom else None,
            "date_to": scope.end.isoformat() if custom else None,
            "cabinet_id": cabinet,
            "channel": chosen_channel,
        }.items()
        if v is not None
    }
    return render(
        request,
        "analytics.html",
        {
            **shell,
            "data": data,
            "gate": gate,
            "overdue_now": overdue_now,
            "gate_values": {**thresholds.model_dump(), **wanted},
            "gate_query": urlencode(thresholds.model_dump()),
            "mode": "full" if mode == "full" else "ops",
            "periods": PERIODS,
            "days": None if custom else data.period.days,
            "custom": custom,
            "errors": errors,
            "cabinets": cabinets,
            "cabinet_id": cabinet,
            "channel": chosen_channel,
            "channels": CHANNEL_TITLES,
            "kpi_titles": KPI_TITLES,
            "sources": SOURCE_TITLES,
            "quality_titles": QUALITY_TITLES,
            "charts": {k: json.dumps(v, ensure_ascii=False) for k, v in chart_data(data).items()},
            "link": lambda **changes: urlencode(
                {k: v for k, v in {**query, **changes}.items() if v is not None}
            ),
        },
    )


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.post("/analytics/import")
async def import_reviews_page(
    request: Request, shell: Shell, db: DbSession, principal: OwnerPrincipal
) -> Response:
    """The form twin of POST /api/analytics/fallback/reviews: the result as a page."""
    form = await request.form()
    upload = form.get("file")
    errors: dict[str, str] = {}
    result = None
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors["file"] = "Выберите файл выгрузки отзывов (CSV или XLSX)"
    else:
        try:
            data = await read_upload(upload)
            result = await fallback.import_reviews(db, principal.seller_id, data, upload.filename)
        except ValidationFailed as exc:
            errors = field_errors(exc)
    return render(
        request,
        "analytics_import.html",
        {**shell, "result": result, "errors": errors},
        status=422 if errors else 200,
    )
