"""JSON API: "sync now" for a cabinet and its sync status with the latest runs."""

from __future__ import annotations

from fastapi import APIRouter, status

from agentiq.cabinets.repository import CabinetRepository
from agentiq.deps import CurrentPrincipal, DbSession, RuntimeDep
from agentiq.ingestion.repository import (
    SyncRunRepository,
    SyncStateRepository,
)
from agentiq.ingestion.schemas import ChannelStateOut, SyncRunOut, SyncStatusOut
from agentiq.ingestion.service import effective_status
from agentiq.ingestion.tasks import request_sync
from agentiq.kit.errors import Forbidden

router = APIRouter(prefix="/api/settings/cabinets", tags=["sync"])


async def _status(db: DbSession, seller_id: int, cabinet_id: int) -> SyncStatusOut:
    cabinet = await CabinetRepository(db, seller_id).get(cabinet_id)
    sync_status, sync_error = effective_status(cabinet)
    states = await SyncStateRepository(db, seller_id).all_for(cabinet_id)
    runs = await SyncRunRepository(db, seller_id).latest(cabinet_id)
    return SyncStatusOut(
        cabinet_id=cabinet.id,
        sync_status=sync_status,
        sync_error=sync_error,
        last_sync_at=cabinet.last_sync_at,
        channels=[ChannelStateOut.model_validate(s) for s in states],
        runs=[SyncRunOut.model_validate(r) for r in runs],
    )


@router.get("/{cabinet_id}/sync", response_model=SyncStatusOut)
async def sync_status(cabinet_id: int, principal: CurrentPrincipal, db: DbSession) -> SyncStatusOut:
    return await _status(db, principal.seller_id, cabinet_id)


@router.post(
    "/{cabinet_id}/sync", response_model=SyncStatusOut, status_code=status.HTTP_202_ACCEPTED
)
async def sync_now(
    cabinet_id: int,
    principal: CurrentPrincipal,
    db: DbSession,
    runtime: RuntimeDep,
    full: bool = False,
) -> SyncStatusOut:
    # Any member may ask for a fresh sync (the inbox banner's «Повторить»); re-reading the
    # whole history is heavy, so only an owner may ask for that.
    if full and not principal.access.is_owner:
        raise Forbidden(
            "Полную пересинхронизацию может запустить только владелец", code="owner_only"
        )
    out = await _status(db, principal.seller_id, cabinet_id)
    # None when it is already running: the per-channel locks would skip it anyway.
    out.started = await request_sync(db, runtime, principal.seller_id, cabinet_id, full=full)
    if out.started is not None:
        out.sync_status = "queued"
    return out
