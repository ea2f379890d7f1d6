"""A full sync against the emulator (real HTTP) converges to the emulator's ground truth."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from agentiq.emulator.faults import FaultConfig
from agentiq.ingestion.service import sync_cabinet
from agentiq.models import ChatMessage, Interaction, ProductCard, SyncRun, SyncState
from tests.ingestion.conftest import count_rows, make_cabinet, stored_ids

pytestmark = pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)


def chat_event_ids(state) -> set[str]:  # type: ignore[no-untyped-def]
    return {e["eventID"] for e in state.events}


async def assert_converged(runtime, seller_id, state) -> None:  # type: ignore[no-untyped-def]
    for channel, truth in (
        ("review", state.feedback_ids),
        ("question", state.question_ids),
        ("chat", state.chat_ids),
    ):
        ids = await stored_ids(runtime, seller_id, channel)
        assert len(ids) == len(set(ids)), f"duplicates in {channel}"
        assert set(ids) == set(truth), f"{channel}: missing {len(set(truth) - set(ids))}"
    messages = await count_rows(runtime, ChatMessage, ChatMessage.seller_id == seller_id)
    assert messages == len(chat_event_ids(state))


async def test_full_sync_converges_and_resync_writes_nothing(runtime, sync_wb) -> None:
    seller = sync_wb.emulator.add_seller(seed=501, feedbacks=400, questions=150, chats=25)
    state = sync_wb.emulator.seller(seller.seller_id)
    seller_id, cabinet_id = await make_cabinet(runtime, seller.token)

    report = await sync_cabinet(runtime, seller_id, cabinet_id)
    assert report.ok, report
    await assert_converged(runtime, seller_id, state)
    assert report.channels["review"].created == len(state.feedback_ids)

    again = await sync_cabinet(runtime, seller_id, cabinet_id)
    assert again.ok
    assert sum(f.created + f.updated for f in again.channels.values()) == 0
    assert again.channels["review"].skipped > 0

    async with runtime.sessionmaker() as session:
        cards = (
            await session.scalars(select(ProductCard).where(ProductCard.seller_id == seller_id))
        ).all()
        assert cards and all(c.name for c in cards if c.brand)
        states = {s.channel: s for s in (await session.scalars(select(SyncState))).all()}
        assert states["review"].watermark is not None and states["chat"].cursor
        runs = (
            await session.scalars(select(SyncRun).where(SyncRun.connection_id == cabinet_id))
        ).all()
        assert Counter(r.status for r in runs) == Counter({"ok": 6})
        answered = await session.scalar(
            select(Interaction).where(
                Interaction.seller_id == seller_id,
                Interaction.channel == "review",
                Interaction.status == "responded",
            )
        )
        assert answered is not None and answered.extra_data["last_reply"]["state"] == "published"
        assert answered.needs_response is False


async def test_new_items_arrive_incrementally(runtime, sync_wb) -> None:
    seller = sync_wb.emulator.add_seller(seed=502, feedbacks=60, questions=30, chats=5)
    state = sync_wb.emulator.seller(seller.seller_id)
    seller_id, cabinet_id = await make_cabinet(runtime, seller.token)
    await sync_cabinet(runtime, seller_id, cabinet_id)
    for channel in ("review", "question", "chat", "chat"):
        sync_wb.emulator.tick(seller.seller_id, channel)
    report = await sync_cabinet(runtime, seller_id, cabinet_id)
    assert report.ok
    assert report.channels["review"].created == 1
    assert report.channels["question"].created == 1
    await assert_converged(runtime, seller_id, state)


async def test_converges_with_faults_and_malformed_items(runtime, sync_wb) -> None:
    seller = sync_wb.emulator.add_seller(seed=503, feedbacks=300, questions=120, chats=20)
    state = sync_wb.emulator.seller(seller.seller_id)
    seller_id, cabinet_id = await make_cabinet(runtime, seller.token)
    sync_wb.emulator.set_faults(
        seller.seller_id,
        FaultConfig(
            error_rate={429: 0.07, 500: 0.05, 502: 0.03, 503: 0.03},
            timeout_rate=0.02,
            timeout_s=3.0,
            broken_item_rate=0.05,
        ),
    )
    malformed = 0
    for _ in range(12):
        report = await sync_cabinet(runtime, seller_id, cabinet_id, full=True)
        malformed += sum(f.errors for f in report.channels.values())
        if report.ok:
            break
    sync_wb.emulator.set_faults(seller.seller_id, FaultConfig())
    report = await sync_cabinet(runtime, seller_id, cabinet_id, full=True)
    assert report.ok
    await assert_converged(runtime, seller_id, state)
    assert malformed > 0
    async with runtime.sessionmaker() as session:
        samples = (
            await session.scalars(select(SyncRun.malformed_samples).where(SyncRun.errors > 0))
        ).all()
        assert samples and samples[0]["items"][0]["error"]
