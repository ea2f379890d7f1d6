"""Промокоды: the codes made in the WB cabinet, where AI may offer each, and two switches.

Everyone sees the page; only the owner may change it (OwnerPrincipal on every POST).
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from agentiq.deps import CurrentPrincipal, DbSession, OwnerPrincipal
from agentiq.kit.errors import AgentIQError
from agentiq.promo import service as promo
from agentiq.promo.repository import PromoCodeRepository
from agentiq.promo.schemas import (
    MAX_CODES,
    PLACEMENT_LABELS,
    PLACEMENTS,
    PromoCodeIn,
    PromoSettings,
)
from agentiq.web.routes.common import Shell, field_errors
from agentiq.web.templating import redirect, render

router = APIRouter(prefix="/promo", include_in_schema=False)

FIELD_MESSAGES = {
    "code": "Код: от 3 до 50 букв, цифр, «-» или «_», как в ЛК WB",
    "discount_percent": "Скидка — целое число от 1 до 99",
    "valid_until": "Укажите дату в формате ДД.ММ.ГГГГ",
    "nm_ids": "Артикулы — числа через пробел или запятую",
    "placements": "Выберите, где предлагать промокод",
}
MONTHS = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]


def _form_payload(form: Any) -> dict[str, Any]:
    nm_raw = str(form.get("nm_ids") or "")
    tokens = [t for t in re.split(r"[\s,;]+", nm_raw) if t]
    return {
        "code": str(form.get("code") or ""),
        "discount_percent": str(form.get("discount_percent") or "").strip() or None,
        "valid_until": str(form.get("valid_until") or "").strip() or None,
        "all_products": form.get("products") != "selected",
        "nm_ids": tokens,
        "placements": [p for p in form.getlist("placements") if p in PLACEMENTS],
    }


def _errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "form"
        errors.setdefault(field, FIELD_MESSAGES.get(field, "Недопустимое значение"))
    return errors


def times(n: int) -> str:
    """«1 раз», «2 раза», «5 раз»."""
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return f"{n} раза"
    return f"{n} раз"


def _human_date(value: Any) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}" if value else ""


async def _page(
    request: Request,
    shell: dict[str, Any],
    db: DbSession,
    seller_id: int,
    *,
    editing: int | str | None = None,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
    status: int = 200,
) -> Response:
    codes = await promo.list_codes(db, seller_id)
    settings = await promo.load_settings(db, seller_id)
    if form is None and isinstance(editing, int):
        current = next((c for c in codes if c.id == editing), None)
        if current is not None:
            form = {
                "code": current.code,
                "discount_percent": current.discount_percent or "",
                "valid_until": current.valid_until.isoformat() if current.valid_until else "",
                "all_products": current.all_products,
                "nm_ids": " ".join(str(n) for n in current.nm_ids),
                "placements": current.placements,
            }
    return render(
        request,
        "promo.html",
        {
            **shell,
            "codes": codes,
            "active_count": sum(1 for c in codes if not c.expired),
            "max_codes": MAX_CODES,
            "settings": settings,
            "editing": editing,
            "form": form or {"placements": ["chat_positive", "chat_negative", "chat_question"]},
            "errors": errors or {},
            "labels": PLACEMENT_LABELS,
            "human_date": _human_date,
            "times": times,
            "notice": notice,
        },
        status=status,
    )


@router.get("")
async def promo_page(
    request: Request,
    shell: Shell,
    db: DbSession,
    principal: CurrentPrincipal,
    add: int = 0,
    edit: int | None = None,
    saved: str = "",
) -> Response:
    editing: int | str | None = edit if edit is not None else ("new" if add else None)
    notice = "Сохранено" if saved else ""
    return await _page(request, shell, db, principal.seller_id, editing=editing, notice=notice)


async def _save(
    request: Request, shell: dict[str, Any], db: DbSession, seller_id: int, code_id: int | None
) -> Response:
    if code_id is not None:  # another seller's code is 404 before the form is looked at
        await PromoCodeRepository(db, seller_id).get(code_id)
    form = await request.form()
    payload = _form_payload(form)
    editing: int | str = code_id if code_id is not None else "new"
    shown = {**payload, "nm_ids": str(form.get("nm_ids") or "")}
    try:
        data = PromoCodeIn.model_validate(payload)
        if code_id is None:
            await promo.create_code(db, seller_id, data)
        else:
            await promo.update_code(db, seller_id, code_id, data)
    except ValidationError as exc:
        return await _page(
            request,
            shell,
            db,
            seller_id,
            editing=editing,
            form=shown,
            errors=_errors(exc),
            status=422,
        )
    except AgentIQError as exc:
        if exc.status_code == 404:
            raise
        return await _page(
            request,
            shell,
            db,
            seller_id,
            editing=editing,
            form=shown,
            errors=field_errors(exc),
            status=422,
        )
    return redirect(request, "/promo?saved=1")


@router.post("")
async def create(
    request: Request, shell: Shell, db: DbSession, principal: OwnerPrincipal
) -> Response:
    return await _save(request, shell, db, principal.seller_id, None)


@router.post("/settings")
async def save_settings(request: Request, db: DbSession, principal: OwnerPrincipal) -> Response:
    form = await request.form()
    await promo.save_settings(
        db,
        principal.seller_id,
        PromoSettings(
            ai_offers=form.get("ai_offers") == "true",
            warn_reviews=form.get("warn_reviews") == "true",
        ),
    )
    return redirect(request, "/promo?saved=1")


@router.post("/{code_id}")
async def update(
    code_id: int, request: Request, shell: Shell, db: DbSession, principal: OwnerPrincipal
) -> Response:
    return await _save(request, shell, db, principal.seller_id, code_id)


@router.post("/{code_id}/delete")
async def delete(
    code_id: int, request: Request, db: DbSession, principal: OwnerPrincipal
) -> Response:
    await promo.delete_code(db, principal.seller_id, code_id)
    return redirect(request, "/promo?saved=1")
