"""JSON API of ops alerts (/api/alerts) and their settings (/api/settings/alerts)."""

from __future__ import annotations

from fastapi import APIRouter

from agentiq.analytics import alerts
from agentiq.analytics.alert_settings import (
    AlertSettingsIn,
    AlertSettingsView,
    load_alert_settings,
    update_alert_settings,
)
from agentiq.analytics.delivery import Message, send
from agentiq.analytics.schemas import AlertFeed, AlertOut
from agentiq.deps import CurrentPrincipal, DbSession, OwnerPrincipal, RuntimeDep
from agentiq.kit.errors import ValidationFailed

router = APIRouter(tags=["alerts"])


@router.get("/api/alerts", response_model=AlertFeed)
async def feed(db: DbSession, principal: CurrentPrincipal) -> AlertFeed:
    repo = alerts.AlertRepository(db, principal.seller_id)
    return AlertFeed(
        open=[AlertOut.model_validate(a) for a in await repo.feed(resolved=False)],
        history=[AlertOut.model_validate(a) for a in await repo.feed(resolved=True)],
    )


@router.post("/api/alerts/{alert_id}/acknowledge", response_model=AlertOut)
async def acknowledge(alert_id: int, db: DbSession, principal: CurrentPrincipal) -> AlertOut:
    alert = await alerts.acknowledge(db, principal.seller_id, alert_id, principal.user.id)
    return AlertOut.model_validate(alert)


@router.post("/api/alerts/{alert_id}/resolve", response_model=AlertOut)
async def resolve(alert_id: int, db: DbSession, principal: CurrentPrincipal) -> AlertOut:
    return AlertOut.model_validate(await alerts.resolve(db, principal.seller_id, alert_id))


@router.get("/api/settings/alerts", response_model=AlertSettingsView)
async def get_settings(
    db: DbSession, runtime: RuntimeDep, principal: CurrentPrincipal
) -> AlertSettingsView:
    return (await load_alert_settings(db, runtime, principal.seller_id)).view


@router.put("/api/settings/alerts", response_model=AlertSettingsView)
async def put_settings(
    body: AlertSettingsIn, db: DbSession, runtime: RuntimeDep, principal: OwnerPrincipal
) -> AlertSettingsView:
    return await update_alert_settings(db, runtime, principal.seller_id, body)


@router.post("/api/settings/alerts/test")
async def test_delivery(
    db: DbSession, runtime: RuntimeDep, principal: OwnerPrincipal
) -> dict[str, str]:
    """Send a test message to every configured channel now; {channel: "ok" | error}."""
    config = await load_alert_settings(db, runtime, principal.seller_id)
    message = Message(
        "Проверка оповещений AgentIQ",
        "Проверка оповещений AgentIQ: если вы это читаете, доставка работает.",
        {"kind": "test", "title": "Проверка оповещений AgentIQ"},
    )
    results = await send(runtime, config, message)
    if not results:
        message_ru = "Укажите чат Telegram с токеном бота или адрес webhook"
        raise ValidationFailed(message_ru, details={"form": message_ru})
    return results
