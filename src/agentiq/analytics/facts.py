"""Reporting facts: one call records an event and keeps its daily roll-up current.

Call `record` (or `record_many` for a batch) inside the transaction that makes the change
the fact describes, so a fact exists exactly when its change was committed:

    await facts.record(session, seller_id, "escalation_opened", item=item)

Metrics written here and by other modules:
- received (at the buyer's time), first_response (value = minutes), answered (at the
  buyer's time, written with the first response), sla (outcome met/missed),
  reply_sent (outcome accepted / edited / manual / auto — auto is an auto-answer),
  closed (value = minutes from receipt to close);
- escalation_opened / escalation_converted / escalation_resolved, link_confirmed /
  link_rejected: recorded by the linking module with the same call.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.kit.time import ensure_utc, utcnow
from agentiq.models import Interaction, MetricDaily, MetricFact
from agentiq.triage.rules import EVIDENCE_SIGNALS, SIGNAL_ORDER

RECEIVED = "received"
# Written at the item's receipt time when it is first answered: answered / received over the
# same receipt days is the answered share of that cohort.
ANSWERED = "answered"
FIRST_RESPONSE = "first_response"
SLA = "sla"
REPLY_SENT = "reply_sent"
CLOSED = "closed"
ESCALATION_OPENED = "escalation_opened"
ESCALATION_CONVERTED = "escalation_converted"
ESCALATION_RESOLVED = "escalation_resolved"
LINK_CONFIRMED = "link_confirmed"
LINK_REJECTED = "link_rejected"

SOURCES = ("wb_api", "fallback", "demo")
# Rows per executemany batch.
CHUNK = 500

# Response-time histogram (minutes, upper edges): bucket i holds (edge[i-1], edge[i]]. ~40
# buckets keep the daily roll-up small at any volume; a percentile is reported as its
# bucket's upper edge (exact for the round figures people set as targets).
BUCKET_EDGES: tuple[float, ...] = (
    1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 75, 90, 105, 120, 150, 180,
    240, 300, 360, 480, 600, 720, 960, 1200, 1440, 2160, 2880, 4320, 5760, 7200, 10080,
    14400, 20160,
)  # fmt: skip
DURATION_METRICS = frozenset({FIRST_RESPONSE, CLOSED})


def bucket_of(minutes: float) -> int:
    """Index of the histogram bucket holding `minutes` (len(BUCKET_EDGES) = overflow)."""
    return bisect.bisect_left(BUCKET_EDGES, max(0.0, minutes))


def bucket_upper(index: int) -> float | None:
    return BUCKET_EDGES[index] if index < len(BUCKET_EDGES) else None


@dataclass(frozen=True, slots=True)
class Fact:
    metric: str
    channel: str
    source: str
    occurred_at: datetime
    outcome: str = ""
    value: float = 1.0
    connection_id: int | None = None
    interaction_id: int | None = None
    user_id: int | None = None
    intent: str | None = None
    rating: int | None = None
    nm_id: int | None = None


def complaint_topic(channel: str, intent: str | None, extra: dict[str, Any] | None) -> str | None:
    """Question intent / chat topic; for a review, its most serious complaint signal."""
    if channel != "review":
        return intent
    signals = set(((extra or {}).get("triage") or {}).get("signals") or [])
    for signal in SIGNAL_ORDER:
        if signal in signals and signal not in EVIDENCE_SIGNALS:
            return signal
    return None


def is_complaint(channel: str, topic: str | None, rating: int | None) -> bool:
    """Reviews with a complaint signal: kept per product for top complaints and repeats."""
    return channel == "review" and topic is not None


def fact_for(
    item: Interaction | Any, metric: str, *, at: datetime | None = None, **fields: Any
) -> Fact:
    """A fact carrying the item's dimensions (works for the ORM row and the sync's row dict)."""
    get = item.get if isinstance(item, dict) else lambda name: getattr(item, name, None)
    channel = str(get("channel"))
    fact = Fact(
        metric=metric,
        channel=channel,
        source=str(get("source") or "wb_api"),
        occurred_at=ensure_utc(at or utcnow()),
        connection_id=get("connection_id"),
        interaction_id=get("id"),
        intent=complaint_topic(channel, get("intent"), get("extra_data")),
        rating=get("rating"),
        nm_id=get("nm_id"),
    )
    return replace(fact, **fields) if fields else fact


def first_response_facts(item: Interaction | Any) -> list[Fact]:
    """first_response (+ sla met/missed when the item had a deadline) at its first answer."""
    get = item.get if isinstance(item, dict) else lambda name: getattr(item, name, None)
    answered, occurred, due = get("first_response_at"), get("occurred_at"), get("sla_due_at")
    if answered is None or occurred is None:
        return []
    answered = ensure_utc(answered)
    minutes = max(0.0, (answered - ensure_utc(occurred)).total_seconds() / 60)
    found = [
        fact_for(item, FIRST_RESPONSE, at=answered, value=round(minutes, 3)),
        fact_for(item, ANSWERED, at=ensure_utc(occurred)),
    ]
    if due is not None:
        met = answered <= ensure_utc(due)
        found.append(fact_for(item, SLA, at=answered, outcome="met" if met else "missed"))
    return found


def ingest_facts(row: dict[str, Any], old: Any | None) -> list[Fact]:
    """Facts for one synced row: received when new, first response when WB shows the first
    answer (ours was recorded when we sent it, which set first_response_at already)."""
    found: list[Fact] = []
    if old is None:
        found.append(fact_for(row, RECEIVED, at=row["occurred_at"], interaction_id=None))
    had_answer = old is not None and old.first_response_at is not None
    if row.get("first_response_at") is not None and not had_answer:
        found.extend(
            replace(f, interaction_id=old.id if old is not None else None)
            for f in first_response_facts(row)
        )
    return found


async def record(
    session: AsyncSession,
    seller_id: int,
    metric: str,
    *,
    item: Interaction | None = None,
    at: datetime | None = None,
    **fields: Any,
) -> None:
    """Record one fact (with the item's dimensions when given) in the caller's transaction."""
    if item is not None:
        fact = fact_for(item, metric, at=at, **fields)
    else:
        fact = Fact(metric=metric, occurred_at=ensure_utc(at or utcnow()), **fields)
    await record_many(session, seller_id, [fact])


# Only `received` keeps the item's intent and rating; a complaint (a review's complaint signal)
# also counts in a per-product `complaint` row, read only by top complaints and repeat issues,
# so the other metrics' daily rows stay few at any volume.
COMPLAINT = "complaint"


def _daily_keys(seller_id: int, fact: Fact) -> list[tuple[Any, ...]]:
    received = fact.metric == RECEIVED
    if fact.metric in DURATION_METRICS:
        bucket = bucket_of(fact.value)
    elif fact.metric == REPLY_SENT and fact.user_id:
        bucket = fact.occurred_at.hour  # distinct (operator, day, hour) = operator-hours
    else:
        bucket = 0
    key = (
        seller_id,
        fact.occurred_at.date(),
        fact.metric,
        fact.connection_id or 0,
        fact.channel,
        fact.outcome,
        fact.source,
        (fact.intent or "") if received else "",
        (fact.rating or 0) if received else 0,
        0,
        (fact.user_id or 0) if fact.metric == REPLY_SENT else 0,
        bucket,
    )
    keys = [key]
    if received and is_complaint(fact.channel, fact.intent, fact.rating):
        keys.append((*key[:2], COMPLAINT, *key[3:9], fact.nm_id or 0, 0, 0))
    return keys


DAILY_KEY = (
    "seller_id",
    "day",
    "metric",
    "connection_id",
    "channel",
    "outcome",
    "source",
    "intent",
    "rating",
    "nm_id",
    "user_id",
    "bucket",
)


def daily_rows(seller_id: int, found: Iterable[Fact]) -> list[dict[str, Any]]:
    totals: dict[tuple[Any, ...], list[float]] = {}
    for fact in found:
        for key in _daily_keys(seller_id, fact):
            slot = totals.setdefault(key, [0, 0.0])
            slot[0] += 1
            slot[1] += fact.value
    # Sorted, so concurrent transactions lock daily rows in the same order (no deadlocks).
    return [
        {**dict(zip(DAILY_KEY, key, strict=True)), "count": int(c), "total": t}
        for key, (c, t) in sorted(totals.items(), key=lambda kv: repr(kv[0]))
    ]


async def upsert_daily(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    table: Any = MetricDaily.__table__
    dialect = session.get_bind().dialect.name
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(DAILY_KEY),
        set_={
            "count": table.c.count + stmt.excluded["count"],
            "total": table.c.total + stmt.excluded.total,
        },
    )
    for start in range(0, len(rows), CHUNK):
        await session.execute(stmt, rows[start : start + CHUNK])


async def record_many(session: AsyncSession, seller_id: int, found: list[Fact]) -> None:
    if not found:
        return
    now = utcnow()
    rows = [
        {
            "seller_id": seller_id,
            "metric": f.metric,
            "outcome": f.outcome,
            "value": f.value,
            "source": f.source,
            "connection_id": f.connection_id,
            "interaction_id": f.interaction_id,
            "user_id": f.user_id,
            "channel": f.channel,
            "intent": f.intent,
            "rating": f.rating,
            "nm_id": f.nm_id,
            "occurred_at": f.occurred_at,
            "created_at": now,
        }
        for f in found
    ]
    # Core INSERT: the ORM's bulk path sent one statement per row on asyncpg.
    table: Any = MetricFact.__table__
    for start in range(0, len(rows), CHUNK):
        await session.execute(insert(table), rows[start : start + CHUNK])
    await upsert_daily(session, daily_rows(seller_id, found))


# The replies module's quality event kinds -> the fact's outcome.
QUALITY_OUTCOME = {
    "draft_accepted": "accepted",
    "draft_edited": "edited",
    "reply_manual": "manual",
}


def reply_facts(
    item: Interaction, quality: str | None, user_id: int | None, *, first: bool
) -> list[Fact]:
    """reply_sent with its quality class (no class = an auto-answer), plus the first-response
    and SLA facts when this reply is the item's first answer."""
    outcome = QUALITY_OUTCOME.get(quality or "", "manual") if quality else "auto"
    found = [fact_for(item, REPLY_SENT, outcome=outcome, user_id=user_id)]
    return found + (first_response_facts(item) if first else [])


async def record_closed(session: AsyncSession, seller_id: int, ids: list[int]) -> None:
    """closed facts (value = minutes from receipt) for items an operator just closed."""
    if not ids:
        return
    rows = await session.scalars(
        select(Interaction).where(Interaction.seller_id == seller_id, Interaction.id.in_(ids))
    )
    now = utcnow()
    await record_many(
        session,
        seller_id,
        [
            fact_for(
                item,
                CLOSED,
                at=now,
                value=max(0.0, (now - ensure_utc(item.occurred_at)).total_seconds() / 60),
            )
            for item in rows
        ],
    )
