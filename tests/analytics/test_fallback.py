"""The fallback provider: a WB-cabinet review export (CSV/XLSX) becomes `fallback` facts,
with an error per bad row; rows the API already covers are skipped; re-import counts once."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from openpyxl import Workbook

from agentiq.analytics.backfill import backfill_seller
from agentiq.db import unit_of_work
from agentiq.kit.time import utcnow
from agentiq.models import Interaction
from tests.conftest import register


def export_csv(rows: list[tuple[str, str, str, str]]) -> bytes:
    lines = ["Дата;Артикул WB;Оценка;Текст отзыва;Дата ответа"]
    lines += [f"{d};{nm};{r};Текст;{a}" for d, nm, r, a in rows]
    return "\n".join(lines).encode("utf-8-sig")


async def test_csv_import_errors_per_row_api_overlap_and_reimport(
    app: Any, client: httpx.AsyncClient
) -> None:
    ids = await register(client, "owner@example.com")
    runtime = app.state.runtime
    today = utcnow().date()
    api_day = today - timedelta(days=5)
    async with unit_of_work(runtime.sessionmaker) as s:  # the API's first review: 5 days ago
        s.add(
            Interaction(
                seller_id=ids["seller_id"],
                channel="review",
                external_id="api-1",
                rating=5,
                source="wb_api",
                occurred_at=datetime.combine(api_day, datetime.min.time(), UTC),
            )
        )
        await s.flush()
        await backfill_seller(s, ids["seller_id"])  # its facts, as the sync would have written
    d = lambda n: (today - timedelta(days=n)).strftime("%d.%m.%Y")  # noqa: E731
    data = export_csv(
        [
            (f"{d(20)} 10:00", "111", "2", f"{d(20)} 10:30"),  # answered in 30 min
            (f"{d(20)} 11:00", "111", "5", ""),
            (f"{d(19)} 09:00", "222", "семь", ""),  # bad rating
            ("вчера", "222", "4", ""),  # bad date
            (f"{d(1)} 09:00", "333", "1", ""),  # the API has this period
        ]
    )
    r = await client.post(
        "/api/analytics/fallback/reviews", files={"file": ("feedbacks.csv", data, "text/csv")}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["imported"] == 2 and body["covered_by_api"] == 1
    assert [e["row"] for e in body["errors"]] == [4, 5]
    assert "оценка" in body["errors"][0]["message"] and "дата" in body["errors"][1]["message"]

    day = (today - timedelta(days=20)).isoformat()
    figures = (
        await client.get("/api/analytics/communication", params={"date_from": day, "date_to": day})
    ).json()
    assert figures["kpis"]["received"]["value"] == 2
    assert figures["kpis"]["received"]["source"] == "fallback"
    assert figures["by_channel"]["review"]["first_response_median"]["value"] == 30
    assert figures["kpis"]["answered_share"]["value"] == 0.5

    # The same file again: counted once.
    await client.post(
        "/api/analytics/fallback/reviews", files={"file": ("feedbacks.csv", data, "text/csv")}
    )
    again = (
        await client.get("/api/analytics/communication", params={"date_from": day, "date_to": day})
    ).json()
    assert again["kpis"]["received"]["value"] == 2

    # A whole period: API and file together are labelled mixed.
    both = (await client.get("/api/analytics/communication", params={"days": 30})).json()
    assert both["kpis"]["received"]["source"] == "mixed"

    # XLSX works the same; something that is not an export is one clear message.
    wb = Workbook()
    ws = wb.active
    ws.append(["Дата", "Артикул WB", "Оценка"])
    ws.append([datetime.combine(today - timedelta(days=40), datetime.min.time()), 444, 3])
    buf = io.BytesIO()
    wb.save(buf)
    r = await client.post(
        "/api/analytics/fallback/reviews",
        files={"file": ("f.xlsx", buf.getvalue(), "application/octet-stream")},
    )
    assert r.status_code == 200 and r.json()["imported"] == 1
    r = await client.post(
        "/api/analytics/fallback/reviews",
        files={"file": ("x.csv", b"name;price\nA;1\n", "text/csv")},
    )
    assert r.status_code == 422 and "Оценка" in r.text
    r = await client.post(
        "/api/analytics/fallback/reviews",
        files={"file": ("x.xlsx", b"not a zip", "application/octet-stream")},
    )
    assert r.status_code == 422 and "XLSX" in r.text

    page = await client.post(
        "/analytics/import",
        files={"file": ("feedbacks.csv", data, "text/csv")},
        data={"csrf_token": "x"},
    )
    assert page.status_code == 200 and "Строки с ошибками: 2" in page.text
