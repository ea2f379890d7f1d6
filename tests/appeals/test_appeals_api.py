"""The appeal queue, outcomes, approval rates and rating impact through the JSON API."""

from __future__ import annotations

import httpx
import pytest

from tests.appeals.conftest import add_reviews
from tests.conftest import browser_client, register

pytestmark = pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)

COURIER = "Курьер опоздал на неделю, товар целый, претензий нет."
BROKEN = "Доставили быстро, но сломался через день."
ADVERT = "Берите у магазина «Дом», пишите в телеграм @dom_shop, там дешевле."


async def _seed(app: object, seller_id: int) -> list[int]:
    return await add_reviews(
        app,
        seller_id,
        [
            (101, 5, "Отлично"),
            (101, 5, ""),
            (101, 5, "Супер"),
            (101, 4, "Хорошо"),
            (101, 1, COURIER),
            (101, 1, BROKEN),
            (202, 5, "Класс"),
            (202, 2, ADVERT),
        ],
    )


async def test_queue_proposes_only_reviews_not_about_the_product(
    app: object, client: httpx.AsyncClient
) -> None:
    ids = await register(client, "owner@example.com")
    await _seed(app, ids["seller_id"])
    queue = (await client.get("/api/appeals")).json()
    by_text = {row["review_text"]: row for row in queue}
    assert set(by_text) == {COURIER, ADVERT}
    courier = by_text[COURIER]
    assert courier["cause"] == "logistics" and courier["status"] == "proposed"
    assert courier["confidence"] >= 0.8
    assert any("Курьер" in span["words"] for span in courier["spans"])
    assert "не относится к товару" in courier["appeal_text"]
    assert courier["wb_reason"] == "Отзыв не относится к товару"
    assert courier["cabinet_url"].startswith("https://seller.wildberries.ru/")
    assert by_text[ADVERT]["cause"] == "spam"


async def test_rating_impact_then_an_approved_appeal_stops_counting(
    app: object, client: httpx.AsyncClient
) -> None:
    ids = await register(client, "owner@example.com")
    await _seed(app, ids["seller_id"])
    products = (await client.get("/api/products/impact", params={"target": "4.8"})).json()
    # 202: 7/2 = 3.5, the 2★ advert appealed → 5.0 (+1.5); 101: 21/6 = 3.5 → 20/5 = 4.0 (+0.5).
    assert [p["nm_id"] for p in products] == [202, 101]
    p202, p101 = products
    assert (p202["rating"], p202["rating_if_approved"], p202["gain"]) == (3.5, 5.0, 1.5)
    assert (p202["appeals_needed"], p202["fives_needed"]) == (1, 13)
    assert (p101["rating"], p101["rating_if_approved"], p101["gain"]) == (3.5, 4.0, 0.5)
    assert (p101["appeals_needed"], p101["fives_needed"]) == (None, 39)

    detail = (await client.get("/api/products/101/impact")).json()
    shifts = {n["text"]: (n["shift"], n["appealable"]) for n in detail["negatives"]}
    assert shifts == {COURIER: (0.5, True), BROKEN: (0.5, False)}

    queue = (await client.get("/api/appeals")).json()
    courier = next(row for row in queue if row["review_text"] == COURIER)
    url = f"/api/appeals/{courier['id']}/outcome"
    assert (await client.post(url, json={"status": "approved"})).status_code == 422
    submitted = await client.post(url, json={"status": "submitted", "on": "2026-01-10"})
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["submitted_at"].startswith("2026-01-10")
    approved = (await client.post(url, json={"status": "approved"})).json()
    assert approved["status"] == "approved" and approved["decided_at"]

    after = (await client.get("/api/products/101/impact")).json()
    assert after["rating"] == 4.0 and after["reviews_counted"] == 5
    rates = {r["cause"]: r for r in (await client.get("/api/appeals/rates")).json()}
    assert rates["logistics"]["approved"] == 1 and rates["logistics"]["approval_rate"] == 1.0
    assert rates["spam"]["approval_rate"] is None


async def test_a_product_complaint_cannot_be_put_in_the_queue(
    app: object, client: httpx.AsyncClient
) -> None:
    ids = await register(client, "owner@example.com")
    await _seed(app, ids["seller_id"])
    await client.get("/api/appeals")
    runtime = app.state.runtime  # type: ignore[attr-defined]
    from sqlalchemy import select

    from agentiq.models import ReviewCause

    async with runtime.sessionmaker() as session:
        defect_id = await session.scalar(
            select(ReviewCause.id).where(ReviewCause.cause == "defect")
        )
    response = await client.post(f"/api/appeals/{defect_id}/outcome", json={"status": "proposed"})
    assert response.status_code == 422
    assert "обжаловать его нельзя" in response.text


async def test_another_sellers_appeal_answers_404(app: object, client: httpx.AsyncClient) -> None:
    ids = await register(client, "owner@example.com")
    await _seed(app, ids["seller_id"])
    queue = (await client.get("/api/appeals")).json()
    async with browser_client(app) as other:
        await register(other, "other@example.com", "Другой")
        assert (await other.get("/api/appeals")).json() == []
        response = await other.post(
            f"/api/appeals/{queue[0]['id']}/outcome", json={"status": "submitted"}
        )
        assert response.status_code == 404
        assert (await other.get("/api/products/101/impact")).status_code == 404


async def test_negatives_sorted_by_their_weight_on_the_rating(
    app: object, client: httpx.AsyncClient
) -> None:
    ids = await register(client, "owner@example.com")
    await add_reviews(
        app,
        ids["seller_id"],
        [(7, 5, "Да"), (7, 5, "Да"), (7, 1, COURIER)] + [(8, 5, "Да")] * 7 + [(8, 2, BROKEN)],
    )
    rows = (await client.get("/api/products/negatives")).json()
    # 7: 11/3 = 3.667 → 10/2 = 5.0 (+1.333); 8: 37/8 = 4.625 → 35/7 = 5.0 (+0.375).
    assert [(r["nm_id"], r["shift"]) for r in rows] == [(7, 1.333), (8, 0.375)]
    page = (await client.get("/ratings/negatives")).text
    assert page.index("+1.333") < page.index("+0.375")
