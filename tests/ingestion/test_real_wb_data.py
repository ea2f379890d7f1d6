"""Real WB data the sync must get right (issue 10): each test is named after the item it proves.

WB traffic goes to the emulator over real sockets; SQLite and PostgreSQL both.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from agentiq.db import unit_of_work
from agentiq.emulator import generator as gen
from agentiq.emulator import texts
from agentiq.emulator.faults import FaultConfig
from agentiq.ingestion.malformed import MAX_REREADS
from agentiq.ingestion.normalise import MODERATION_REJECTED_REASON, RATING_ONLY_REASON
from agentiq.ingestion.service import sync_cabinet
from agentiq.kit.time import utcnow
from agentiq.marketplaces.wb.client import RetryPolicy
from agentiq.models import ChatMessage, Interaction, MalformedItem, SyncRun, SyncState
from tests.ingestion.conftest import make_cabinet

pytestmark = pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)

CONTROL = {chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127)}


async def _items(runtime, seller_id: int, channel: str) -> dict[str, Interaction]:  # type: ignore[no-untyped-def]
    async with runtime.sessionmaker() as session:
        rows = await session.scalars(
            select(Interaction).where(
                Interaction.seller_id == seller_id, Interaction.channel == channel
            )
        )
        return {row.external_id: row for row in rows}


def _dirty(value: object) -> bool:
    if isinstance(value, str):
        return any(ch in CONTROL for ch in value)
    if isinstance(value, dict):
        return any(_dirty(k) or _dirty(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_dirty(v) for v in value)
    return False


async def test_nul_and_control_characters_in_wb_texts_are_stripped_before_storage(
    runtime, sync_wb
) -> None:
    seller = sync_wb.emulator.add_seller(seed=611, feedbacks=120, questions=40, chats=10)
    sync_wb.emulator.set_faults(seller.seller_id, FaultConfig(control_char_rate=1.0))
    seller_id, cabinet_id = await make_cabinet(runtime, seller.token)

    report = await sync_cabinet(runtime, seller_id, cabinet_id)

    assert report.ok, {c: f.error_message for c, f in report.channels.items()}
    state = sync_wb.emulator.seller(seller.seller_id)
    reviews = await _items(runtime, seller_id, "review")
    assert set(reviews) == set(state.feedback_ids)
    texts = [r.text for r in reviews.values() if r.text]
    assert texts and not any(_dirty(t) for t in texts)
    assert not any(_dirty(r.buyer_name) or _dirty(r.extra_data) for r in reviews.values())
    questions = await _items(runtime, seller_id, "question")
    assert set(questions) == set(state.question_ids)
    assert not any(_dirty(q.text) for q in questions.values())
    async with runtime.sessionmaker() as session:
        messages = (
            await session.scalars(select(ChatMessage).where(ChatMessage.seller_id == seller_id))
        ).all()
    assert len(messages) == len(state.events)
    assert not any(_dirty(m.text) or _dirty(m.sender) for m in messages)
    # The emulator did put them on the wire.
    async with httpx.AsyncClient(base_url=sync_wb.base_url) as http:
        wire = await http.get(
            "/feedbacks-api/api/v1/feedbacks",
            params={"isAnswered": "true", "take": 5, "skip": 0},
            headers={"Authorization": seller.token},
        )
    assert wire.status_code == 200 and b"\\u0000" in wire.content


async def test_wb_system_messages_in_chats_are_not_the_buyer(runtime, sync_wb) -> None:
    emulator = sync_wb.emulator
    seller = emulator.add_seller(seed=612, feedbacks=10, questions=5, chats=40)
    state = emulator.seller(seller.seller_id)
    # The emulator produces WB's own notices in its generated chats.
    assert any(e.get("sender") == "wb" for e in state.events)
    seller_id, cabinet_id = await make_cabinet(runtime, seller.token)
    assert (await sync_cabinet(runtime, seller_id, cabinet_id)).ok

    chats = await _items(runtime, seller_id, "chat")
    for chat in state.chats:
        spoken = [e for e in chat.events if e.get("sender") in ("client", "seller")]
        row = chats[chat.chat_id]
        if spoken[-1]["sender"] == "seller":
            assert row.status == "responded" and row.needs_response is False, chat.chat_id
        buyer = [e for e in spoken if e["sender"] == "client"]
        if buyer:
            last_ms = buyer[-1]["addTimestamp"]
            assert row.last_buyer_message_at is not None
            assert int(row.last_buyer_message_at.timestamp() * 1000) == last_ms
        assert not any(n in (row.text or "") for n in texts.CHAT_WB_NOTICES)

    # A notice arriving after the seller's answer neither reopens the chat nor starts its SLA.
    answered = next(c for c in state.chats if c.events[-1].get("sender") == "seller")
    before = chats[answered.chat_id]
    with state.lock:
        ts = int(state.events[-1]["addTimestamp"]) + 1000
        notice = {
            "chatID": answered.chat_id,
            "eventID": str(uuid.uuid4()),
            "eventType": "message",
            "message": {"text": texts.CHAT_WB_NOTICES[1]},
            "addTimestamp": ts,
            "addTime": gen.utc_iso(ts / 1000),
            "sender": "wb",
        }
        answered.events.append(notice)
        state.events.append(notice)
    assert (await sync_cabinet(runtime, seller_id, cabinet_id)).ok
    after = (await _items(runtime, seller_id, "chat"))[answered.chat_id]
    assert after.status == "responded" and after.needs_response is False
    assert after.sla_due_at == before.sla_due_at and after.text == before.text
    async with runtime.sessionmaker() as session:
        stored = await session.scalar(
            select(ChatMessage).where(ChatMessage.external_id == notice["eventID"])
        )
    assert stored is not None and stored.direction == "system" and stored.sender == "Wildberries"


async def test_rating_only_reviews_are_listed_as_processed_and_not_reopened_by_the_re_read(
    runtime, sync_wb
) -> None:
    emulator = sync_wb.emulator
    seller = emulator.add_seller(seed=613, feedbacks=300, questions=5, chats=2, open_days=60)
    state = emulator.seller(seller.seller_id)
    tl = state.data.feedbacks
    rating_only = {
        gen.item_id(state.data.seed, gen.FEEDBACK, i)
        for i in range(tl.total)
        if tl.status[i] == gen.FB_EMPTY
    }
    assert rating_only
    seller_id, cabinet_id = await make_cabinet(runtime, seller.token)
    assert (await sync_cabinet(runtime, seller_id, cabinet_id)).ok

    reviews = await _items(runtime, seller_id, "review")
    for external_id in rating_only:
        row = reviews[external_id]
        assert row.status == "closed" and row.needs_response is False, external_id
        assert row.extra_data["triage"]["needs_response_reason"] == RATING_ONLY_REASON

    # The next run re-reads the last 3 days of both lists: nothing changes, nothing reopens.
    again = await sync_cabinet(runtime, seller_id, cabinet_id)
    assert again.ok
    assert again.channels["review"].created == again.channels["review"].updated == 0
    reviews = await _items(runtime, seller_id, "review")
    assert all(reviews[i].status == "closed" for i in rating_only)


async def test_review_answer_rejected_by_wb_moderation_is_back_in_unanswered_with_the_reason(
    runtime, sync_wb
) -> None:
    emulator = sync_wb.emulator
    seller = emulator.add_seller(seed=614, feedbacks=80, questions=5, chats=2)
    state = emulator.seller(seller.seller_id)
    # Two fresh reviews: the incremental run re-reads the last 3 days of WB's lists.
    open_ids = [emulator.tick(seller.seller_id, "review")[1] for _ in range(2)]
    seller_id, cabinet_id = await make_cabinet(runtime, seller.token)
    assert (await sync_cabinet(runtime, seller_id, cabinet_id)).ok
    reviews = await _items(runtime, seller_id, "review")
    assert all(reviews[i].needs_response for i in open_ids)
    emulator.set_faults(seller.seller_id, FaultConfig(moderation_reject_rate=1.0))
    emulator.answer_feedback(state, open_ids[0], "Спасибо за отзыв, будем рады видеть вас снова!")
    emulator.set_faults(seller.seller_id, FaultConfig(moderation_reject_rate=0.0))
    emulator.answer_feedback(state, open_ids[1], "Спасибо за отзыв, будем рады видеть вас снова!")
    assert (await sync_cabinet(runtime, seller_id, cabinet_id)).ok

    reviews = await _items(runtime, seller_id, "review")
    rejected, published = reviews[open_ids[0]], reviews[open_ids[1]]
    assert rejected.status == "open" and rejected.needs_response is True
    assert rejected.extra_data["triage"]["needs_response_reason"] == MODERATION_REJECTED_REASON
    assert rejected.extra_data["wb_answer"]["state"] == "rejected"
    assert rejected.extra_data["last_reply"]["state"] != "published"
    assert published.status == "responded" and published.needs_response is False
    assert published.extra_data["wb_answer"]["state"] == "published"


async def test_chat_needs_response_reads_the_buyers_whole_last_turn(runtime, sync_wb) -> None:
    emulator = sync_wb.emulator
    seller = emulator.add_seller(seed=615, feedbacks=5, questions=5, chats=1)
    state = emulator.seller(seller.seller_id)
    chat = state.chats[0]
    with state.lock:
        ts = int(state.events[-1]["addTimestamp"])
        for k, (sender, text) in enumerate(
            [
                ("seller", "Здравствуйте! Пришлите фото, пожалуйста."),
                ("client", "Фото прикрепила."),
                ("client", "Спасибо, жду ответа."),
            ]
        ):
            event = {
                "chatID": chat.chat_id,
                "eventID": str(uuid.uuid4()),
                "eventType": "message",
                "message": {"text": text},
                "addTimestamp": ts + 1000 * (k + 1),
                "addTime": gen.utc_iso((ts + 1000 * (k + 1)) / 1000),
                "sender": sender,
            }
            chat.events.append(event)
            state.events.append(event)
    seller_id, cabinet_id = await make_cabinet(runtime, seller.token)
    assert (await sync_cabinet(runtime, seller_id, cabinet_id)).ok
    row = (await _items(runtime, seller_id, "chat"))[chat.chat_id]
    assert row.needs_response is True and row.intent != "thanks"
    assert row.text == "Фото прикрепила.\nСпасибо, жду ответа."
    assert row.sla_due_at is not None
    assert row.sla_due_at - row.last_buyer_message_at < timedelta(days=2)


async def test_malformed_samples_with_nul_are_stored_on_postgresql(runtime, sync_wb) -> None:
    seller = sync_wb.emulator.add_seller(seed=616, feedbacks=60, questions=10, chats=2)
    sync_wb.emulator.set_faults(
        seller.seller_id, FaultConfig(control_char_rate=1.0, broken_item_rate=0.3)
    )
    seller_id, cabinet_id = await make_cabinet(runtime, seller.token)
    report = await sync_cabinet(runtime, seller_id, cabinet_id)
    assert report.ok and report.channels["review"].errors > 0
    async with runtime.sessionmaker() as session:
        samples = (
            await session.scalars(select(SyncRun.malformed_samples).where(SyncRun.errors > 0))
        ).all()
    assert samples and not _dirty(samples)


async def test_truncated_json_page_is_retried_like_a_5xx_before_the_channel_fails(
    runtime, sync_wb
) -> None:
    runtime.wb_client_options["retry"] = RetryPolicy(max_attempts=10, base_delay_s=0.005)
    seller = sync_wb.emulator.add_seller(seed=617, feedbacks=150, questions=40, chats=8)
    sync_wb.emulator.set_faults(seller.seller_id, FaultConfig(malformed_json_rate=0.3))
    seller_id, cabinet_id = await make_cabinet(runtime, seller.token)
    report = await sync_cabinet(runtime, seller_id, cabinet_id)
    assert report.ok, {c: f.error_message for c, f in report.channels.items()}
    state = sync_wb.emulator.seller(seller.seller_id)
    assert set(await _items(runtime, seller_id, "review")) == set(state.feedback_ids)
    assert set(await _items(runtime, seller_id, "chat")) == set(state.chat_ids)


async def test_skipped_malformed_items_are_re_read_by_the_next_runs(runtime, sync_wb) -> None:
    emulator = sync_wb.emulator
    seller = emulator.add_seller(seed=618, feedbacks=150, questions=60, chats=12)
    state = emulator.seller(seller.seller_id)
    seller_id, cabinet_id = await make_cabinet(runtime, seller.token)
    emulator.set_faults(seller.seller_id, FaultConfig(broken_item_rate=0.2))
    first = await sync_cabinet(runtime, seller_id, cabinet_id)
    assert first.ok and first.channels["review"].errors > 0
    assert first.channels["chat"].errors > 0
    async with runtime.sessionmaker() as session:
        recorded = (
            await session.scalars(select(MalformedItem).where(MalformedItem.seller_id == seller_id))
        ).all()
    assert {r.channel for r in recorded} >= {"review", "chat"}
    missing_reviews = set(state.feedback_ids) - set(await _items(runtime, seller_id, "review"))
    assert missing_reviews <= {r.external_id for r in recorded if r.channel == "review"}

    # Make the watermark pass the skipped items, so only the re-read can bring them.
    async with unit_of_work(runtime.sessionmaker) as session:
        for row in (await session.scalars(select(SyncState))).all():
            if row.channel in ("review", "question"):
                row.watermark = utcnow() + timedelta(days=30)
    emulator.set_faults(seller.seller_id, FaultConfig())  # WB serves them whole now
    second = await sync_cabinet(runtime, seller_id, cabinet_id)
    assert second.ok
    assert set(await _items(runtime, seller_id, "review")) == set(state.feedback_ids)
    assert set(await _items(runtime, seller_id, "question")) == set(state.question_ids)
    async with runtime.sessionmaker() as session:
        left = (
            await session.scalars(
                select(MalformedItem).where(
                    MalformedItem.seller_id == seller_id, MalformedItem.channel != "chat"
                )
            )
        ).all()
        messages = (
            await session.scalars(
                select(ChatMessage.external_id).where(ChatMessage.seller_id == seller_id)
            )
        ).all()
    assert left == []
    # A chat event cannot be asked for again: its raw copy is re-parsed, and one that still
    # does not parse is kept and, after enough runs, recorded as permanently bad.
    broken_events = {r.external_id for r in recorded if r.channel == "chat"}
    assert broken_events and not broken_events & set(messages)
    for _ in range(MAX_REREADS):
        assert (await sync_cabinet(runtime, seller_id, cabinet_id)).ok
    async with runtime.sessionmaker() as session:
        chat_rows = (
            await session.scalars(
                select(MalformedItem).where(
                    MalformedItem.seller_id == seller_id, MalformedItem.channel == "chat"
                )
            )
        ).all()
    assert chat_rows and all(r.permanent for r in chat_rows)
    assert all(r.attempts == MAX_REREADS + 1 for r in chat_rows)
