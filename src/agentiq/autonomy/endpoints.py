"""JSON API for earned autonomy: the seller's bar, the buckets, their kill switches and caps.

Members read; the owner changes (a kill switch is a business decision).
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from agentiq.autonomy import service
from agentiq.autonomy.schemas import AutonomySettings, BucketChange, BucketOut
from agentiq.deps import CurrentPrincipal, DbSession, OwnerPrincipal

router = APIRouter(prefix="/api", tags=["autonomy"])


class AutonomyOut(BaseModel):
    settings: AutonomySettings
    buckets: list[BucketOut]


@router.get("/settings/autonomy", response_model=AutonomyOut)
async def get_autonomy(principal: CurrentPrincipal, db: DbSession) -> AutonomyOut:
    return AutonomyOut(
        settings=await service.load_settings(db, principal.seller_id),
        buckets=await service.list_buckets(db, principal.seller_id),
    )


@router.put("/settings/autonomy", response_model=AutonomySettings)
async def put_autonomy(
    body: AutonomySettings, principal: OwnerPrincipal, db: DbSession
) -> AutonomySettings:
    return await service.save_settings(db, principal.seller_id, body)


@router.patch("/autonomy/buckets/{bucket_id}", response_model=list[BucketOut])
async def patch_bucket(
    bucket_id: int, body: BucketChange, principal: OwnerPrincipal, db: DbSession
) -> list[BucketOut]:
    await service.change_bucket(db, principal.seller_id, bucket_id, body)
    return await service.list_buckets(db, principal.seller_id)
