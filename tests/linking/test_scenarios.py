"""The plan's three scenarios, end to end through the JSON API against the WB emulator.

(1) new question → AI draft → answer → the SLA metric moves;
(2) negative review → answer with escalation → a chat from that buyer arrives → it is linked,
    shown with the review, and (once the operator confirms the probable link) prioritised as
    the escalation's continuation, which then follows the chat to resolution;
(3) a chat after a review answer → the review and the seller's public answer are in the
    chat's timeline and in its draft's context.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from agentiq.db import unit_of_work
from agentiq.emulator import generator as gen
from agentiq.ingestion.service import sync_cabinet
from agentiq.models import Interaction
from tests.replies.world import World

# Both databases: the link upserts and JSON-path reads differ between them.
pytestmark = pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)


async def _sync(world: World) -> None:
    report = await sync_cabinet(world.runtime, world.seller_id, world.connection_id)
    assert report.ok, report


async def _id_of(world: World, channel: str, external_id: str) -> int:
    async with unit_of_work(world.runtime.sessionmaker) as session:
        found = await session.scalar(
            select(Interaction.id).where(
                Interaction.seller_id == world.seller_id,
                Interaction.channel == channel,
                Interaction.external_id == external_id,
            )
        )
    assert found is not None, (channel, external_id)
    return found


PROBLEM_OPENERS = {
    "брак": "Здравствуйте! Товар пришёл с браком, что делать?",
    "размер": "Здравствуйте, не подошёл размер. Можно обменять?",
    "маломер": "Здравствуйте, не подошёл размер. Можно обменять?",
    "поврежд": "Упаковка была порвана, внутри царапины. Прикладываю фото.",
    "запах": "Здравствуйте, от товара сильный запах. Что делать?",
}


def _feedback(world: World, *, negative: bool, answered: bool) -> tuple[dict[str, Any], str]:
    """A recent generated feedback of the wanted kind, with a problem a buyer would bring to
    the chat, and that chat's first message (the emulator's ground truth)."""
    data = world.state.data
    for i in reversed(range(data.feedbacks.n)):
        if data.created_at - data.feedbacks.ts(i) > 6 * gen.DAY:
            break
        fb = data.base_feedback(i)
        if not fb["text"] or fb["parentFeedbackId"] or fb["childFeedbackId"]:
            continue
        if (fb["productValuation"] <= 2) != negative or (fb["answer"] is not None) != answered:
            continue
        said = f"{fb['text']} {fb['cons']}".lower()
        for word, opener in PROBLEM_OPENERS.items():
            if word in said:
                return fb, opener
    raise AssertionError("no such feedback in the generated data")


async def test_scenario_1_question_draft_answer_moves_sla(
    client: httpx.AsyncClient, world: World
) -> None:
    await _sync(world)
    before = (await client.get("/api/interactions/metrics/sla")).json()
    page = (
        await client.get("/api/interactions", params={"channel": "question", "queue": "unanswered"})
    ).json()
    question = page["items"][0]
    draft = await client.post(f"/api/interactions/{question['id']}/ai-draft")
    assert draft.status_code == 200, draft.text
    text = draft.json()["draft"]["text"]
    sent = await client.post(f"/api/interactions/{question['id']}/reply", json={"text": text})
    assert sent.status_code in (200, 201, 202), sent.text
    after = (await client.get("/api/interactions/metrics/sla")).json()
    assert after["answered"] == before["answered"] + 1
    assert after["by_channel"]["question"]["answered"] == (
        before["by_channel"].get("question", {}).get("answered", 0) + 1
    )


async def test_scenario_2_escalated_review_continues_in_chat(
    client: httpx.AsyncClient, world: World
) -> None:
    await _sync(world)
    fb, opener = _feedback(world, negative=True, answered=False)
    review_id = await _id_of(world, "review", fb["id"])

    escalated = await client.post(f"/api/interactions/{review_id}/escalate", json={})
    assert escalated.status_code == 201, escalated.text
    escalation = escalated.json()
    assert escalation["state"] == "awaiting_chat"
    outbox = (await client.get(f"/api/interactions/{review_id}/reply")).json()["replies"]
    assert "чат" in outbox[0]["text"]  # the public answer invites the buyer to the chat

    chat_ext = world.wb.emulator.buyer_chat(world.emulated_id, fb["id"], opener)
    await _sync(world)
    chat_id = await _id_of(world, "chat", chat_ext)

    # Linked (probable: WB gives a review no order id), shown with the review in the thread.
    timeline = (await client.get(f"/api/interactions/{chat_id}/timeline")).json()
    steps = {s["interaction_id"]: s for s in timeline["steps"]}
    assert review_id in steps, timeline
    step = steps[review_id]
    assert step["level"] == "C" and step["confidence"] >= 0.65
    assert step["action_mode"] == "assist_only"
    assert step["confidence_label"].startswith(("вероятно", "вероятная"))
    names = {s["name"] for s in step["signals"]}
    assert {"same_product_in_window", "same_buyer_name"} <= names
    # Probable only: no automatic priority change, the escalation still waits.
    chat = (await client.get(f"/api/interactions/{chat_id}")).json()["item"]
    assert chat["extra_data"].get("continues") is None
    waiting = (await client.get(f"/api/interactions/{review_id}/escalation")).json()
    assert waiting["state"] == "awaiting_chat"

    # The operator confirms the link: the chat continues the escalation, high priority.
    judged = await client.post(
        f"/api/links/{step['link_id']}/verdict", json={"verdict": "confirmed"}
    )
    assert judged.status_code == 200, judged.text
    chat = (await client.get(f"/api/interactions/{chat_id}")).json()["item"]
    assert chat["priority"] in ("high", "urgent")
    assert chat["extra_data"]["continues"]["interaction_id"] == review_id
    opened = (await client.get(f"/api/interactions/{review_id}/escalation")).json()
    assert opened["state"] == "chat_opened" and opened["chat_interaction_id"] == chat_id
    assert opened["link_basis"] == "confirmed"

    # The escalation follows the chat: closing the chat resolves it.
    assert (await client.post(f"/api/interactions/{chat_id}/close")).status_code == 200
    from agentiq.linking.tasks import run_escalation_sweep

    assert await run_escalation_sweep(world.runtime) >= 1
    done = (await client.get(f"/api/interactions/{review_id}/escalation")).json()
    assert done["state"] == "resolved"
    counts = (await client.get("/api/escalations/counts")).json()
    assert counts == {
        "opened": 1,
        "converted_to_chat": 1,
        "resolved_in_chat": 1,
        "expired": 0,
        "awaiting": 0,
    }


async def test_scenario_3_chat_after_review_answer_sees_review_and_answer(
    client: httpx.AsyncClient, world: World
) -> None:
    await _sync(world)
    fb, opener = _feedback(world, negative=True, answered=True)
    review_id = await _id_of(world, "review", fb["id"])
    chat_ext = world.wb.emulator.buyer_chat(world.emulated_id, fb["id"], opener)
    await _sync(world)
    chat_id = await _id_of(world, "chat", chat_ext)

    timeline = (await client.get(f"/api/interactions/{chat_id}/timeline")).json()
    steps = {s["interaction_id"]: s for s in timeline["steps"]}
    assert review_id in steps
    assert steps[review_id]["last_reply_text"] == fb["answer"]["text"]
    # Symmetric: the review's thread shows the chat.
    back = (await client.get(f"/api/interactions/{review_id}/timeline")).json()
    assert chat_id in {s["interaction_id"] for s in back["steps"]}

    draft = (await client.post(f"/api/interactions/{chat_id}/ai-draft")).json()
    linked = draft["context"]["sources"]["linked_touches"]
    assert review_id in {t["id"] for t in linked}
    # «учтено» names the review; a «Спасибо» after a 1–2★ review is not met with
    # «рады, что всё понравилось» but with the review acknowledged.
    assert any(label.startswith("отзыв") for label in draft["context"]["labels"])
    text = draft["draft"]["text"].lower()
    assert "отзыв" in text and "понравил" not in text
