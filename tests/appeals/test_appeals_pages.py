"""The «Обжалование» and «Рейтинг товаров» pages: marks, outcomes by form, impact figures."""

from __future__ import annotations

import re

import httpx

from tests.appeals.conftest import add_reviews
from tests.conftest import register

COURIER = "Курьер опоздал на неделю, товар целый. <script>alert(1)</script>"


async def test_queue_page_marks_the_reason_and_records_an_outcome(
    app: object, client: httpx.AsyncClient
) -> None:
    ids = await register(client, "owner@example.com")
    await add_reviews(app, ids["seller_id"], [(5, 5, "Отлично"), (5, 1, COURIER), (5, 1, "Брак")])
    page = await client.get("/appeals")
    assert page.status_code == 200
    html = page.text
    assert "<mark>Курьер опоздал</mark>" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "Открыть в кабинете WB" in html and "Доставка и пункт выдачи" in html
    assert "Брак" not in re.sub(r"<[^>]+>", "", html.split('class="panel appeal"', 1)[1])
    assert "+0.67" in html  # (5 + 1 + 1) / 3 = 2.33 → (5 + 1) / 2 = 3.00
    appeal_id = re.search(r'id="appeal-(\d+)"', html).group(1)  # type: ignore[union-attr]

    bad = await client.post(
        f"/appeals/{appeal_id}/outcome", data={"status": "submitted", "on": "2099-01-01"}
    )
    assert "Дата не может быть в будущем" in bad.text
    done = await client.post(
        f"/appeals/{appeal_id}/outcome", data={"status": "submitted", "on": "2026-11-30"}
    )
    assert done.status_code == 303
    after = (await client.get("/appeals?status=submitted")).text
    assert "Подано в WB 30.11.2026" in after and "WB одобрил" in after


async def test_ratings_pages_show_current_gain_and_target(
    app: object, client: httpx.AsyncClient
) -> None:
    ids = await register(client, "owner@example.com")
    await add_reviews(
        app,
        ids["seller_id"],
        [(9, 5, "Класс"), (9, 5, ""), (9, 5, ""), (9, 4, ""), (9, 1, COURIER)],
    )
    listing = (await client.get("/ratings?target=4.8")).text
    # 20 / 5 = 4.00; without the courier's 1★: 19 / 4 = 4.75 (+0.75).
    assert "Сейчас <strong>4.00</strong>" in listing
    assert "<strong>4.75</strong>" in listing and "(+0.75)" in listing
    detail = (await client.get("/ratings/9?target=4.8")).text
    # (20 + 5n) / (5 + n) ≥ 4.8 ⇔ 0.2 n ≥ 4 ⇔ n = 20.
    assert '<strong id="fives-needed">20</strong>' in detail
    assert "+0.750" in detail
    assert (await client.get("/ratings/12345")).status_code == 404
