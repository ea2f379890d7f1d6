"""Facts are written in the transaction of the change they describe, and the backfill
rebuilds exactly the same daily roll-up from the stored data."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select

from agentiq.analytics.backfill import backfill_seller
from agentiq.db import unit_of_work
from agentiq.ingestion.tasks import run_sync_cabinet
from agentiq.interactions.actions import close
from agentiq.models import Interaction, MetricDaily, MetricFact
from agentiq.replies.service import GuardrailsBlocked, submit_reply
from agentiq.runtime import Runtime
from tests.ingestion.conftest import make_cabinet
from tests.marketplaces.conftest import RunningEmulator

GOOD = "Анна, спасибо за отзыв! Рады, что товар подошёл. Ждём вас снова в нашем магазине."


async def _daily(runtime: Runtime, seller_id: int) -> Counter[tuple[Any, ...]]:
    async with unit_of_work(runtime.sessionmaker) as s:
        rows = await s.scalars(select(MetricDaily).where(MetricDaily.seller_id == seller_id))
        out: Counter[tuple[Any, ...]] = Counter()
        for r in rows:
            # A chat's topic (and its start, as older events arrive) is decided again as its
            # messages come in: the live fact keeps what was known at receipt, the backfill
            # sees today's. Everything else must match exactly.
            chat = r.channel == "chat"
            intent = "" if chat else r.intent
            day = None if chat and r.metric == "received" else r.day
            key = (day, r.metric, r.channel, r.outcome, r.source, intent, r.rating, r.nm_id)
            key += (r.user_id, r.bucket, r.connection_id)
            out[key] += r.count
        return out


async def _facts(runtime: Runtime, seller_id: int) -> Counter[tuple[str, str, str]]:
    async with unit_of_work(runtime.sessionmaker) as s:
        rows = await s.execute(
            select(MetricFact.metric, MetricFact.channel, MetricFact.outcome).where(
                MetricFact.seller_id == seller_id
            )
        )
        return Counter((m, c, o) for m, c, o in rows)


@pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)
async def test_sync_reply_close_write_facts_and_backfill_rebuilds_them(
    runtime: Runtime, sync_wb: RunningEmulator
) -> None:
    emulated = sync_wb.emulator.add_seller("Факты", seed=4242, feedbacks=60, questions=30, chats=8)
    seller_id, cabinet_id = await make_cabinet(runtime, emulated.token)
    report = await run_sync_cabinet(runtime, seller_id, cabinet_id, full=True)
    assert report is not None and report.ok

    async with unit_of_work(runtime.sessionmaker) as s:
        items = list(
            (await s.scalars(select(Interaction).where(Interaction.seller_id == seller_id))).all()
        )
    per_channel = Counter(i.channel for i in items)
    answered_on_wb = Counter(i.channel for i in items if i.first_response_at is not None)
    facts = await _facts(runtime, seller_id)
    for channel, n in per_channel.items():
        assert facts[("received", channel, "")] == n
        assert facts[("first_response", channel, "")] == answered_on_wb[channel]
    sla_facts = sum(v for (m, _, _), v in facts.items() if m == "sla")
    assert sla_facts == sum(
        1 for i in items if i.first_response_at is not None and i.sla_due_at is not None
    )

    # A second sync of the same data records nothing new.
    report = await run_sync_cabinet(runtime, seller_id, cabinet_id, full=True)
    assert report is not None and report.ok
    assert await _facts(runtime, seller_id) == facts

    # Our reply: reply_sent (manual, no draft) + first response + answered, in its transaction.
    # (An item WB already shows an answer for would be an edit: not a first response.)
    fresh = [
        i
        for i in items
        if i.channel == "review"
        and i.first_response_at is None
        and not (i.extra_data or {}).get("wb_answer")
    ]
    target = fresh[0]
    async with unit_of_work(runtime.sessionmaker) as s:
        await submit_reply(s, runtime, seller_id, target.id, GOOD, user_id=None)
    after = await _facts(runtime, seller_id)
    assert after[("reply_sent", "review", "manual")] == 1
    assert after[("first_response", "review", "")] == facts[("first_response", "review", "")] + 1
    assert after[("answered", "review", "")] == facts[("answered", "review", "")] + 1

    # A reply that fails (guardrails) records nothing: the transaction rolled back.
    other = next(
        i
        for i in items
        if i.channel == "review" and i.first_response_at is None and i.id != target.id
    )
    with pytest.raises(GuardrailsBlocked):
        async with unit_of_work(runtime.sessionmaker) as s:
            await submit_reply(
                s, runtime, seller_id, other.id, "Пишите нам в телеграм @shop_promo", user_id=None
            )
    assert await _facts(runtime, seller_id) == after

    async with unit_of_work(runtime.sessionmaker) as s:
        await close(s, seller_id, [other.id], None)
    closed = await _facts(runtime, seller_id)
    assert closed[("closed", "review", "")] == 1

    live_daily = await _daily(runtime, seller_id)
    async with unit_of_work(runtime.sessionmaker) as s:
        rebuilt = await backfill_seller(s, seller_id)
    assert rebuilt.interactions == len(items)
    assert await _daily(runtime, seller_id) == live_daily
    assert await _facts(runtime, seller_id) == closed
