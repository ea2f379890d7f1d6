"""Обжалование and Рейтинг товаров: the appeal queue and the rating impact per product.

Every member sees both and records appeal outcomes: operators are the ones who file appeals
in the WB cabinet. Nothing here touches the cabinet's web pages; the button only opens it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from agentiq.appeals import ratings
from agentiq.appeals import service as appeals
from agentiq.appeals.causes import CAUSE_LABELS
from agentiq.appeals.repository import ReviewCauseRepository
from agentiq.appeals.schemas import AppealOut, OutcomeIn
from agentiq.deps import CurrentPrincipal, DbSession
from agentiq.kit.errors import ValidationFailed
from agentiq.web.routes.common import Shell, field_errors
from agentiq.web.templating import redirect, render

router = APIRouter(include_in_schema=False)

STATUS_LABELS = {
    "proposed": "Можно обжаловать",
    "submitted": "Подано в WB",
    "approved": "Одобрено",
    "rejected": "Отклонено",
    "dismissed": "Не обжалуем",
    "none": "О товаре",
}
FILTERS = (
    ("", "Все"),
    ("proposed", "Можно обжаловать"),
    ("submitted", "Поданы"),
    ("approved", "Одобрены"),
    ("rejected", "Отклонены"),
)
# Buttons per status: (new status, label, is the main action).
ACTIONS = {
    "proposed": (("submitted", "Подано в WB", True), ("dismissed", "Не обжаловать", False)),
    "submitted": (
        ("approved", "WB одобрил", True),
        ("rejected", "WB отклонил", False),
        ("proposed", "Ещё не подано", False),
    ),
    "approved": (("submitted", "Отменить решение", False),),
    "rejected": (("submitted", "Отменить решение", False),),
}


def marked_segments(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """The text cut into (piece, is the reason's words) so the template can <mark> them."""
    pieces: list[tuple[str, bool]] = []
    at = 0
    for start, end in sorted(spans):
        if start < at:
            continue
        if start > at:
            pieces.append((text[at:start], False))
        pieces.append((text[start:end], True))
        at = end
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


def _card(view: AppealOut) -> dict[str, Any]:
    return {
        "a": view,
        "segments": marked_segments(view.review_text, [(s.start, s.end) for s in view.spans]),
        "status_label": STATUS_LABELS.get(view.status, view.status),
        "actions": ACTIONS.get(view.status, ()),
        "confidence_pct": round(view.confidence * 100),
    }


@router.get("/appeals")
async def appeals_page(
    request: Request,
    shell: Shell,
    db: DbSession,
    principal: CurrentPrincipal,
    status: str = "",
    errors: dict[str, str] | None = None,
    error_id: int | None = None,
) -> Response:
    seller_id = principal.seller_id
    rows = await appeals.appeal_queue(db, seller_id, status=status or None)
    gains = await ratings.appeal_gains(
        db, seller_id, [(row.id, item.nm_id, row.rating) for row, item in rows]
    )
    cards = [_card(appeals.appeal_view(row, item, gains.get(row.id))) for row, item in rows]
    rates = await appeals.approval_rates(db, seller_id)
    return render(
        request,
        "appeals.html",
        {
            **shell,
            "cards": cards,
            "rates": rates,
            "filters": FILTERS,
            "status": status,
            "errors": errors or {},
            "error_id": error_id,
            "today": date.today().isoformat(),
        },
    )


@router.post("/appeals/{appeal_id}/outcome")
async def appeal_outcome(
    appeal_id: int, request: Request, shell: Shell, db: DbSession, principal: CurrentPrincipal
) -> Response:
    # Another seller's appeal is 404 before anything about the form is said.
    await ReviewCauseRepository(db, principal.seller_id).get(appeal_id)
    form = await request.form()
    back = str(form.get("back") or "")
    try:
        change = OutcomeIn.model_validate(
            {
                "status": form.get("status"),
                "on": (str(form.get("on") or "").strip() or None),
                "appeal_text": form.get("appeal_text") or None,
            }
        )
        await appeals.set_outcome(
            db, principal.seller_id, appeal_id, change, user_id=principal.user.id
        )
    except ValidationError:
        errors = {"on": "Укажите дату в формате ДД.ММ.ГГГГ"}
        return await appeals_page(
            request, shell, db, principal, status=back, errors=errors, error_id=appeal_id
        )
    except ValidationFailed as exc:
        return await appeals_page(
            request, shell, db, principal, status=back, errors=field_errors(exc), error_id=appeal_id
        )
    suffix = f"?status={back}" if back in {f for f, _ in FILTERS} and back else ""
    return redirect(request, f"/appeals{suffix}#appeal-{appeal_id}")


@router.get("/ratings")
async def ratings_page(
    request: Request, shell: Shell, db: DbSession, principal: CurrentPrincipal, target: str = ""
) -> Response:
    goal = ratings.parse_target(target)
    products = await ratings.product_impacts(db, principal.seller_id, target=goal)
    return render(
        request,
        "ratings.html",
        {**shell, "products": products, "target": float(goal)},
    )


@router.get("/ratings/negatives")
async def negatives_page(
    request: Request, shell: Shell, db: DbSession, principal: CurrentPrincipal
) -> Response:
    negatives = await ratings.negatives_by_impact(db, principal.seller_id)
    return render(
        request,
        "rating_negatives.html",
        {**shell, "negatives": negatives, "status_labels": STATUS_LABELS},
    )


@router.get("/ratings/{nm_id}")
async def product_rating_page(
    nm_id: int,
    request: Request,
    shell: Shell,
    db: DbSession,
    principal: CurrentPrincipal,
    target: str = "",
) -> Response:
    goal = ratings.parse_target(target)
    product = await ratings.product_impact(db, principal.seller_id, nm_id, target=goal)
    return render(
        request,
        "rating_product.html",
        {
            **shell,
            "p": product,
            "target": float(goal),
            "status_labels": STATUS_LABELS,
            "cause_labels": CAUSE_LABELS,
        },
    )
