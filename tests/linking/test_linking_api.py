"""Linking through the sync and the JSON API: symmetry, recompute, WB answers in the history,
escalation deadlines, and no automatic action on a probable link."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from agentiq.db import unit_of_work
from agentiq.ingestion.service import sync_cabinet
from agentiq.kit.time import utcnow
from agentiq.linking import escalations
from agentiq.linking.tasks import run_escalation_sweep
from agentiq.models import Escalation, Interaction, LinkCandidate, ResponseHistory
from agentiq.worker.embedded import wait_background
from tests.replies.world import World

# Both databases: the link upserts and JSON-path reads differ between them.
pytestmark = pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)


async def _sync(world: World) -> None:
    report = await sync_cabinet(world.runtime, world.seller_id, world.connection_id)
    assert report.ok, report


async def test_timeline_is_symmetric(client: httpx.AsyncClient, world: World) -> None:
    await _sync(world)
    async with unit_of_work(world.runtime.sessionmaker) as session:
        chat_ids = list(
            await session.scalars(
                select(Interaction.id).where(
                    Interaction.seller_id == world.seller_id, Interaction.channel == "chat"
                )
            )
        )
    checked = 0
    for chat_id in chat_ids:
        timeline = (await client.get(f"/api/interactions/{chat_id}/timeline")).json()
        for step in timeline["steps"]:
            if step["is_current"]:
                continue
            back = (
                await client.get(
                    f"/api/interactions/{step['interaction_id']}/timeline",
                    params={"scope": "customer"},
                )
            ).json()
            mirror = {s["interaction_id"]: s for s in back["steps"]}
            assert chat_id in mirror, (chat_id, step["interaction_id"])
            assert mirror[chat_id]["confidence"] == step["confidence"]
            assert mirror[chat_id]["link_id"] == step["link_id"]
            checked += 1
    assert checked > 0, "the emulator's chats produced no visible links"


async def test_recompute_rebuilds_links_and_keeps_verdicts(
    client: httpx.AsyncClient, world: World
) -> None:
    await _sync(world)
    async with unit_of_work(world.runtime.sessionmaker) as session:
        before = set(
            (
                await session.execute(
                    select(LinkCandidate.interaction_id, LinkCandidate.candidate_id).where(
                        LinkCandidate.seller_id == world.seller_id
                    )
                )
            ).tuples()
        )
        first = await session.scalar(
            select(LinkCandidate).where(LinkCandidate.seller_id == world.seller_id).limit(1)
        )
        assert before and first is not None
        judged_id = first.id
    assert (
        await client.post(f"/api/links/{judged_id}/verdict", json={"verdict": "rejected"})
    ).status_code == 200
    async with unit_of_work(world.runtime.sessionmaker) as session:
        await session.execute(
            LinkCandidate.__table__.delete().where(
                LinkCandidate.seller_id == world.seller_id, LinkCandidate.verdict.is_(None)
            )
        )
    started = await client.post("/api/links/recompute", json={})
    assert started.status_code == 202 and started.json()["scope"] == "seller"
    await wait_background(world.runtime)
    async with unit_of_work(world.runtime.sessionmaker) as session:
        after = set(
            (
                await session.execute(
                    select(LinkCandidate.interaction_id, LinkCandidate.candidate_id).where(
                        LinkCandidate.seller_id == world.seller_id
                    )
                )
            ).tuples()
        )
        kept = await session.get(LinkCandidate, judged_id)
    # The same links whatever the order items arrived in (sync: reviews, then chats).
    assert after == before
    assert kept is not None and kept.verdict == "rejected"
    # A rejected link is gone from the thread.
    timeline = (await client.get(f"/api/interactions/{kept.interaction_id}/timeline")).json()
    assert kept.candidate_id not in {s["interaction_id"] for s in timeline["steps"]}
    # One item, and another seller's item is 404.
    one = await client.post("/api/links/recompute", json={"interaction_id": kept.interaction_id})
    assert one.status_code == 202 and one.json()["scope"] == "item"
    await wait_background(world.runtime)
    assert (
        await client.post("/api/links/recompute", json={"interaction_id": 10**9})
    ).status_code == 404


async def test_wb_answers_join_response_history_once(world: World) -> None:
    await _sync(world)
    await _sync(world)  # a re-sync rewrites nothing twice
    answered = [
        fb
        for i in range(world.state.data.feedbacks.n)
        if (fb := world.state.data.base_feedback(i))["answer"]
    ]
    assert answered
    async with unit_of_work(world.runtime.sessionmaker) as session:
        rows = (
            await session.execute(
                select(ResponseHistory.text, ResponseHistory.created_at, Interaction.external_id)
                .join(Interaction, Interaction.id == ResponseHistory.interaction_id)
                .where(ResponseHistory.seller_id == world.seller_id, ResponseHistory.origin == "wb")
            )
        ).all()
    by_item: dict[str, list[str]] = {}
    for text, created_at, external_id in rows:
        by_item.setdefault(external_id, []).append(text)
        assert created_at is not None
    assert all(len(texts) == 1 for texts in by_item.values())  # never twice
    for fb in answered:
        if fb["id"] in by_item:
            assert by_item[fb["id"]] == [fb["answer"]["text"]]
    assert len({fb["id"] for fb in answered} & set(by_item)) >= len(answered) // 2


async def test_escalation_expires_after_its_deadline(
    client: httpx.AsyncClient, world: World
) -> None:
    await _sync(world)
    async with unit_of_work(world.runtime.sessionmaker) as session:
        question = await session.scalar(
            select(Interaction).where(
                Interaction.seller_id == world.seller_id,
                Interaction.channel == "question",
                Interaction.status == "open",
            )
        )
        assert question is not None
        question_id = question.id
    opened = await client.post(f"/api/interactions/{question_id}/escalate", json={})
    assert opened.status_code == 201, opened.text
    again = await client.post(f"/api/interactions/{question_id}/escalate", json={})
    assert again.status_code == 409
    # A chat cannot be escalated; a positive review neither.
    async with unit_of_work(world.runtime.sessionmaker) as session:
        chat_id = await session.scalar(
            select(Interaction.id).where(
                Interaction.seller_id == world.seller_id, Interaction.channel == "chat"
            )
        )
    refused = await client.post(
        f"/api/interactions/{chat_id}/escalate", json={"send_invitation": False}
    )
    assert refused.status_code == 422
    assert await run_escalation_sweep(world.runtime) == 0  # not yet due
    async with unit_of_work(world.runtime.sessionmaker) as session:
        escalation = await session.scalar(
            select(Escalation).where(Escalation.source_interaction_id == question_id)
        )
        assert escalation is not None
        escalation.deadline_at = utcnow() - timedelta(minutes=1)
    assert await run_escalation_sweep(world.runtime) == 1
    state = (await client.get(f"/api/interactions/{question_id}/escalation")).json()
    assert state["state"] == "expired" and state["expired_at"]
    counts = (await client.get("/api/escalations/counts")).json()
    assert counts["opened"] == 1 and counts["expired"] == 1 and counts["converted_to_chat"] == 0


async def test_probable_link_never_continues_an_escalation(world: World) -> None:
    """Negative: even a 0.95 probable link does not attach a chat without the operator."""
    await _sync(world)
    async with unit_of_work(world.runtime.sessionmaker) as session:
        review = await session.scalar(
            select(Interaction).where(
                Interaction.seller_id == world.seller_id,
                Interaction.channel == "review",
                Interaction.rating <= 2,
            )
        )
        chat_id = await session.scalar(
            select(Interaction.id).where(
                Interaction.seller_id == world.seller_id, Interaction.channel == "chat"
            )
        )
        assert review is not None and chat_id is not None
        await escalations.open_escalation(session, world.seller_id, review, user_id=None)
        from agentiq.linking.scoring import Score, Signal

        probable = Score("C", 0.95, (Signal("same_buyer_name", "анна", 0.10),))
        legacy = Score("B", 0.95, (Signal("same_customer_id", "c1", 0.95),), "customer_legacy")
        pair = (min(review.id, chat_id), max(review.id, chat_id))
        assert (
            await escalations.continue_on_links(session, world.seller_id, [(pair, probable)]) == 0
        )
        assert await escalations.continue_on_links(session, world.seller_id, [(pair, legacy)]) == 0
        order = Score("B", 1.0, (Signal("same_order", "r1", 1.0),), "order")
        assert await escalations.continue_on_links(session, world.seller_id, [(pair, order)]) == 1
