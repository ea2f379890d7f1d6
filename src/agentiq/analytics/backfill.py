"""`agentiq analytics-backfill`: rebuild a seller's facts and daily rows from stored data.

Facts from the API/demo data are rebuilt from the interactions and their events; imported
fallback facts are kept (their file is not stored) and re-aggregated. Idempotent: running it
twice gives the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.analytics.facts import (
    CLOSED,
    ESCALATION_CONVERTED,
    QUALITY_OUTCOME,
    RECEIVED,
    REPLY_SENT,
    Fact,
    daily_rows,
    fact_for,
    first_response_facts,
    record_many,
    upsert_daily,
)
from agentiq.kit.time import ensure_utc
from agentiq.models import Interaction, InteractionEvent, MetricDaily, MetricFact

CHUNK = 2000
QUALITY_KINDS = tuple(QUALITY_OUTCOME)
DIMENSIONS = (
    Interaction.id,
    Interaction.channel,
    Interaction.source,
    Interaction.connection_id,
    Interaction.intent,
    Interaction.rating,
    Interaction.nm_id,
    Interaction.extra_data,
    Interaction.occurred_at,
    Interaction.first_response_at,
    Interaction.sla_due_at,
)


@dataclass
class BackfillReport:
    interactions: int = 0
    facts: int = 0
    fallback_kept: int = 0


def _dims(row: Any) -> dict[str, Any]:
    return dict(row._mapping)


async def _interaction_facts(session: AsyncSession, seller_id: int, report: BackfillReport) -> None:
    last_id = 0
    while True:
        rows = (
            await session.execute(
                select(*DIMENSIONS)
                .where(Interaction.seller_id == seller_id, Interaction.id > last_id)
                .order_by(Interaction.id)
                .limit(CHUNK)
            )
        ).all()
        if not rows:
            return
        found: list[Fact] = []
        for row in rows:
            item = _dims(row)
            found.append(fact_for(item, RECEIVED, at=item["occurred_at"], interaction_id=None))
            found.extend(first_response_facts(item))
        await record_many(session, seller_id, found)
        report.interactions += len(rows)
        report.facts += len(found)
        last_id = rows[-1].id


async def _event_facts(session: AsyncSession, seller_id: int, report: BackfillReport) -> None:
    """reply_sent with the quality class recorded next to it; closed with its time."""
    last_id = 0
    kinds = ("reply_sent", "closed", *LINKING_EVENTS)
    seen_links: set[tuple[object, ...]] = set()
    while True:
        rows = (
            await session.execute(
                select(
                    InteractionEvent.id.label("event_id"),
                    InteractionEvent.kind,
                    InteractionEvent.payload,
                    InteractionEvent.actor_user_id,
                    InteractionEvent.created_at,
                    *DIMENSIONS,
                )
                .join(Interaction, Interaction.id == InteractionEvent.interaction_id)
                .where(
                    InteractionEvent.seller_id == seller_id,
                    InteractionEvent.kind.in_(kinds),
                    InteractionEvent.id > last_id,
                )
                .order_by(InteractionEvent.id)
                .limit(CHUNK)
            )
        ).all()
        if not rows:
            return
        # The quality event follows its reply_sent; read them by item so a chunk edge between
        # the two cannot lose the class.
        quality_rows = await session.execute(
            select(InteractionEvent.kind, InteractionEvent.payload).where(
                InteractionEvent.seller_id == seller_id,
                InteractionEvent.kind.in_(QUALITY_KINDS),
                InteractionEvent.interaction_id.in_({r.id for r in rows if r.kind == "reply_sent"}),
            )
        )
        quality_by_outbox = {(p or {}).get("outbox_id"): kind for kind, p in quality_rows}
        found: list[Fact] = []
        for row in rows:
            item = _dims(row)
            at = ensure_utc(row.created_at)
            payload = row.payload or {}
            if row.kind == "reply_sent":
                quality = quality_by_outbox.get(payload.get("outbox_id"), "reply_manual")
                outcome = "auto" if payload.get("is_auto") else QUALITY_OUTCOME[quality]
                found.append(
                    fact_for(item, REPLY_SENT, at=at, outcome=outcome, user_id=row.actor_user_id)
                )
            elif row.kind in LINKING_EVENTS:
                fact = _linking_fact(row, item, at, payload, seen_links)
                if fact is not None:
                    found.append(fact)
            elif row.kind == "closed":
                minutes = max(0.0, (at - ensure_utc(row.occurred_at)).total_seconds() / 60)
                found.append(fact_for(item, CLOSED, at=at, value=minutes))
        await record_many(session, seller_id, found)
        report.facts += len(found)
        last_id = rows[-1].event_id


# Events the linking module writes -> facts (it records the same facts live).
LINKING_EVENTS = (
    "escalation_opened",
    "escalation_chat_opened",
    "escalation_resolved",
    "link_confirmed",
    "link_rejected",
)


def _linking_fact(
    row: Any, item: dict[str, Any], at: Any, payload: dict[str, Any], seen: set[tuple[object, ...]]
) -> Fact | None:
    if row.kind == "escalation_chat_opened":
        # Written on the review and on the chat: the fact belongs to the review.
        if payload.get("chat_id") == row.id:
            return None
        return fact_for(item, ESCALATION_CONVERTED, at=at)
    if row.kind.startswith("link_"):
        verdict = row.kind.removeprefix("link_")
        key = (payload.get("link_id"), row.kind, payload.get("previous"))
        # Written on both linked items; a repeated verdict is not a new decision.
        if key in seen or payload.get("previous") == verdict:
            return None
        seen.add(key)
        return fact_for(item, row.kind, at=at, user_id=row.actor_user_id)
    return fact_for(item, row.kind, at=at, user_id=row.actor_user_id)


async def _reaggregate_fallback(
    session: AsyncSession, seller_id: int, report: BackfillReport
) -> None:
    last_id = 0
    while True:
        rows = (
            await session.scalars(
                select(MetricFact)
                .where(
                    MetricFact.seller_id == seller_id,
                    MetricFact.source == "fallback",
                    MetricFact.id > last_id,
                )
                .order_by(MetricFact.id)
                .limit(CHUNK)
            )
        ).all()
        if not rows:
            return
        found = [
            Fact(
                metric=r.metric,
                channel=r.channel,
                source=r.source,
                occurred_at=r.occurred_at,
                outcome=r.outcome,
                value=r.value,
                connection_id=r.connection_id,
                interaction_id=r.interaction_id,
                user_id=r.user_id,
                intent=r.intent,
                rating=r.rating,
                nm_id=r.nm_id,
            )
            for r in rows
        ]
        await upsert_daily(session, daily_rows(seller_id, found))
        report.fallback_kept += len(rows)
        last_id = rows[-1].id


async def backfill_seller(session: AsyncSession, seller_id: int) -> BackfillReport:
    report = BackfillReport()
    await session.execute(
        delete(MetricFact).where(MetricFact.seller_id == seller_id, MetricFact.source != "fallback")
    )
    await session.execute(delete(MetricDaily).where(MetricDaily.seller_id == seller_id))
    await _interaction_facts(session, seller_id, report)
    await _event_facts(session, seller_id, report)
    await _reaggregate_fallback(session, seller_id, report)
    return report
