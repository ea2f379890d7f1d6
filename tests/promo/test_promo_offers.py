"""Where drafts offer a promo code: only where allowed, never expired, never by default;
the LLM prompt names only the allowed codes; a sent code is counted."""

from __future__ import annotations

from datetime import timedelta

import httpx

from agentiq.kit.time import utcnow
from tests.fakes.fake_openai import FakeOpenAI, Reply
from tests.replies.world import World, add_item

THANKS = "Спасибо большое, всё пришло, очень довольна!"
COMPLAINT = "Товар пришёл с браком, очень расстроена"


async def _code(
    client: httpx.AsyncClient, code: str, placements: list[str], **extra: object
) -> int:
    response = await client.post(
        "/api/promo-codes",
        json={"code": code, "discount_percent": 10, "placements": placements, **extra},
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def _draft(client: httpx.AsyncClient, item_id: int) -> str:
    response = await client.post(f"/api/interactions/{item_id}/ai-draft")
    assert response.status_code == 200, response.text
    return str(response.json()["draft"]["text"])


async def test_builtin_drafter_offers_only_allowed_live_codes(
    client: httpx.AsyncClient, world: World
) -> None:
    await _code(client, "SORRY15", ["chat_negative"])
    await _code(client, "OLD50", ["chat_positive", "chat_negative"], valid_until="2020-01-31")
    thanks = await add_item(world, "chat", text=THANKS)
    complaint = await add_item(world, "chat", text=COMPLAINT)

    # Switched off (the default): no code anywhere.
    assert "SORRY15" not in await _draft(client, complaint)
    settings = await client.put(
        "/api/settings/promo", json={"ai_offers": True, "warn_reviews": True}
    )
    assert settings.status_code == 200

    complaint_draft = await _draft(client, complaint)
    assert "SORRY15" in complaint_draft and "OLD50" not in complaint_draft
    thanks_draft = await _draft(client, thanks)
    assert "SORRY15" not in thanks_draft and "OLD50" not in thanks_draft  # not allowed; expired


async def test_code_for_selected_products_only(client: httpx.AsyncClient, world: World) -> None:
    await client.put("/api/settings/promo", json={"ai_offers": True, "warn_reviews": True})
    await _code(client, "ONLY777", ["chat_positive"], all_products=False, nm_ids=[777])
    other = await add_item(world, "chat", text=THANKS, nm_id=1001)
    mine = await add_item(world, "chat", text=THANKS, nm_id=777)
    assert "ONLY777" not in await _draft(client, other)
    assert "ONLY777" in await _draft(client, mine)


async def test_llm_prompt_names_only_allowed_codes(
    client: httpx.AsyncClient, world: World, fake_openai: FakeOpenAI
) -> None:
    await client.put("/api/settings/promo", json={"ai_offers": True, "warn_reviews": True})
    await _code(client, "CHAT10", ["chat_positive", "chat_question"])
    await _code(client, "PUBLIC5", ["review_positive"])
    await client.put(
        "/api/settings/ai",
        json={"enabled": True, "api_key": "sk-x", "base_url": fake_openai.base_url, "model": "m"},
    )
    negative_review = await add_item(world, "review", rating=2, text="Не понравилось")
    positive_review = await add_item(world, "review", rating=5, text="Отлично")
    fake_openai.enqueue(
        Reply("Спасибо за отзыв, нам жаль."),
        Reply("Спасибо за отзыв! Будем рады видеть вас снова, код PUBLIC5 ждёт вас."),
    )
    await _draft(client, negative_review)
    system = fake_openai.requests[-1]["messages"][0]["content"]
    assert "CHAT10" not in system and "PUBLIC5" not in system
    assert "Не предлагай промокоды" in system

    body = (await client.post(f"/api/interactions/{positive_review}/ai-draft")).json()
    system = fake_openai.requests[-1]["messages"][0]["content"]
    assert "PUBLIC5" in system and "CHAT10" not in system
    assert "в обмен на изменение" in system
    # «Предупреждать об отзывах»: the public code is pointed out in the draft.
    assert any(w.get("category") == "promo_public" for w in body["warnings"]), body


async def test_sent_code_is_counted(client: httpx.AsyncClient, world: World) -> None:
    code_id = await _code(client, "THANKS10", ["chat_positive"])
    item = await add_item(world, "chat", text=THANKS, occurred_at=utcnow() - timedelta(minutes=5))
    sent = await client.post(
        f"/api/interactions/{item}/reply", json={"text": "Спасибо! Ваш промокод thanks10."}
    )
    assert sent.status_code == 201, sent.text
    codes = {c["id"]: c for c in (await client.get("/api/promo-codes")).json()}
    assert codes[code_id]["send_count"] == 1 and codes[code_id]["last_offered_at"]
