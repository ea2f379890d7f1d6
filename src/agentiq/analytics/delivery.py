"""Alert delivery beyond the page: the seller's Telegram bot chat and/or webhook URL.

Each new alert is delivered once: claimed (pending → sending) by a conditional UPDATE, sent,
then marked sent; a failure is retried with backoff, then marked failed. The webhook goes
through the public-only client (no redirects, no private addresses, checked per connection).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from agentiq.analytics.alert_settings import ResolvedAlertSettings, load_alert_settings
from agentiq.db import unit_of_work
from agentiq.kit.ssrf import public_only_client
from agentiq.kit.time import utcnow
from agentiq.models import OpsAlert
from agentiq.runtime import Runtime

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BASE_BACKOFF_S = 30.0
TIMEOUT_S = 10.0
SEVERITY = {"critical": "Срочно", "warning": "Внимание", "info": "К сведению"}


@dataclass
class Message:
    title: str
    text: str
    payload: dict[str, Any]


def message_for(alert: OpsAlert, base_url: str) -> Message:
    link = f"{base_url.rstrip('/')}{alert.link}" if alert.link else ""
    text = "\n".join(
        x
        for x in (
            f"{SEVERITY.get(alert.severity, '')}: {alert.title}",
            alert.detail,
            alert.action,
            link,
        )
        if x
    )
    payload = {
        "id": alert.id,
        "kind": alert.kind,
        "severity": alert.severity,
        "title": alert.title,
        "detail": alert.detail,
        "action": alert.action,
        "link": link,
        "since": alert.first_seen_at.isoformat(),
        "figures": alert.figures,
    }
    return Message(alert.title, text, payload)


async def send(runtime: Runtime, config: ResolvedAlertSettings, message: Message) -> dict[str, str]:
    """Send to every configured channel; {channel: "ok" | Russian error}. Raises nothing."""
    results: dict[str, str] = {}
    view = config.view
    if config.telegram_token and view.telegram_chat_id:
        base = runtime.settings.telegram_api_base.rstrip("/")
        url = f"{base}/bot{config.telegram_token}/sendMessage"
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT_S, trust_env=False) as client:
                r = await client.post(
                    url, json={"chat_id": view.telegram_chat_id, "text": message.text}
                )
            ok = r.status_code == 200 and bool(r.json().get("ok"))
            results["telegram"] = "ok" if ok else f"Telegram ответил ошибкой ({r.status_code})"
        except (httpx.HTTPError, ValueError):
            results["telegram"] = "Telegram недоступен"
    if view.webhook_url:
        try:
            async with public_only_client(
                timeout=TIMEOUT_S, allowed_hosts=runtime.settings.alerts_webhook_allowed_host_set
            ) as client:
                r = await client.post(view.webhook_url, json=message.payload)
            results["webhook"] = (
                "ok" if 200 <= r.status_code < 300 else f"Адрес ответил {r.status_code}"
            )
        except httpx.HTTPError:
            results["webhook"] = "Адрес недоступен"
    return results


async def deliver_pending(runtime: Runtime, seller_id: int) -> int:
    """Deliver the seller's new alerts that are due; returns how many were delivered."""
    now = utcnow()
    async with unit_of_work(runtime.sessionmaker) as session:
        config = await load_alert_settings(session, runtime, seller_id)
        ids = list(
            (
                await session.scalars(
                    select(OpsAlert.id).where(
                        OpsAlert.seller_id == seller_id,
                        OpsAlert.delivery_state == "pending",
                        (OpsAlert.delivery_next_at.is_(None)) | (OpsAlert.delivery_next_at <= now),
                    )
                )
            ).all()
        )
        if ids and not (
            config.view.webhook_url or (config.telegram_token and config.view.telegram_chat_id)
        ):
            await session.execute(
                update(OpsAlert).where(OpsAlert.id.in_(ids)).values(delivery_state="not_configured")
            )
            return 0
    delivered = 0
    for alert_id in ids:
        async with unit_of_work(runtime.sessionmaker) as session:
            claimed = await session.execute(
                update(OpsAlert)
                .where(OpsAlert.id == alert_id, OpsAlert.delivery_state == "pending")
                .values(delivery_state="sending")
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue
            alert = await session.get(OpsAlert, alert_id)
            assert alert is not None
            message = message_for(alert, runtime.settings.base_url)
        results = await send(runtime, config, message)
        failed = {k: v for k, v in results.items() if v != "ok"}
        async with unit_of_work(runtime.sessionmaker) as session:
            alert = await session.get(OpsAlert, alert_id)
            assert alert is not None
            alert.delivery_attempts += 1
            if not failed:
                alert.delivery_state, alert.delivery_error = "sent", None
                delivered += 1
            elif alert.delivery_attempts >= MAX_ATTEMPTS:
                alert.delivery_state, alert.delivery_error = "failed", "; ".join(failed.values())
            else:
                alert.delivery_state = "pending"
                alert.delivery_error = "; ".join(failed.values())
                backoff = BASE_BACKOFF_S * 2 ** (alert.delivery_attempts - 1)
                alert.delivery_next_at = utcnow() + timedelta(seconds=backoff)
    return delivered
