"""Per-seller alert thresholds and delivery (Telegram bot chat, webhook URL).

Stored in runtime_settings ("alerts", "config"); the bot token is encrypted at rest and never
returned. The webhook URL is a tenant-chosen URL: https on a public address only (SSRF), and
checked again at connect time by the sending client.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.kit.errors import ValidationFailed
from agentiq.kit.ssrf import check_public_url
from agentiq.runtime import Runtime
from agentiq.settings.repository import RuntimeSettingRepository

NAMESPACE, KEY = "alerts", "config"
WEBHOOK_MESSAGE = (
    "Укажите адрес https://… публичного сервера; адреса внутренней сети и http без "
    "шифрования не поддерживаются"
)


class AlertThresholds(BaseModel):
    overdue_items: int = Field(default=1, ge=1, le=100000)
    due_soon_items: int = Field(default=5, ge=1, le=100000)
    manual_rate_rise_points: float = Field(default=15.0, ge=1, le=100)
    manual_rate_min_replies: int = Field(default=20, ge=1, le=100000)
    stale_sync_minutes: int = Field(default=60, ge=5, le=10080)
    sync_error_rate: float = Field(default=0.5, gt=0, le=1)
    sync_error_window_runs: int = Field(default=10, ge=2, le=200)
    rate_limited_runs: int = Field(default=3, ge=1, le=50)
    zero_fetched_runs: int = Field(default=36, ge=2, le=1000)
    llm_failures_per_hour: int = Field(default=3, ge=1, le=10000)


class AlertSettingsView(BaseModel):
    thresholds: AlertThresholds
    telegram_chat_id: str = ""
    has_telegram_token: bool = False
    webhook_url: str = ""


class AlertSettingsIn(BaseModel):
    thresholds: AlertThresholds | None = None
    telegram_chat_id: str | None = Field(default=None, max_length=64)
    # "" removes the stored token; None keeps it.
    telegram_token: str | None = Field(default=None, max_length=200)
    webhook_url: str | None = Field(default=None, max_length=500)


class ResolvedAlertSettings(BaseModel):
    view: AlertSettingsView
    telegram_token: str | None = None


async def load_alert_settings(
    session: AsyncSession, runtime: Runtime, seller_id: int
) -> ResolvedAlertSettings:
    row = await RuntimeSettingRepository(session, seller_id).entry(NAMESPACE, KEY)
    value = dict(row.value or {}) if row is not None else {}
    token = (
        runtime.secrets.decrypt(row.value_encrypted)
        if row is not None and row.value_encrypted
        else None
    )
    view = AlertSettingsView(
        thresholds=AlertThresholds(**(value.get("thresholds") or {})),
        telegram_chat_id=str(value.get("telegram_chat_id") or ""),
        has_telegram_token=bool(token),
        webhook_url=str(value.get("webhook_url") or ""),
    )
    return ResolvedAlertSettings(view=view, telegram_token=token)


async def update_alert_settings(
    session: AsyncSession, runtime: Runtime, seller_id: int, changes: AlertSettingsIn
) -> AlertSettingsView:
    # Everything is checked before anything changes: a refused form changes nothing.
    webhook: str | None = None
    if changes.webhook_url is not None:
        url = changes.webhook_url.strip()
        if url:
            try:
                url = await check_public_url(
                    url,
                    allowed_hosts=runtime.settings.alerts_webhook_allowed_host_set,
                    field="webhook_url",
                )
            except ValidationFailed:
                raise ValidationFailed(
                    WEBHOOK_MESSAGE, details={"webhook_url": WEBHOOK_MESSAGE}
                ) from None
        webhook = url
    row = await RuntimeSettingRepository(session, seller_id).entry_or_new(NAMESPACE, KEY)
    value = dict(row.value or {})
    if webhook is not None:
        value["webhook_url"] = webhook
    if changes.thresholds is not None:
        value["thresholds"] = changes.thresholds.model_dump()
    if changes.telegram_chat_id is not None:
        chat = changes.telegram_chat_id.strip()
        if chat and not chat.lstrip("-").isdigit() and not chat.startswith("@"):
            message = "ID чата — число (например, -1001234567890) или @имя_канала"
            raise ValidationFailed(message, details={"telegram_chat_id": message})
        value["telegram_chat_id"] = chat
    if changes.telegram_token is not None:
        token = changes.telegram_token.strip()
        if token and (":" not in token or any(ch.isspace() for ch in token)):
            message = "Токен бота выглядит так: 123456789:AA… — скопируйте его из @BotFather"
            raise ValidationFailed(message, details={"telegram_token": message})
        row.value_encrypted = runtime.secrets.encrypt(token) if token else None
    row.value = value
    await session.flush()
    return (await load_alert_settings(session, runtime, seller_id)).view
