"""JSON API for WB cabinets."""

from __future__ import annotations

from fastapi import APIRouter, status

from agentiq.cabinets import check, service
from agentiq.cabinets.repository import CabinetRepository
from agentiq.cabinets.schemas import CabinetCreate, CabinetOut, CabinetRename, CabinetTokenIn
from agentiq.deps import CurrentPrincipal, DbSession, OwnerPrincipal, RuntimeDep

router = APIRouter(prefix="/api/settings/cabinets", tags=["cabinets"])


@router.get("", response_model=list[CabinetOut])
async def list_cabinets(principal: CurrentPrincipal, db: DbSession) -> list[CabinetOut]:
    rows = await CabinetRepository(db, principal.seller_id).all()
    return [CabinetOut.model_validate(row) for row in rows]


@router.post("", response_model=CabinetOut, status_code=status.HTTP_201_CREATED)
async def add_cabinet(
    body: CabinetCreate, principal: OwnerPrincipal, db: DbSession, runtime: RuntimeDep
) -> CabinetOut:
    cabinet = await service.add_cabinet(
        db,
        runtime.secrets,
        principal.seller_id,
        name=body.name,
        token=body.token,
        is_sandbox=body.is_sandbox,
        accept_missing_access=body.accept_missing_access,
    )
    return CabinetOut.model_validate(cabinet)


@router.put("/{cabinet_id}/token", response_model=CabinetOut)
async def replace_token(
    cabinet_id: int,
    body: CabinetTokenIn,
    principal: OwnerPrincipal,
    db: DbSession,
    runtime: RuntimeDep,
) -> CabinetOut:
    """A new token for the same WB cabinet; the old one is forgotten."""
    cabinet = await service.replace_token(
        db,
        runtime.secrets,
        principal.seller_id,
        cabinet_id,
        body.token,
        accept_missing_access=body.accept_missing_access,
    )
    return CabinetOut.model_validate(cabinet)


@router.post("/{cabinet_id}/check", response_model=CabinetOut)
async def check_cabinet(
    cabinet_id: int, principal: CurrentPrincipal, db: DbSession, runtime: RuntimeDep
) -> CabinetOut:
    """Ping WB with the cabinet's token; the result is kept on the cabinet in Russian."""
    cabinet = await check.check_cabinet(db, runtime, principal.seller_id, cabinet_id)
    return CabinetOut.model_validate(cabinet)


@router.get("/{cabinet_id}", response_model=CabinetOut)
async def get_cabinet(cabinet_id: int, principal: CurrentPrincipal, db: DbSession) -> CabinetOut:
    return CabinetOut.model_validate(
        await CabinetRepository(db, principal.seller_id).get(cabinet_id)
    )


@router.patch("/{cabinet_id}", response_model=CabinetOut)
async def rename_cabinet(
    cabinet_id: int, body: CabinetRename, principal: OwnerPrincipal, db: DbSession
) -> CabinetOut:
    cabinet = await service.rename_cabinet(db, principal.seller_id, cabinet_id, body.name)
    return CabinetOut.model_validate(cabinet)


@router.delete("/{cabinet_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_cabinet(cabinet_id: int, principal: OwnerPrincipal, db: DbSession) -> None:
    await service.remove_cabinet(db, principal.seller_id, cabinet_id)
