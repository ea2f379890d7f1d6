"""Changing SLA rules moves the deadlines of the seller's open items, and only theirs."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text

from agentiq.db import unit_of_work
from agentiq.ingestion.ingest import IngestContext, ingest_batch
from agentiq.ingestion.normalise import NormalisedItem
from agentiq.kit.time import utcnow
from agentiq.models import Interaction, InteractionEvent, Seller
from agentiq.runtime import Runtime, build_runtime
from agentiq.triage.service import SlaRulesChange, replace_sla_rules, sla_sweep
from agentiq.triage.sla import SlaRule

pytestmark = pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)

ONE_TWO_STARS = {"channel": "review", "rating_min": 1, "rating_max": 2}
THREE_STARS = {"channel": "review", "rating_min": 3, "rating_max": 3}


async def _seller(runtime: Runtime, name: str = "Магазин") -> int:
    async with unit_of_work(runtime.sessionmaker) as session:
        seller = Seller(name=name)
        session.add(seller)
        await session.flush()
        return seller.id


def review(
    ext: str, rating: int, *, hours_ago: float = 1, answered: bool = False, text: str = ""
) -> NormalisedItem:
    # Microseconds on purpose: the new deadline must keep them on every backend.
    occurred = utcnow().replace(microsecond=123456) - timedelta(hours=hours_ago)
    return NormalisedItem(
        channel="review",
        external_id=ext,
        occurred_at=occurred,
        text=text or f"Отзыв {ext}: пришёл не тот цвет, неприятно",
        rating=rating,
        status="responded" if answered else "open",
        is_answered=answered,
    )


def question(ext: str, text: str, *, hours_ago: float = 1) -> NormalisedItem:
    return NormalisedItem(
        channel="question",
        external_id=ext,
        occurred_at=utcnow() - timedelta(hours=hours_ago),
        text=text,
    )


async def _ingest(
    runtime: Runtime,
    seller_id: int,
    channel: str,
    items: list[NormalisedItem],
    rules: list[SlaRule] | None = None,
) -> None:
    ctx = IngestContext(seller_id=seller_id, connection_id=None, sla_rules=rules or [])  # type: ignore[arg-type]
    async with unit_of_work(runtime.sessionmaker) as session:
        await ingest_batch(session, ctx, channel, items)


async def _rows(runtime: Runtime, seller_id: int) -> dict[str, Interaction]:
    async with runtime.sessionmaker() as session:
        rows = (
            await session.scalars(select(Interaction).where(Interaction.seller_id == seller_id))
        ).all()
        return {r.external_id: r for r in rows}


async def _replace(
    runtime: Runtime, seller_id: int, rules: list[SlaRule], now: datetime | None = None
) -> SlaRulesChange:
    async with unit_of_work(runtime.sessionmaker) as session:
        return await replace_sla_rules(session, seller_id, rules, now=now)


async def _events(runtime: Runtime, kind: str) -> list[InteractionEvent]:
    async with runtime.sessionmaker() as session:
        stmt = select(InteractionEvent).where(InteractionEvent.kind == kind)
        return list((await session.scalars(stmt.order_by(InteractionEvent.id))).all())


async def test_rule_change_moves_open_items_of_that_seller_only(settings) -> None:  # type: ignore[no-untyped-def]
    runtime = build_runtime(settings)
    seller_id, other_id = await _seller(runtime), await _seller(runtime, "Другой")
    # Six minutes old: not overdue under any target below, so no escalation is involved.
    items = [
        review("bad", 1, hours_ago=0.1),
        review("meh", 2, hours_ago=0.1),
        review("good", 5, hours_ago=0.1),
        review("answered", 1, hours_ago=0.1, answered=True),
    ]
    await _ingest(runtime, seller_id, "review", items)
    await _ingest(
        runtime, seller_id, "question", [question("q", "Какой размер брать на 46?", hours_ago=0.1)]
    )
    others = [review("bad", 1, hours_ago=0.1), review("meh", 2, hours_ago=0.1)]
    await _ingest(runtime, other_id, "review", others)
    before, other_before = await _rows(runtime, seller_id), await _rows(runtime, other_id)
    assert before["bad"].needs_response and not before["answered"].needs_response
    assert before["bad"].extra_data["triage"]["sla_minutes"] == 240

    change = await _replace(runtime, seller_id, [SlaRule(**ONE_TWO_STARS, minutes=30)])

    assert change.rescheduled == 2 and change.deescalated == 0 and change.escalated == 0
    rows, other = await _rows(runtime, seller_id), await _rows(runtime, other_id)
    for ext in ("bad", "meh"):
        occurred = before[ext].occurred_at
        assert rows[ext].sla_due_at == occurred + timedelta(minutes=30), ext
        triage = rows[ext].extra_data["triage"]
        assert (triage["sla_minutes"], triage["sla_source"]) == (30, "seller")
        # Everything else in extra_data is kept.
        assert triage["signals"] == before[ext].extra_data["triage"]["signals"]
        assert (
            triage["needs_response_reason"]
            == before[ext].extra_data["triage"]["needs_response_reason"]
        )
    # No seller rule for 5★ or questions: their default deadlines stand.
    for ext in ("good", "q"):
        assert rows[ext].sla_due_at == before[ext].sla_due_at, ext
        assert rows[ext].extra_data["triage"]["sla_source"] == "default"
    # Answered items keep the deadline they were measured against.
    assert rows["answered"].sla_due_at == before["answered"].sla_due_at
    assert rows["answered"].extra_data["triage"]["sla_minutes"] == 240
    # Another seller's items are untouched.
    for ext, row in other.items():
        assert row.sla_due_at == other_before[ext].sla_due_at
        assert row.extra_data == other_before[ext].extra_data

    # Saving the same rules again moves nothing; back to the defaults moves both back.
    again = await _replace(runtime, seller_id, [SlaRule(**ONE_TWO_STARS, minutes=30)])
    assert again.rescheduled == 0
    reset = await _replace(runtime, seller_id, [])
    assert reset.rescheduled == 2
    rows = await _rows(runtime, seller_id)
    for ext in ("bad", "meh", "good", "q", "answered"):
        assert rows[ext].sla_due_at == before[ext].sla_due_at, ext
        assert rows[ext].extra_data["triage"] == before[ext].extra_data["triage"], ext
    await runtime.close()


async def test_same_target_from_the_seller_restamps_the_source(settings) -> None:  # type: ignore[no-untyped-def]
    runtime = build_runtime(settings)
    seller_id = await _seller(runtime)
    await _ingest(runtime, seller_id, "review", [review("bad", 1)])
    before = (await _rows(runtime, seller_id))["bad"]
    change = await _replace(runtime, seller_id, [SlaRule(**ONE_TWO_STARS, minutes=240)])
    assert change.rescheduled == 0
    row = (await _rows(runtime, seller_id))["bad"]
    assert row.sla_due_at == before.sla_due_at
    assert row.extra_data["triage"]["sla_source"] == "seller"
    await runtime.close()


async def test_sqlite_keeps_the_stored_datetime_format(settings) -> None:  # type: ignore[no-untyped-def]
    runtime = build_runtime(settings)
    seller_id = await _seller(runtime)
    await _ingest(runtime, seller_id, "review", [review("bad", 1)])
    await _replace(runtime, seller_id, [SlaRule(**ONE_TWO_STARS, minutes=90)])
    async with runtime.sessionmaker() as session:
        raw = await session.scalar(
            text("SELECT CAST(sla_due_at AS TEXT) FROM interactions WHERE seller_id = :s"),
            {"s": seller_id},
        )
    if runtime.engine.dialect.name == "sqlite":
        # The inbox's keyset cursors compare this text: 'YYYY-MM-DD HH:MM:SS.ffffff'.
        assert raw is not None and len(raw) == 26 and raw[19] == "." and raw.endswith("123456")
    await runtime.close()


async def test_escalation_follows_the_new_deadline(settings) -> None:  # type: ignore[no-untyped-def]
    runtime = build_runtime(settings)
    seller_id = await _seller(runtime)
    # 3★ default is 8 h: both are overdue. "late" stays overdue under 12 h, "fresh" does not.
    neutral = "Нормально, но коробка помялась"
    await _ingest(
        runtime,
        seller_id,
        "review",
        [
            review("late", 3, hours_ago=20, text=neutral),
            review("fresh", 3, hours_ago=10, text=neutral),
        ],
    )
    before = await _rows(runtime, seller_id)
    assert before["late"].priority != "urgent" and before["fresh"].priority != "urgent"
    async with unit_of_work(runtime.sessionmaker) as session:
        assert await sla_sweep(session) == 2
    swept = await _rows(runtime, seller_id)
    assert all(swept[e].escalated_at is not None for e in ("late", "fresh"))
    assert swept["late"].priority_rank == before["late"].priority_rank - 1

    change = await _replace(runtime, seller_id, [SlaRule(**THREE_STARS, minutes=12 * 60)])

    assert (change.rescheduled, change.deescalated, change.escalated) == (2, 1, 0)
    rows = await _rows(runtime, seller_id)
    # Still overdue: the escalation stands, once.
    assert rows["late"].escalated_at == swept["late"].escalated_at
    assert rows["late"].priority == swept["late"].priority
    # No longer overdue: back to the level it had, with a recorded reason.
    assert rows["fresh"].escalated_at is None
    assert (rows["fresh"].priority, rows["fresh"].priority_rank) == (
        before["fresh"].priority,
        before["fresh"].priority_rank,
    )
    undone = await _events(runtime, "deescalated")
    assert [(e.interaction_id, e.payload["to"]) for e in undone] == [
        (rows["fresh"].id, before["fresh"].priority)
    ]
    assert len(await _events(runtime, "escalated")) == 2

    # Re-ingesting changed WB content under the same rules keeps the standing escalation:
    # ingestion computes exactly the deadline stored here.
    rules = [SlaRule(**THREE_STARS, minutes=12 * 60)]
    late = review("late", 3, hours_ago=20, text=neutral + " и пахнет")
    late = dataclasses.replace(late, occurred_at=before["late"].occurred_at)
    await _ingest(runtime, seller_id, "review", [late], rules)
    assert (await _rows(runtime, seller_id))["late"].escalated_at is not None

    # A tighter target makes "fresh" overdue again: escalated now, not at the next sweep.
    tighter = await _replace(runtime, seller_id, [SlaRule(**THREE_STARS, minutes=60)])
    assert (tighter.rescheduled, tighter.deescalated, tighter.escalated) == (2, 0, 1)
    rows = await _rows(runtime, seller_id)
    assert rows["fresh"].escalated_at is not None
    assert rows["fresh"].priority_rank == before["fresh"].priority_rank - 1
    assert len(await _events(runtime, "escalated")) == 3
    await runtime.close()


async def test_urgent_item_raised_from_high_goes_back_to_high(settings) -> None:  # type: ignore[no-untyped-def]
    runtime = build_runtime(settings)
    seller_id = await _seller(runtime)
    await _ingest(runtime, seller_id, "review", [review("x", 1, hours_ago=5)])
    now = utcnow()
    async with unit_of_work(runtime.sessionmaker) as session:
        row = (
            await session.scalars(select(Interaction).where(Interaction.seller_id == seller_id))
        ).one()
        row.priority, row.priority_rank = "high", 1  # as if triage had said "high"
    async with unit_of_work(runtime.sessionmaker) as session:
        assert await sla_sweep(session, now=now) == 1
    assert (await _rows(runtime, seller_id))["x"].priority == "urgent"
    change = await _replace(runtime, seller_id, [SlaRule(**ONE_TWO_STARS, minutes=24 * 60)])
    assert change.deescalated == 1
    row = (await _rows(runtime, seller_id))["x"]
    assert (row.priority, row.priority_rank, row.escalated_at) == ("high", 1, None)
    await runtime.close()
