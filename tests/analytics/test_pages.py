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
    assert "Оценка / доп. источник" not in full.text
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
