"""JSON API: the appeal queue, outcomes, approval rates per cause, rating impact per product.

Every member may read and record outcomes (operators file the appeals in the WB cabinet).
Another seller's review answers 404: the repositories scope every query by seller.
"""

from __future__ import annotations

from fastapi import APIRouter

from agentiq.appeals import ratings
from agentiq.appeals import service as appeals
from agentiq.appeals.schemas import (
    AppealOut,
    CauseRate,
    NegativeImpact,
    OutcomeIn,
    ProductImpact,
)
from agentiq.deps import CurrentPrincipal, DbSession

router = APIRouter(prefix="/api", tags=["appeals"])


@router.get("/appeals", response_model=list[AppealOut])
async def list_appeals(
    principal: CurrentPrincipal, db: DbSession, status: str | None = None
) -> list[AppealOut]:
    rows = await appeals.appeal_queue(db, principal.seller_id, status=status)
    return [appeals.appeal_view(row, item) for row, item in rows]


@router.post("/appeals/{appeal_id}/outcome", response_model=AppealOut)
async def record_outcome(
    appeal_id: int, body: OutcomeIn, principal: CurrentPrincipal, db: DbSession
) -> AppealOut:
    row, item = await appeals.set_outcome(
        db, principal.seller_id, appeal_id, body, user_id=principal.user.id
    )
    return appeals.appeal_view(row, item)


@router.get("/appeals/rates", response_model=list[CauseRate])
async def appeal_rates(principal: CurrentPrincipal, db: DbSession) -> list[CauseRate]:
    return await appeals.approval_rates(db, principal.seller_id)


@router.get("/products/impact", response_model=list[ProductImpact])
async def products_impact(
    principal: CurrentPrincipal, db: DbSession, target: str | None = None
) -> list[ProductImpact]:
    return await ratings.product_impacts(
        db, principal.seller_id, target=ratings.parse_target(target)
    )


@router.get("/products/negatives", response_model=list[NegativeImpact])
async def negatives_by_impact(principal: CurrentPrincipal, db: DbSession) -> list[NegativeImpact]:
    """Open negative reviews sorted by how much each moves its product's rating."""
    return await ratings.negatives_by_impact(db, principal.seller_id)


@router.get("/products/{nm_id}/impact", response_model=ProductImpact)
async def product_impact(
    nm_id: int, principal: CurrentPrincipal, db: DbSession, target: str | None = None
) -> ProductImpact:
    return await ratings.product_impact(
        db, principal.seller_id, nm_id, target=ratings.parse_target(target)
    )
