"""JSON API for promo codes and the two switches. Members read; the owner changes."""

from __future__ import annotations

from fastapi import APIRouter, Response

from agentiq.deps import CurrentPrincipal, DbSession, OwnerPrincipal
from agentiq.promo import service
from agentiq.promo.schemas import PromoCodeIn, PromoCodeOut, PromoSettings

router = APIRouter(prefix="/api", tags=["promo"])


@router.get("/promo-codes", response_model=list[PromoCodeOut])
async def list_codes(principal: CurrentPrincipal, db: DbSession) -> list[PromoCodeOut]:
    return await service.list_codes(db, principal.seller_id)


@router.post("/promo-codes", response_model=PromoCodeOut, status_code=201)
async def create_code(body: PromoCodeIn, principal: OwnerPrincipal, db: DbSession) -> PromoCodeOut:
    return await service.create_code(db, principal.seller_id, body)


@router.put("/promo-codes/{code_id}", response_model=PromoCodeOut)
async def update_code(
    code_id: int, body: PromoCodeIn, principal: OwnerPrincipal, db: DbSession
) -> PromoCodeOut:
    return await service.update_code(db, principal.seller_id, code_id, body)


@router.delete("/promo-codes/{code_id}", status_code=204)
async def delete_code(code_id: int, principal: OwnerPrincipal, db: DbSession) -> Response:
    await service.delete_code(db, principal.seller_id, code_id)
    return Response(status_code=204)


@router.get("/settings/promo", response_model=PromoSettings)
async def get_settings(principal: CurrentPrincipal, db: DbSession) -> PromoSettings:
    return await service.load_settings(db, principal.seller_id)


@router.put("/settings/promo", response_model=PromoSettings)
async def put_settings(
    body: PromoSettings, principal: OwnerPrincipal, db: DbSession
) -> PromoSettings:
    return await service.save_settings(db, principal.seller_id, body)
