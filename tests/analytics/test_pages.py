"""Главная and Аналитика render for a new seller and with figures; bad input is a message."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from agentiq.analytics.facts import Fact, record_many
from agentiq.cabinets.service import add_cabinet
from agentiq.db import unit_of_work
from agentiq.kit.time import utcnow
from tests.conftest import register, wb_like_token


async def test_home_checklist_ticks_itself_and_analytics_renders(
    app: Any, client: httpx.AsyncClient
) -> None:
    ids = await register(client, "owner@example.com")
    home = await client.get("/home")
    assert home.status_code == 200
    assert "Настройте AgentIQ" in home.text and "0 из 3" in home.text
    assert "Требуют внимания" in home.text

    runtime = app.state.runtime
    async with unit_of_work(runtime.sessionmaker) as s:
        cab = await add_cabinet(
            s, runtime.secrets, ids["seller_id"], name="WB", token=wb_like_token()
        )
        await s.flush()
        now = utcnow()
        await record_many(
            s,
            ids["seller_id"],
            [
                Fact(
                    "received",
                    "review",
                    "fallback",
                    now - timedelta(days=3),
                    connection_id=cab.id,
                    rating=2,
                ),
                Fact("received", "review", "wb_api", now, connection_id=cab.id, rating=5),
            ],
        )
    home = await client.get("/home")
    assert "1 из 3" in home.text  # «Подключить Wildberries» is done by itself

    for mode in ("ops", "full"):
        page = await client.get("/analytics", params={"mode": mode, "days": 7})
        assert page.status_code == 200
        assert "<script>" not in page.text  # data goes in data-attributes, code in static files
        assert 'src="/static/vendor/chart.umd.min.js"' in page.text
        assert "Смешанные источники" in page.text  # fallback + API in one period
    full = await client.get("/analytics", params={"mode": "full", "days": 7})
    for chart in ("chart-speed", "chart-quality", "chart-volume", "chart-ratings"):
        assert f'id="{chart}"' in full.text
    assert "badge-fallback" not in full.text
    # The day with only the file-export review: its figures carry the fallback badge.
    day = (now - timedelta(days=3)).date().isoformat()
    only_file = await client.get(
        "/analytics", params={"mode": "full", "date_from": day, "date_to": day}
    )
    assert (
        "Оценка / доп. источник" in only_file.text and "Смешанные источники" not in only_file.text
    )

    bad = await client.get(
        "/analytics", params={"date_from": "2026-05-10", "date_to": "2026-05-01"}
    )
    assert bad.status_code == 200 and "Дата конца раньше даты начала" in bad.text
    bad = await client.get("/analytics", params={"date_from": "вчера", "date_to": "2026-05-01"})
    assert bad.status_code == 200 and "ГГГГ-ММ-ДД" in bad.text

    assert (await client.get("/")).headers["location"] == "/home"


async def test_alert_feed_badge_and_settings_pages(app: Any, client: httpx.AsyncClient) -> None:
    from agentiq.analytics.alerts import Situation, apply

    ids = await register(client, "owner@example.com")
    runtime = app.state.runtime
    async with unit_of_work(runtime.sessionmaker) as s:
        await apply(
            s,
            ids["seller_id"],
            [
                Situation(
                    "sla_overdue",
                    "sla_overdue",
                    "critical",
                    "Просрочено сообщений: 4",
                    "Срок ответа уже прошёл.",
                    "Ответьте на просроченные.",
                    "/inbox",
                )
            ],
        )
    page = await client.get("/home")
    assert 'class="nav-badge"' in page.text and "Просрочено сообщений: 4" in page.text
    feed = await client.get("/alerts")
    assert "Просрочено сообщений: 4" in feed.text and "Принять в работу" in feed.text
    alert_id = int(feed.text.split('id="alert-')[1].split('"')[0])
    r = await client.post(f"/alerts/{alert_id}/acknowledge", data={"csrf_token": "x"})
    assert r.status_code == 303
    feed = await client.get("/alerts")
    assert "Принято в работу" in feed.text and 'class="nav-badge"' not in feed.text

    settings_page = await client.get("/settings/alerts")
    assert settings_page.status_code == 200 and "Когда оповещать" in settings_page.text
    form = {
        name: "1"
        for name in (
            "overdue_items",
            "due_soon_items",
            "manual_rate_min_replies",
            "stale_sync_minutes",
            "sync_error_window_runs",
            "rate_limited_runs",
            "zero_fetched_runs",
            "llm_failures_per_hour",
        )
    }
    form |= {
        "manual_rate_rise_points": "10",
        "sync_error_rate": "0.5",
        "sync_error_window_runs": "5",
        "stale_sync_minutes": "30",
        "zero_fetched_runs": "10",
    }
    bad = await client.post(
        "/settings/alerts", data={**form, "webhook_url": "http://192.168.0.1/x"}
    )
    assert bad.status_code == 422 and "внутренней сети" in bad.text
    bad = await client.post("/settings/alerts", data={**form, "overdue_items": "много"})
    assert bad.status_code == 422 and "допустимых пределах" in bad.text
    ok = await client.post("/settings/alerts", data=form)
    assert ok.status_code == 303
    assert (await client.get("/api/settings/alerts")).json()["thresholds"][
        "stale_sync_minutes"
    ] == 30
