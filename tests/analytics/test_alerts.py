"""Ops alerts: each kind raised by a constructed situation against the emulator, delivered
exactly once to a local fake Telegram / webhook server, acknowledged and resolved."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from agentiq.analytics.alert_settings import (
    AlertSettingsIn,
    AlertThresholds,
    update_alert_settings,
)
from agentiq.analytics.alerts import Situation, apply, evaluate
from agentiq.analytics.delivery import deliver_pending
from agentiq.analytics.facts import Fact, record_many
from agentiq.analytics.tasks import run_alerts_for
from agentiq.config import Settings, load_settings
from agentiq.db import unit_of_work
from agentiq.emulator.faults import FaultConfig
from agentiq.ingestion.tasks import run_sync_cabinet
from agentiq.kit.time import utcnow
from agentiq.models import Interaction, OpsAlert
from agentiq.replies.service import submit_reply
from agentiq.replies.tasks import dispatch_due
from agentiq.runtime import Runtime
from tests.conftest import browser_client, register
from tests.fakes.fake_alert_sink import FakeAlertSink
from tests.ingestion.conftest import make_cabinet
from tests.marketplaces.conftest import RunningEmulator

TOKEN = "123456:TEST-token"
GOOD = "Анна, спасибо за отзыв! Рады, что товар подошёл. Ждём вас снова в нашем магазине."


@pytest.fixture
def sink() -> Iterator[FakeAlertSink]:
    with FakeAlertSink() as fake:
        yield fake


@pytest.fixture
def settings(tmp_path: Path, db_url: str, sink: FakeAlertSink) -> Settings:
    return load_settings(
        environment="test",
        var_dir=tmp_path,
        database_url=db_url,
        secret_key="test-secret-key-" + "x" * 32,
        scheduler_enabled=False,
        emulator_enabled=False,
        log_json=False,
        telegram_api_base=sink.base_url,
        alerts_webhook_allowed_hosts="127.0.0.1",
    )


async def _kinds(runtime: Runtime, seller_id: int, **kw: object) -> dict[str, OpsAlert]:
    async with unit_of_work(runtime.sessionmaker) as s:
        rows = await s.scalars(
            select(OpsAlert).where(OpsAlert.seller_id == seller_id, OpsAlert.status != "resolved")
        )
        return {a.key: a for a in rows}


async def _configure(
    runtime: Runtime, seller_id: int, sink: FakeAlertSink, **thresholds: object
) -> None:
    async with unit_of_work(runtime.sessionmaker) as s:
        await update_alert_settings(
            s,
            runtime,
            seller_id,
            AlertSettingsIn(
                thresholds=AlertThresholds(**thresholds),  # type: ignore[arg-type]
                telegram_chat_id="-100500",
                telegram_token=TOKEN,
                webhook_url=f"{sink.base_url}/hook",
            ),
        )


@pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)
async def test_sync_alerts_raised_delivered_once_and_resolved(
    runtime: Runtime, sync_wb: RunningEmulator, sink: FakeAlertSink
) -> None:
    emulated = sync_wb.emulator.add_seller("Алерты", seed=777, feedbacks=40, questions=20, chats=4)
    seller_id, cabinet_id = await make_cabinet(runtime, emulated.token)
    await _configure(runtime, seller_id, sink, due_soon_items=10_000, sync_error_window_runs=3)

    report = await run_sync_cabinet(runtime, seller_id, cabinet_id, full=True)
    assert report is not None and report.ok
    await run_alerts_for(runtime, seller_id)
    alerts = await _kinds(runtime, seller_id)
    # The demo history holds old unanswered items: overdue now. Sync itself is healthy.
    assert "sla_overdue" in alerts
    assert not [k for k in alerts if k.startswith("sync_")]
    first_wave = len(alerts)
    assert len(sink.sent("telegram")) == first_wave and len(sink.sent("webhook")) == first_wave
    assert sink.sent("telegram")[0]["token"] == TOKEN
    assert sink.sent("telegram")[0]["body"]["chat_id"] == "-100500"

    # WB answers 429 to a share of requests: the runs wait for the rate limit.
    sync_wb.emulator.set_faults(emulated.seller_id, FaultConfig(error_rate={429: 0.5}))
    await run_sync_cabinet(runtime, seller_id, cabinet_id, full=True)
    await run_alerts_for(runtime, seller_id)
    alerts = await _kinds(runtime, seller_id)
    assert any(k.startswith(f"sync_rate_limited:{cabinet_id}:") for k in alerts)

    # WB fails every request: runs end in errors; an hour later nothing fresh arrived.
    sync_wb.emulator.set_faults(emulated.seller_id, FaultConfig(error_rate={500: 1.0}))
    for _ in range(3):
        await run_sync_cabinet(runtime, seller_id, cabinet_id)
    await run_alerts_for(runtime, seller_id)
    alerts = await _kinds(runtime, seller_id)
    assert f"sync_errors:{cabinet_id}:review" in alerts
    async with unit_of_work(runtime.sessionmaker) as s:
        later = utcnow() + timedelta(minutes=61)
        found = await evaluate(s, seller_id, AlertThresholds(sync_error_window_runs=3), later)
        opened = await apply(s, seller_id, found, later)
    assert f"sync_stale:{cabinet_id}:review" in {a.key for a in opened}
    await deliver_pending(runtime, seller_id)

    # Each alert reached each channel exactly once, however many runs saw it.
    await run_alerts_for(runtime, seller_id)
    titles = [r["body"]["title"] for r in sink.sent("webhook")]
    assert len(titles) == len(set(r["body"]["id"] for r in sink.sent("webhook")))
    assert len(sink.sent("telegram")) == len(sink.sent("webhook"))

    # WB healthy again: the sync alerts resolve themselves at the next run.
    sync_wb.emulator.set_faults(emulated.seller_id, FaultConfig())
    for _ in range(3):
        await run_sync_cabinet(runtime, seller_id, cabinet_id)
    await run_alerts_for(runtime, seller_id)
    alerts = await _kinds(runtime, seller_id)
    assert not [k for k in alerts if k.startswith(("sync_errors", "sync_stale"))]


async def test_manual_rate_dispatch_and_delivery_retry(
    runtime: Runtime, sync_wb: RunningEmulator, sink: FakeAlertSink
) -> None:
    emulated = sync_wb.emulator.add_seller("Правки", seed=778, feedbacks=60, questions=10, chats=2)
    seller_id, cabinet_id = await make_cabinet(runtime, emulated.token)
    await _configure(
        runtime,
        seller_id,
        sink,
        manual_rate_min_replies=3,
        overdue_items=10_000,
        due_soon_items=10_000,
    )
    assert (await run_sync_cabinet(runtime, seller_id, cabinet_id, full=True)).ok  # type: ignore[union-attr]

    # Last week: drafts went out as written (the baseline, as facts dated last week).
    week_ago = utcnow() - timedelta(days=8)
    async with unit_of_work(runtime.sessionmaker) as s:
        await record_many(
            s,
            seller_id,
            [
                Fact(
                    "reply_sent",
                    "review",
                    "demo",
                    week_ago,
                    outcome="accepted",
                    connection_id=cabinet_id,
                )
            ]
            * 4,
        )
    # This week: operators rewrite the drafts before sending (real replies).
    async with unit_of_work(runtime.sessionmaker) as s:
        ids = list(
            (
                await s.scalars(
                    select(Interaction.id)
                    .where(
                        Interaction.seller_id == seller_id,
                        Interaction.channel == "review",
                        Interaction.needs_response.is_(True),
                    )
                    .limit(3)
                )
            ).all()
        )
    assert len(ids) == 3
    for item_id in ids:
        async with unit_of_work(runtime.sessionmaker) as s:
            await submit_reply(s, runtime, seller_id, item_id, GOOD, user_id=None)
    sink.fail_next(1)  # the first delivery attempt fails and is retried
    await run_alerts_for(runtime, seller_id)
    alerts = await _kinds(runtime, seller_id)
    assert "manual_rate" in alerts
    alert = alerts["manual_rate"]
    assert alert.delivery_state == "pending" and alert.delivery_attempts == 1
    async with unit_of_work(runtime.sessionmaker) as s:  # the backoff is over
        await s.execute(
            update(OpsAlert).where(OpsAlert.id == alert.id).values(delivery_next_at=utcnow())
        )
    assert await deliver_pending(runtime, seller_id) == 1
    assert await deliver_pending(runtime, seller_id) == 0
    assert (await _kinds(runtime, seller_id))["manual_rate"].delivery_state == "sent"

    # A reply WB never shows (wrong id): the dispatcher marks it failed → dispatch alert.
    async with unit_of_work(runtime.sessionmaker) as s:
        bogus = Interaction(
            seller_id=seller_id,
            connection_id=cabinet_id,
            channel="review",
            external_id="NoSuchFeedbackId0000",
            text="Ок",
            rating=5,
            occurred_at=utcnow(),
            source="demo",
        )
        s.add(bogus)
        await s.flush()
        await submit_reply(s, runtime, seller_id, bogus.id, GOOD, user_id=None)
    result = await dispatch_due(runtime)
    assert result.get("failed") == 1
    await run_alerts_for(runtime, seller_id)
    assert "dispatch_failed" in await _kinds(runtime, seller_id)


async def test_alert_api_settings_and_tenancy(
    app: object, client: httpx.AsyncClient, sink: FakeAlertSink
) -> None:
    ids = await register(client, "owner@example.com")
    runtime = app.state.runtime  # type: ignore[attr-defined]
    async with unit_of_work(runtime.sessionmaker) as s:
        await apply(
            s,
            ids["seller_id"],
            [
                Situation(
                    "dispatch_failed",
                    "dispatch_failed",
                    "critical",
                    "Ответы не дошли до WB: 1",
                    "",
                    "",
                )
            ],
        )
    feed = (await client.get("/api/alerts")).json()
    alert_id = feed["open"][0]["id"]
    r = await client.post(f"/api/alerts/{alert_id}/acknowledge")
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"

    # Webhook URLs are hostile input: private addresses and plain http are refused.
    for url in (
        "http://169.254.169.254/latest/meta-data",
        "https://10.0.0.7/hook",
        "https://user:pw@example.com/",
    ):
        r = await client.put("/api/settings/alerts", json={"webhook_url": url})
        assert r.status_code == 422, url
        assert "внутренней сети" in r.text
    r = await client.put(
        "/api/settings/alerts",
        json={
            "webhook_url": f"{sink.base_url}/hook",
            "telegram_chat_id": "-1001",
            "telegram_token": TOKEN,
        },
    )
    assert r.status_code == 200 and r.json()["has_telegram_token"] is True
    assert TOKEN not in r.text  # the token is never echoed
    r = await client.post("/api/settings/alerts/test")
    assert r.json() == {"telegram": "ok", "webhook": "ok"}
    assert len(sink.requests) == 2

    async with browser_client(app) as other:
        await register(other, "other@example.com")
        assert (await other.post(f"/api/alerts/{alert_id}/resolve")).status_code == 404
        assert (await other.get("/api/alerts")).json()["open"] == []
    r = await client.post(f"/api/alerts/{alert_id}/resolve")
    assert r.json()["status"] == "resolved"
    assert (await client.get("/api/alerts")).json()["history"][0]["id"] == alert_id
    r = await client.put("/api/settings/alerts", json={"telegram_chat_id": "мой чат"})
    assert r.status_code == 422 and "ID чата" in r.text
