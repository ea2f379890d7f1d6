"""JSON API: Settings → AI-ассистент and auto-answer."""

from __future__ import annotations

from fastapi import APIRouter

from agentiq.deps import CurrentPrincipal, DbSession, OwnerPrincipal, RuntimeDep
from agentiq.settings import service
from agentiq.settings.schemas import AISettingsIn, AISettingsOut, AutoAnswerSettings

router = APIRouter(prefix="/api/settings", tags=["settings"])


@router.get("/ai", response_model=AISettingsOut)
async def get_ai_settings(
    principal: CurrentPrincipal, db: DbSession, runtime: RuntimeDep
) -> AISettingsOut:
    return (await service.load_ai_settings(db, runtime, principal.seller_id)).view


@router.put("/ai", response_model=AISettingsOut)
async def put_ai_settings(
    body: AISettingsIn, principal: OwnerPrincipal, db: DbSession, runtime: RuntimeDep
) -> AISettingsOut:
    return await service.update_ai_settings(db, runtime, principal.seller_id, body)


@router.get("/auto-answer", response_model=AutoAnswerSettings)
async def get_auto_answer(principal: CurrentPrincipal, db: DbSession) -> AutoAnswerSettings:
    return await service.load_auto_answer(db, principal.seller_id)


@router.put("/auto-answer", response_model=AutoAnswerSettings)
async def put_auto_answer(
    body: AutoAnswerSettings, principal: OwnerPrincipal, db: DbSession
) -> AutoAnswerSettings:
    return await service.update_auto_answer(db, principal.seller_id, body)
