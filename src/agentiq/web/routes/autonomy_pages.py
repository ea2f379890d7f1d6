"""Настройки → Автоответы: how buckets earn auto-sending, and each bucket's switches.

Everyone sees the page; only the owner changes it (OwnerPrincipal on every POST).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from agentiq.autonomy import service as autonomy
from agentiq.autonomy.schemas import AutonomySettings, BucketChange
from agentiq.deps import CurrentPrincipal, DbSession, OwnerPrincipal
from agentiq.web.routes.common import Shell
from agentiq.web.templating import redirect, render

router = APIRouter(prefix="/settings/autonomy", include_in_schema=False)

MODE_LABELS = {"shadow": "Учится", "auto": "Авто"}


async def _page(
    request: Request,
    shell: dict[str, object],
    db: DbSession,
    seller_id: int,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "settings_autonomy.html",
        {
            **shell,
            "section": "autonomy",
            "settings": await autonomy.load_settings(db, seller_id),
            "buckets": await autonomy.list_buckets(db, seller_id),
            "mode_labels": MODE_LABELS,
            "errors": errors or {},
            "notice": "Сохранено" if request.query_params.get("saved") else "",
        },
        status=status,
    )


@router.get("")
async def autonomy_page(
    request: Request, shell: Shell, db: DbSession, principal: CurrentPrincipal
) -> Response:
    return await _page(request, shell, db, principal.seller_id)


@router.post("")
async def save(
    request: Request, shell: Shell, db: DbSession, principal: OwnerPrincipal
) -> Response:
    form = await request.form()
    try:
        percent = float(str(form.get("min_acceptance") or "").replace(",", "."))
        settings = AutonomySettings(
            required_streak=int(str(form.get("required_streak") or "")),
            min_acceptance=percent / 100,
        )
    except (ValueError, ValidationError):
        errors = {"form": "Подряд — от 1 до 1000 черновиков; доля принятых — от 50 до 100 %"}
        return await _page(request, shell, db, principal.seller_id, errors=errors, status=422)
    await autonomy.save_settings(db, principal.seller_id, settings)
    return redirect(request, "/settings/autonomy?saved=1")


@router.post("/buckets/{bucket_id}")
async def change(
    bucket_id: int, request: Request, shell: Shell, db: DbSession, principal: OwnerPrincipal
) -> Response:
    # Another seller's bucket is 404 before the form is looked at.
    await autonomy.change_bucket(db, principal.seller_id, bucket_id, BucketChange())
    form = await request.form()
    try:
        body = BucketChange(
            killed=form.get("killed") == "true" if "killed" in form else None,
            daily_cap=int(str(form["daily_cap"])) if form.get("daily_cap") else None,
            min_interval_s=int(float(str(form["pace_min"])) * 60) if form.get("pace_min") else None,
        )
    except (ValueError, ValidationError):
        errors = {"bucket": "Лимит — от 0 до 1000 в день, темп — от 0 до 1440 минут"}
        return await _page(request, shell, db, principal.seller_id, errors=errors, status=422)
    await autonomy.change_bucket(db, principal.seller_id, bucket_id, body)
    return redirect(request, "/settings/autonomy?saved=1")
