"""Rating levers in a real browser: the «Обжалование» queue, a product's rating impact, the
Промокоды page with its add form, and the «авто» chip of an auto-answered item."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest

from agentiq.db import unit_of_work
from agentiq.kit.time import utcnow
from agentiq.models import Interaction
from agentiq.replies.autoanswer import run_auto_answers
from tests.browser.conftest import LiveServer, shot

pytestmark = pytest.mark.browser
_emails = itertools.count(1)
_ids = itertools.count(1)
COURIER = "Курьер опоздал на шесть часов и даже не позвонил. Сам товар целый, претензий нет."
ADVERT = "Не берите здесь, в магазине «Уют» такие же дешевле, пишите в телеграм @uyut_shop"
BROKEN = "Доставили быстро, но чайник протекает с первого дня."


def sign_up(page: Any) -> int:
    page.goto("/register")
    page.fill("#seller_name", "Ромашка")
    page.fill("#email", f"levers{next(_emails)}@example.ru")
    page.fill("#password", "password-123")
    page.click("button[type=submit]")
    page.wait_for_url("**/onboarding")
    return int(page.request.get("/api/auth/me").json()["seller"]["id"])


async def _add(live_server: LiveServer, seller_id: int, rows: list[dict[str, Any]]) -> list[int]:
    """Reviews as the sync stores them (the live server's own database)."""
    made = []
    async with unit_of_work(live_server.runtime.sessionmaker) as session:
        for fields in rows:
            n = next(_ids)
            item = Interaction(
                seller_id=seller_id,
                channel="review",
                external_id=f"levers-{n}",
                buyer_name=fields.pop("buyer_name", "Покупатель"),
                occurred_at=utcnow() - timedelta(hours=n),
                content_hash=f"levers-{n}",
                **fields,
            )
            session.add(item)
            await session.flush()
            made.append(item.id)
    return made


def _reviews(live_server: LiveServer, seller_id: int) -> None:
    live_server.call(
        _add(
            live_server,
            seller_id,
            [
                {"nm_id": 9001, "rating": 5, "text": "Отличный чайник"},
                {"nm_id": 9001, "rating": 5, "text": "Кипятит быстро"},
                {"nm_id": 9001, "rating": 4, "text": "Хороший"},
                {"nm_id": 9001, "rating": 1, "text": COURIER, "buyer_name": "Ольга"},
                {"nm_id": 9001, "rating": 2, "text": BROKEN},
                {"nm_id": 9002, "rating": 5, "text": "Супер"},
                {"nm_id": 9002, "rating": 1, "text": ADVERT},
            ],
        )
    )


def test_appeal_queue(page: Any, live_server: LiveServer) -> None:
    seller_id = sign_up(page)
    _reviews(live_server, seller_id)
    page.goto("/appeals")
    card = page.locator("article.appeal", has_text="Курьер опоздал")
    card.wait_for()
    assert card.locator("mark").first.inner_text().startswith("Курьер опоздал")
    assert page.locator("article.appeal", has_text="протекает").count() == 0
    assert (
        card.get_by_role("link", name="Открыть в кабинете WB ↗")
        .get_attribute("href")
        .startswith("https://seller.wildberries.ru/")
    )
    assert "не относится к товару" in card.locator("textarea").input_value()
    shot(page, "levers_01_appeal_queue")
    card.get_by_role("button", name="Подано в WB").click()
    page.wait_for_load_state()
    card = page.locator("article.appeal", has_text="Курьер опоздал")
    assert "Подано в WB" in card.locator(".appeal-status").inner_text()
    assert card.get_by_role("button", name="WB одобрил").is_visible()
    card.scroll_into_view_if_needed()
    shot(page, "levers_02_appeal_submitted")


def test_product_rating_impact(page: Any, live_server: LiveServer) -> None:
    seller_id = sign_up(page)
    _reviews(live_server, seller_id)
    page.goto("/ratings?target=4.8")
    first = page.locator("a.product-impact").first
    first.wait_for()
    # 9002: (5 + 1) / 2 = 3.00 → 5.00 if the advert's appeal is approved (+2.00), first.
    assert first.get_attribute("data-nm") == "9002"
    shot(page, "levers_03_ratings")
    page.locator('a.product-impact[data-nm="9001"]').click()
    page.wait_for_selector("#rating-now")
    # 9001: 17 / 5 = 3.40; 5★ needed: (17 + 5n) / (5 + n) ≥ 4.8 ⇔ 0.2 n ≥ 7 ⇔ n ≥ 35.
    assert page.locator("#rating-now").inner_text() == "3.40"
    assert page.locator("#fives-needed").inner_text() == "35"
    shifts = page.locator(".negative .shift").all_inner_texts()
    assert shifts and shifts == sorted(shifts, reverse=True)
    shot(page, "levers_04_product_impact")


def test_promo_codes_with_add_form(page: Any, live_server: LiveServer) -> None:
    sign_up(page)
    page.goto("/promo")
    page.get_by_role("link", name="+ Добавить промокод").click()
    page.wait_for_selector("#promo-code")
    page.fill("#promo-code", "bad code!")
    page.fill("#promo-discount", "15")
    page.get_by_role("button", name="Сохранить", exact=True).click()
    page.wait_for_selector(".field-error")
    assert "Код: от 3 до 50 букв" in page.locator("#code-error").inner_text()
    page.fill("#promo-code", "sorry15")
    page.fill("#promo-until", "2099-03-15")
    page.locator('input[value="review_negative"]').check()
    page.locator("#promo-code").scroll_into_view_if_needed()
    shot(page, "levers_05_promo_add_form")
    page.get_by_role("button", name="Сохранить", exact=True).click()
    page.wait_for_selector(".promo-card .promo-code")
    card = page.locator(".promo-card", has_text="SORRY15")
    assert "Скидка 15% · до 15 марта 2099 · Все товары" in " ".join(
        card.locator(".promo-terms").inner_text().split()
    )
    assert "⚠ Отзывы: негатив" in card.inner_text()
    page.locator(".toggle", has_text="AI предлагает промокод").click()
    page.get_by_role("button", name="Сохранить настройки").click()
    page.wait_for_selector(".saved-notice")
    assert page.locator('input[name="ai_offers"]').is_checked()
    shot(page, "levers_06_promo_page")


def test_auto_chip_in_the_list(page: Any, live_server: LiveServer) -> None:
    seller_id = sign_up(page)
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "agentiq_csrf")
    headers = {"X-CSRF-Token": csrf}
    page.request.put(
        "/api/settings/auto-answer",
        data={"enabled": True, "rules": [], "daily_cap": 50, "min_delay_s": 0, "max_delay_s": 0},
        headers=headers,
    )
    page.request.put(
        "/api/settings/autonomy",
        data={"required_streak": 1, "min_acceptance": 0.9},
        headers=headers,
    )
    five = {"nm_id": 9003, "rating": 5, "text": ""}
    learned, waiting = live_server.call(
        _add(
            live_server, seller_id, [dict(five, buyer_name="Ирина"), dict(five, buyer_name="Пётр")]
        )
    )
    # The operator sends one draft unchanged: the «5★» bucket earns auto-answers.
    draft = page.request.post(f"/api/interactions/{learned}/ai-draft", headers=headers).json()
    sent = page.request.post(
        f"/api/interactions/{learned}/reply",
        data={"text": draft["draft"]["text"]},
        headers=headers,
    )
    assert sent.status == 201, sent.text()
    assert live_server.call(run_auto_answers(live_server.runtime, seller_id)) >= 1
    page.goto("/inbox?queue=all")
    row = page.locator(f"#row-{waiting}")
    row.wait_for()
    assert row.locator(".auto-chip").inner_text() == "авто"
    assert page.locator(f"#row-{learned} .auto-chip").count() == 0
    row.scroll_into_view_if_needed()
    shot(page, "levers_07_auto_chip")
    page.goto("/settings/autonomy")
    assert "Отзывы · 5★" in page.locator("table.buckets").inner_text()
    shot(page, "levers_08_autonomy_settings")


def test_appeal_queue_on_the_demo_cabinet(page: Any, live_server: LiveServer) -> None:
    """The demo cabinet's generated reviews: a real sync, then the queue and the ratings."""
    sign_up(page)
    page.click("#skip-demo")
    page.wait_for_selector(".inbox-row", timeout=60_000)
    page.goto("/appeals")
    page.wait_for_selector("article.appeal")
    causes = set(page.locator("article.appeal .cause-chip").all_inner_texts())
    assert causes and causes <= {
        "Доставка и пункт выдачи",
        "Прислали не тот товар",
        "Оскорбления или не по теме",
        "Реклама, конкуренты, спам",
    }
    shot(page, "levers_09_demo_appeals")
    page.goto("/ratings")
    page.wait_for_selector("a.product-impact")
    shot(page, "levers_10_demo_ratings")
