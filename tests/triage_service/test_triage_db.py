"""Triage on the database: needs_response at ingestion, SLA rules API, sweep escalates once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from agentiq.db import unit_of_work
from agentiq.ingestion.ingest import IngestContext, ingest_batch
from agentiq.ingestion.normalise import NormalisedItem
from agentiq.kit.time import utcnow
from agentiq.models import Interaction, InteractionEvent, ReplyOutbox, Seller
from agentiq.runtime import build_runtime
from agentiq.triage.service import load_sla_rules, replace_sla_rules, sla_sweep
from agentiq.triage.sla import SlaRule
from tests.conftest import browser_client, register

pytestmark = pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)


async def _seller(runtime) -> int:  # type: ignore[no-untyped-def]
    async with unit_of_work(runtime.sessionmaker) as session:
        seller = Seller(name="Магазин")
        session.add(seller)
        await session.flush()
        return seller.id


def review(ext: str, rating: int, text: str = "", *, hours_ago: float = 1, answered: bool = False):  # type: ignore[no-untyped-def]
    return NormalisedItem(
        channel="review",
        external_id=ext,
        occurred_at=utcnow() - timedelta(hours=hours_ago),
        text=text,
        rating=rating,
        status="responded" if answered else "open",
        is_answered=answered,
    )


async def _rows(runtime, seller_id):  # type: ignore[no-untyped-def]
    async with runtime.sessionmaker() as session:
        rows = (
            await session.scalars(select(Interaction).where(Interaction.seller_id == seller_id))
        ).all()
        return {r.external_id: r for r in rows}


async def test_needs_response_and_priority_at_ingestion(settings) -> None:
    runtime = build_runtime(settings)
    seller_id = await _seller(runtime)
    ctx = IngestContext(seller_id=seller_id, connection_id=None)  # type: ignore[arg-type]
    items = [
        review("empty5", 5),
        review("angry1", 1, "Пришёл брак, шов разошёлся, верните деньги"),
        review("done", 2, "Плохо", answered=True),
    ]
    async with unit_of_work(runtime.sessionmaker) as session:
        result = await ingest_batch(session, ctx, "review", items)
    assert result.created == 3
    rows = await _rows(runtime, seller_id)
    assert rows["empty5"].needs_response is False
    assert rows["angry1"].needs_response is True and rows["angry1"].priority in ("urgent", "high")
    assert rows["angry1"].priority_rank <= 1 and rows["angry1"].sla_due_at is not None
    assert rows["done"].needs_response is False and rows["done"].status == "responded"
    async with unit_of_work(runtime.sessionmaker) as session:
        again = await ingest_batch(session, ctx, "review", items)
    assert (again.created, again.updated, again.skipped) == (0, 0, 3)
    await runtime.close()


async def test_reply_pending_item_does_not_flip_back(settings) -> None:
    runtime = build_runtime(settings)
    seller_id = await _seller(runtime)
    ctx = IngestContext(seller_id=seller_id, connection_id=None)  # type: ignore[arg-type]
    async with unit_of_work(runtime.sessionmaker) as session:
        await ingest_batch(
            session, ctx, "review", [review("r1", 1, "Брак"), review("r2", 2, "Плохо")]
        )
    rows = await _rows(runtime, seller_id)
    async with unit_of_work(runtime.sessionmaker) as session:
        session.add(
            ReplyOutbox(
                seller_id=seller_id, interaction_id=rows["r1"].id, kind="answer", text="Спасибо"
            )
        )
        r2 = await session.get(Interaction, rows["r2"].id)
        r2.extra_data = {
            **r2.extra_data,
            "reply_pending_until": (utcnow() + timedelta(minutes=10)).isoformat(),
        }
        r2.content_hash = "stale"  # the dispatcher changed the row; WB still says unanswered
    async with unit_of_work(runtime.sessionmaker) as session:
        await ingest_batch(
            session, ctx, "review", [review("r1", 1, "Брак"), review("r2", 2, "Плохо")]
        )
    rows = await _rows(runtime, seller_id)
    assert rows["r1"].needs_response is False and rows["r1"].status == "responded"
    assert rows["r2"].needs_response is False
    await runtime.close()


async def test_sla_sweep_escalates_exactly_once(settings) -> None:
    runtime = build_runtime(settings)
    seller_id = await _seller(runtime)
    ctx = IngestContext(seller_id=seller_id, connection_id=None)  # type: ignore[arg-type]
    late = review("late", 3, "Так себе", hours_ago=30)
    async with unit_of_work(runtime.sessionmaker) as session:
        await ingest_batch(
            session, ctx, "review", [late, review("fresh", 3, "Так себе", hours_ago=0.1)]
        )
    before = await _rows(runtime, seller_id)
    for _ in range(3):
        async with unit_of_work(runtime.sessionmaker) as session:
            await sla_sweep(session)
    rows = await _rows(runtime, seller_id)
    assert rows["late"].escalated_at is not None
    assert rows["late"].priority_rank == before["late"].priority_rank - 1
    assert rows["fresh"].escalated_at is None
    async with runtime.sessionmaker() as session:
        events = await session.scalar(
            select(func.count())
            .select_from(InteractionEvent)
            .where(InteractionEvent.kind == "escalated")
        )
    assert events == 1
    # Re-ingesting the same WB content keeps the escalation (hash unchanged).
    async with unit_of_work(runtime.sessionmaker) as session:
        await ingest_batch(session, ctx, "review", [late])
    assert (await _rows(runtime, seller_id))["late"].escalated_at is not None
    await runtime.close()


async def test_seller_sla_rules_apply_at_ingestion(settings) -> None:
    runtime = build_runtime(settings)
    seller_id = await _seller(runtime)
    async with unit_of_work(runtime.sessionmaker) as session:
        await replace_sla_rules(session, seller_id, [SlaRule(channel="review", minutes=15)])
    async with runtime.sessionmaker() as session:
        rules = await load_sla_rules(session, seller_id)
    ctx = IngestContext(seller_id=seller_id, connection_id=None, sla_rules=rules)  # type: ignore[arg-type]
    item = review("x", 3, "Нормально")
    async with unit_of_work(runtime.sessionmaker) as session:
        await ingest_batch(session, ctx, "review", [item])
    row = (await _rows(runtime, seller_id))["x"]
    assert row.sla_due_at == item.occurred_at + timedelta(minutes=15)
    await runtime.close()


async def test_sla_endpoints_owner_only_and_round_trip(app, client) -> None:
    await register(client, "owner@example.com")
    body = (await client.get("/api/settings/sla")).json()
    assert body["is_default"] is True and body["rules"]
    rules = [
        {"channel": "chat", "minutes": 30},
        {"channel": "review", "minutes": 120, "rating_min": 1, "rating_max": 2},
    ]
    response = await client.put("/api/settings/sla", json={"rules": rules})
    assert response.status_code == 200, response.text
    assert response.json()["is_default"] is False
    assert [r["minutes"] for r in (await client.get("/api/settings/sla")).json()["rules"]] == [
        30,
        120,
    ]
    bad = await client.put("/api/settings/sla", json={"rules": [{"channel": "chat", "minutes": 0}]})
    assert bad.status_code == 422
    async with browser_client(app) as anonymous:
        assert (await anonymous.get("/api/settings/sla")).status_code == 401
