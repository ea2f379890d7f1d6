"""POST /ai-draft: context collected from the database, provenance stored, LLM switchable."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select

from agentiq.db import unit_of_work
from agentiq.kit.time import utcnow
from agentiq.models import Draft, Interaction, InteractionEvent, ProductCard, ResponseHistory
from agentiq.worker.embedded import wait_background
from tests.fakes.fake_openai import FakeOpenAI, Reply
from tests.replies.world import World, add_item


async def _seed_product(world: World) -> None:
    async with unit_of_work(world.runtime.sessionmaker) as s:
        s.add(
            ProductCard(seller_id=world.seller_id, nm_id=1001, name="Платье летнее", brand="Лето")
        )
        s.add(
            ResponseHistory(
                seller_id=world.seller_id,
                nm_id=1001,
                channel="review",
                text="Спасибо за отзыв, рады что платье понравилось!",
            )
        )
    for i in range(3):
        await add_item(
            world,
            "review",
            rating=2,
            cons="маломерит, ткань тонкая",
            text=f"Плохо {i}",
            buyer_name="Олег",
            occurred_at=utcnow() - timedelta(days=i + 1),
        )


async def test_ai_draft_returns_draft_warnings_and_context(client: httpx.AsyncClient, world: World):
    await _seed_product(world)
    # The same buyer (name) and purchase (size) in a chat and a review: a probable link.
    await add_item(
        world,
        "chat",
        buyer_name="Анна",
        nm_id=1001,
        text="Где мой заказ?",
        extra_data={"size": "M"},
    )
    item_id = await add_item(
        world, "review", rating=4, text="Хорошее платье, но маломерит", extra_data={"size": "M"}
    )
    # Rows written directly: links come from the product's own recompute job.
    assert (await client.post("/api/links/recompute", json={})).status_code == 202
    await wait_background(world.runtime)
    r = await client.post(f"/api/interactions/{item_id}/ai-draft")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["draft"]["text"] and body["draft"]["model"] == "builtin"
    assert body["draft"]["fallback_reason"] == "llm_disabled"
    assert isinstance(body["warnings"], list)
    labels = body["context"]["labels"]
    assert "карточка товара" in labels  # what the drafter actually used
    sources = body["context"]["sources"]  # everything collected, with ids
    assert sources["product_card"]["nm_id"] == 1001
    assert len(sources["recent_answers"]) == 1 and len(sources["linked_touches"]) == 1
    assert any(c.startswith("маломерит") for c in sources["frequent_complaints"])

    again = (await client.post(f"/api/interactions/{item_id}/ai-draft")).json()
    assert again["draft"]["variant"] == body["draft"]["variant"] + 1
    async with unit_of_work(world.runtime.sessionmaker) as s:
        item = await s.get(Interaction, item_id)
        assert item is not None and item.extra_data["last_draft"]["id"] == again["draft"]["id"]
        assert item.extra_data["last_draft"]["context_used"] == again["context"]["labels"]
        drafts = (await s.scalars(select(Draft).where(Draft.interaction_id == item_id))).all()
        events = (
            await s.scalars(
                select(InteractionEvent.kind).where(InteractionEvent.interaction_id == item_id)
            )
        ).all()
    assert len(drafts) == 2 and drafts[0].context_used["labels"] == labels
    assert list(events) == ["draft_generated", "draft_generated"]


async def test_llm_switched_on_at_run_time(
    client: httpx.AsyncClient, world: World, fake_openai: FakeOpenAI
):
    item_id = await add_item(world, "review", rating=5, text="Всё отлично, спасибо")
    text = "Анна, спасибо за высокую оценку! Рады, что покупка вас порадовала."
    fake_openai.enqueue(Reply(text))
    r = await client.put(
        "/api/settings/ai",
        json={"enabled": True, "api_key": "sk-x", "base_url": fake_openai.base_url, "model": "m1"},
    )
    assert r.status_code == 200
    body = (await client.post(f"/api/interactions/{item_id}/ai-draft")).json()
    assert body["draft"]["text"] == text and body["draft"]["source"] == "llm"
    assert body["draft"]["prompt_tokens"] == 120
    assert fake_openai.requests[-1]["model"] == "m1"

    await client.put("/api/settings/ai", json={"enabled": False})
    off = (await client.post(f"/api/interactions/{item_id}/ai-draft")).json()
    assert off["draft"]["model"] == "builtin" and len(fake_openai.requests) == 1
