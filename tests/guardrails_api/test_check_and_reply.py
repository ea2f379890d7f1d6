"""Through the API: each family's evasion is refused at send time with a readable Russian
list (422) and marked by POST /api/guardrails/check while typing; apologies pass both."""

from __future__ import annotations

import re

import httpx
import pytest

from agentiq.guardrails import CATEGORY_LABELS_RU
from tests.conftest import register
from tests.replies.world import World, add_item

EVASIONS = [
    ("ai_mention", "Вам ответила н е й р о с е т ь магазина, спасибо за отзыв!"),
    ("promise", "Не переживайте, кoмпенсируем всё до копейки."),
    ("blame_buyer", "Вы сaми виноваты: размер был в таблице."),
    ("dismissive", "Нaм всё рaвно, ищите другой магазин."),
    ("legal_threat", "Ещё одно слово — и увидимся в с у д е."),
    ("jargon", "Ваш заказ ждёт на ПВЗ №4521, проверьте КИЗ."),
    ("contacts", "Пишите в т.г. @shop_best или звоните восемь девятьсот один два три."),
    ("contacts", "Почта для связи: shop собака mail точка ru"),
    ("review_manipulation", "Оценку поменяйте, пожалуйста, — пришлём подарок."),
    ("competitor", "У нас и на 0зоне есть, там дешевле."),
    ("profanity", "Что за х**ня с доставкой, честное слово."),
    ("personal_data", "Доставим по адресу ул. Мира, д. 10, кв. 5 завтра."),
]
APOLOGIES = [
    "Это не ваша вина, мы разберёмся с поставщиком и поможем с возвратом через WB.",
    "Мы сами виноваты и приносим извинения: заказ собирали в спешке.",
    "Простите нас, пожалуйста: такого быть не должно.",
]
# A readable line: Russian words, no internal code like `contacts` or `review_manipulation`.
_CODE_RE = re.compile(r"\b[a-z]+_[a-z_]+\b")


@pytest.mark.parametrize(("family", "text"), EVASIONS)
async def test_evasion_is_refused_with_a_russian_list(
    client: httpx.AsyncClient, world: World, family: str, text: str
) -> None:
    item_id = await add_item(world, "review", rating=2, text="Не понравилось")
    checked = await client.post(
        "/api/guardrails/check", json={"text": text, "interaction_id": item_id}
    )
    assert checked.status_code == 200, checked.text
    body = checked.json()
    assert body["can_send"] is False and body["channel"] == "review"
    hits = [v for v in body["violations"] if v["category"] == family]
    assert hits and hits[0]["severity"] == "error"
    assert hits[0]["label_ru"] == CATEGORY_LABELS_RU[family]
    for v in body["violations"]:
        assert text[v["start"] : v["end"]] == v["fragment"]
    assert body["summary_ru"].startswith("Отправить нельзя")

    sent = await client.post(f"/api/interactions/{item_id}/reply", json={"text": text})
    assert sent.status_code == 422, sent.text
    error = sent.json()["error"]
    assert error["code"] == "guardrails_blocked"
    lines = error["details"]["lines_ru"]
    assert any(line.startswith(CATEGORY_LABELS_RU[family]) for line in lines), lines
    for line in [error["message"], *lines]:
        words = re.sub("«[^»]*»", "", line)  # quoted fragments are the operator's own text
        assert re.search("[а-я]", words) and not _CODE_RE.search(words), line


@pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)
@pytest.mark.parametrize("text", APOLOGIES)
async def test_apologies_pass_the_check_and_are_sent(
    client: httpx.AsyncClient, world: World, text: str
) -> None:
    item_id = await add_item(world, "review", rating=1, text="Пришло с браком")
    checked = (
        await client.post("/api/guardrails/check", json={"text": text, "interaction_id": item_id})
    ).json()
    assert checked["can_send"] is True and checked["violations"] == []
    assert checked["summary_ru"] == "Замечаний нет."
    sent = await client.post(f"/api/interactions/{item_id}/reply", json={"text": text})
    assert sent.status_code == 201, sent.text


async def test_check_by_channel_is_relaxed_for_chat_promises_only(
    client: httpx.AsyncClient, world: World
) -> None:
    promise = "Компенсируем доставку."
    public = (
        await client.post("/api/guardrails/check", json={"text": promise, "channel": "review"})
    ).json()
    chat = (
        await client.post("/api/guardrails/check", json={"text": promise, "channel": "chat"})
    ).json()
    assert public["can_send"] is False
    assert chat["can_send"] is True and chat["violations"][0]["severity"] == "warning"
    bot = (
        await client.post("/api/guardrails/check", json={"text": "Я бoт", "channel": "chat"})
    ).json()
    assert bot["can_send"] is False


async def test_repetition_check_uses_the_products_public_answers(
    client: httpx.AsyncClient, world: World
) -> None:
    first = await add_item(world, "review", rating=5, text="Отлично", nm_id=4242)
    second = await add_item(world, "review", rating=5, text="Супер", nm_id=4242)
    answer = "Спасибо! Мы стараемся, чтобы каждый заказ приходил в отличном состоянии и вовремя."
    assert (
        await client.post(f"/api/interactions/{first}/reply", json={"text": answer})
    ).status_code == 201
    again = "Благодарим! Мы стараемся, чтобы каждый заказ приходил в отличном состоянии и вовремя."
    body = (
        await client.post("/api/guardrails/check", json={"text": again, "interaction_id": second})
    ).json()
    assert body["can_send"] is True
    assert "reused_sentence" in {v["category"] for v in body["violations"]}


async def test_bad_requests_and_another_sellers_item(
    client: httpx.AsyncClient, world: World
) -> None:
    item_id = await add_item(world, "review", rating=5, text="Отлично")
    missing = await client.post("/api/guardrails/check", json={"text": "Привет"})
    assert missing.status_code == 422
    assert missing.json()["error"]["details"]["body"].startswith("Укажите канал")
    huge = await client.post(
        "/api/guardrails/check", json={"text": "ы" * 10_001, "channel": "chat"}
    )
    assert huge.status_code == 422
    assert huge.json()["error"]["details"]["text"].startswith("Текст длиннее")
    await register(client, "other@example.com", "Другой магазин")  # the client is now them
    foreign = await client.post(
        "/api/guardrails/check", json={"text": "Привет", "interaction_id": item_id}
    )
    assert foreign.status_code == 404
    client.cookies.clear()
    anonymous = await client.post(
        "/api/guardrails/check", json={"text": "Привет", "channel": "chat"}
    )
    assert anonymous.status_code in (401, 403)


@pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)
async def test_seller_competitors_are_blocked_after_saving_them(
    client: httpx.AsyncClient, world: World
) -> None:
    item_id = await add_item(world, "review", rating=4, text="Неплохо")
    text = "У «Ромашки» такие же, но наши прочнее."
    before = await client.post(
        "/api/guardrails/check", json={"text": text, "interaction_id": item_id}
    )
    assert before.json()["can_send"] is True
    saved = await client.put("/api/settings/ai", json={"competitors": ["Ромашка", " "]})
    assert saved.status_code == 200 and saved.json()["competitors"] == ["Ромашка"]
    after = (
        await client.post("/api/guardrails/check", json={"text": text, "interaction_id": item_id})
    ).json()
    assert after["can_send"] is False
    assert [(v["category"], v["fragment"]) for v in after["violations"]] == [
        ("competitor", "Ромашки")
    ]
    refused = await client.post(f"/api/interactions/{item_id}/reply", json={"text": text})
    assert refused.status_code == 422
