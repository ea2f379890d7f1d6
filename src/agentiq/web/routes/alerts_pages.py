"""Оповещения (the alert feed) and Настройки → Оповещения (thresholds and delivery).

Anyone in the company sees and acknowledges alerts; only the owner changes the settings and
sends a test message. The bot token is write-only (the page says «токен сохранён»).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from agentiq.analytics import alerts as alert_service
from agentiq.analytics.alert_settings import (
    AlertSettingsIn,
    AlertThresholds,
    load_alert_settings,
    update_alert_settings,
)
from agentiq.analytics.delivery import Message, send
from agentiq.deps import CurrentPrincipal, DbSession, OwnerPrincipal, RuntimeDep
from agentiq.kit.errors import ValidationFailed
from agentiq.web.routes.common import Shell, field_errors
from agentiq.web.templating import redirect, render

router = APIRouter(include_in_schema=False)
SEVERITY = {"critical": "Срочно", "warning": "Внимание", "info": "К сведению"}
STATUS = {"open": "Новое", "acknowledged": "Принято в работу", "resolved": "Закрыто"}
DELIVERY = {
    "pending": "отправляется",
    "sending": "отправляется",
    "sent": "доставлено",
    "failed": "не доставлено",
    "not_configured": "доставка не настроена",
}
THRESHOLD_FIELDS: tuple[tuple[str, str], ...] = (
    ("overdue_items", "Просроченных сообщений — от"),
    ("due_soon_items", "Сообщений со сроком в ближайшие 2 часа — от"),
    ("manual_rate_rise_points", "Рост доли правленых черновиков за неделю, п.п. — от"),
    ("manual_rate_min_replies", "…если ответов за неделю не меньше"),
    ("stale_sync_minutes", "Нет успешной синхронизации, минут"),
    ("sync_error_rate", "Доля запусков с ошибкой (0–1) — от"),
    ("sync_error_window_runs", "…среди последних запусков"),
    ("rate_limited_runs", "Ограничение частоты WB в последних запусках"),
    ("zero_fetched_runs", "Запусков подряд без новых сообщений"),
    ("llm_failures_per_hour", "Сбоев AI-ассистента за час — от"),
)
NOTICES = {"saved": "Сохранено"}


@router.get("/alerts")
async def feed(
    request: Request, shell: Shell, db: DbSession, principal: CurrentPrincipal
) -> Response:
    repo = alert_service.AlertRepository(db, principal.seller_id)
    return render(
        request,
        "alerts.html",
        {
            **shell,
            "open": await repo.feed(resolved=False),
            "history": await repo.feed(resolved=True, limit=30),
            "severity": SEVERITY,
            "status": STATUS,
            "delivery": DELIVERY,
        },
    )


@router.post("/alerts/{alert_id}/acknowledge")
async def acknowledge(
    request: Request, alert_id: int, db: DbSession, principal: CurrentPrincipal
) -> Response:
    await alert_service.acknowledge(db, principal.seller_id, alert_id, principal.user.id)
    return redirect(request, "/alerts")


@router.post("/alerts/{alert_id}/resolve")
async def resolve(
    request: Request, alert_id: int, db: DbSession, principal: CurrentPrincipal
) -> Response:
    await alert_service.resolve(db, principal.seller_id, alert_id)
    return redirect(request, "/alerts")


async def _settings_page(
    request: Request,
    shell: dict[str, Any],
    db: DbSession,
    runtime: RuntimeDep,
    seller_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    notice: str | None = None,
    results: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    config = await load_alert_settings(db, runtime, seller_id)
    return render(
        request,
        "settings_alerts.html",
        {
            **shell,
            "section": "alerts",
            "view": config.view,
            "values": values or config.view.thresholds.model_dump(),
            "fields": THRESHOLD_FIELDS,
            "errors": errors or {},
            "notice": notice,
            "results": results,
        },
        status=status,
    )


@router.get("/settings/alerts")
async def settings_page(
    request: Request, shell: Shell, db: DbSession, runtime: RuntimeDep, principal: CurrentPrincipal
) -> Response:
    notice = NOTICES.get(request.query_params.get("done", ""))
    return await _settings_page(request, shell, db, runtime, principal.seller_id, notice=notice)


@router.post("/settings/alerts")
async def save_settings(
    request: Request, shell: Shell, db: DbSession, runtime: RuntimeDep, principal: OwnerPrincipal
) -> Response:
    form = await request.form()
    raw = {name: str(form.get(name) or "").strip() for name, _ in THRESHOLD_FIELDS}
    try:
        thresholds = AlertThresholds(**raw)
        token = str(form.get("telegram_token") or "").strip()
        changes = AlertSettingsIn(
            thresholds=thresholds,
            telegram_chat_id=str(form.get("telegram_chat_id") or ""),
            # Empty keeps the stored token; the «remove» box deletes it.
            telegram_token="" if form.get("remove_token") == "true" else (token or None),
            webhook_url=str(form.get("webhook_url") or ""),
        )
        await update_alert_settings(db, runtime, principal.seller_id, changes)
    except ValidationError as exc:
        errors = {
            str(e["loc"][0]) if e["loc"] else "form": "Укажите число в допустимых пределах"
            for e in exc.errors()
        }
        return await _settings_page(
            request, shell, db, runtime, principal.seller_id, errors=errors, values=raw, status=422
        )
    except ValidationFailed as exc:
        return await _settings_page(
            request,
            shell,
            db,
            runtime,
            principal.seller_id,
            errors=field_errors(exc),
            values=raw,
            status=422,
        )
    return redirect(request, "/settings/alerts?done=saved")


@router.post("/settings/alerts/test")
async def send_test(
    request: Request, shell: Shell, db: DbSession, runtime: RuntimeDep, principal: OwnerPrincipal
) -> Response:
    config = await load_alert_settings(db, runtime, principal.seller_id)
    results = await send(
        runtime,
        config,
        Message(
            "Проверка оповещений AgentIQ",
            "Проверка оповещений AgentIQ: если вы это читаете, доставка работает.",
            {"kind": "test", "title": "Проверка оповещений AgentIQ"},
        ),
    )
    errors = {} if results else {"form": "Укажите чат Telegram с токеном бота или адрес webhook"}
    return await _settings_page(
        request, shell, db, runtime, principal.seller_id, errors=errors, results=results
    )
