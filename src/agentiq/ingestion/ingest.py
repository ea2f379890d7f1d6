"""One batch of normalised items -> triaged rows -> one upsert (inside the caller's session).

`ingest_batch` does both halves in one session; the sync's page pipeline calls
`prepare_batch` (reads + triage, CPU) for the next page while `write_batch` of the previous
page runs, so triage overlaps the database's own work.

A row is triaged and written only when its content hash differs from the stored one; an item
whose reply is on its way (outbox) or was just sent by us stays answered until WB agrees.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.analytics.facts import Fact, ingest_facts, record_many
from agentiq.ingestion.normalise import NormalisedItem
from agentiq.ingestion.repository import ExistingRow, IngestionRepository
from agentiq.kit.time import ensure_utc, utcnow
from agentiq.linking.scoring import DEFAULT_WINDOW_DAYS
from agentiq.linking.service import link_items, touch_from
from agentiq.models import PRIORITY_RANK, Priority
from agentiq.triage.engine import triage
from agentiq.triage.llm_mark import LLM_INTENT, carried_llm_mark
from agentiq.triage.repository import NEXT_LEVEL
from agentiq.triage.schemas import TriageInput, TriageSettings
from agentiq.triage.sla import SlaRule


@dataclass(slots=True)
class IngestContext:
    seller_id: int
    connection_id: int
    marketplace: str = "wb"
    source: str = "wb_api"
    sla_rules: list[SlaRule] = field(default_factory=list)
    triage_settings: TriageSettings = field(default_factory=TriageSettings)
    # Cross-channel links are computed for every written batch (off only in benchmarks).
    linking: bool = True
    link_window_days: int = DEFAULT_WINDOW_DAYS


@dataclass(slots=True)
class BatchResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    changed_ids: list[str] = field(default_factory=list)


def _reply_pending_until(extra: dict[str, Any]) -> datetime | None:
    raw = extra.get("reply_pending_until")
    if not raw:
        return None
    try:
        return ensure_utc(datetime.fromisoformat(str(raw)))
    except ValueError:
        return None


def _held(
    item: NormalisedItem, existing: ExistingRow | None, pending: set[int], now: datetime
) -> bool:
    """True when WB still shows the item unanswered but our reply is on its way."""
    if existing is None or item.status != "open":
        return False
    if existing.id in pending:
        return True
    until = _reply_pending_until(existing.extra_data)
    return until is not None and until > now


def _stored_hash(item: NormalisedItem, held: bool) -> str:
    # A held row stores a different hash, so it is rewritten once the hold is over.
    digest = item.content_hash
    return hashlib.sha256(f"{digest}:reply-pending".encode()).hexdigest() if held else digest


@dataclass(slots=True)
class PreparedBatch:
    """Rows ready to write: triaged and merged with what is stored, nothing written yet."""

    channel: str
    result: BatchResult
    rows: list[dict[str, Any]] = field(default_factory=list)
    cards: list[dict[str, Any]] = field(default_factory=list)
    # Rows not stored before this batch: they have no links to forget.
    new_external_ids: set[str] = field(default_factory=set)
    facts: list[Fact] = field(default_factory=list)


async def prepare_batch(
    session: AsyncSession,
    ctx: IngestContext,
    channel: str,
    items: list[NormalisedItem],
    *,
    existing: dict[str, ExistingRow] | None = None,
) -> PreparedBatch:
    """Change detection and triage for a batch; only reads (any session will do)."""
    prepared = PreparedBatch(channel, BatchResult())
    result = prepared.result
    unique = list({item.external_id: item for item in items}.values())
    if not unique:
        return prepared
    repo = IngestionRepository(session, ctx.seller_id)
    if existing is None:
        existing = await repo.existing(ctx.marketplace, channel, [i.external_id for i in unique])
    pending = await repo.pending_reply_ids([row.id for row in existing.values()])
    now = utcnow()
    cards: dict[int, dict[str, Any]] = {}
    for item in unique:
        old = existing.get(item.external_id)
        held = _held(item, old, pending, now)
        digest = _stored_hash(item, held)
        if old is not None and old.content_hash == digest:
            result.skipped += 1
            continue
        prepared.rows.append(build_row(ctx, item, old, held, digest, now))
        prepared.facts.extend(ingest_facts(prepared.rows[-1], old))
        result.changed_ids.append(item.external_id)
        if old is None:
            result.created += 1
            prepared.new_external_ids.add(item.external_id)
        else:
            result.updated += 1
        if item.product is not None:
            card = cards.setdefault(item.product.nm_id, _card(item))
            if item.product.size and item.product.size not in card["sizes"]["seen"]:
                card["sizes"]["seen"].append(item.product.size)
    prepared.cards = list(cards.values())
    return prepared


async def write_batch(
    session: AsyncSession, ctx: IngestContext, prepared: PreparedBatch
) -> BatchResult:
    """The batched upserts of a prepared batch (inside the caller's transaction)."""
    repo = IngestionRepository(session, ctx.seller_id)
    await repo.upsert(prepared.rows)
    await repo.upsert_product_cards(ctx.marketplace, prepared.cards)
    await record_many(session, ctx.seller_id, prepared.facts)
    if prepared.rows:
        ids = await repo.ids_for(
            ctx.marketplace, prepared.channel, [row["external_id"] for row in prepared.rows]
        )
        await repo.replace_wb_answers(prepared.rows, ids)
        if ctx.linking:
            # The rows just written are the batch's touches: no need to read them back.
            batch = [
                touch_from(ids[row["external_id"]], row)
                for row in prepared.rows
                if row["external_id"] in ids
            ]
            await link_items(
                session,
                ctx.seller_id,
                list(ids.values()),
                window=ctx.link_window_days,
                batch=batch,
                new_ids={ids[e] for e in prepared.new_external_ids if e in ids},
            )
    return prepared.result


async def ingest_batch(
    session: AsyncSession,
    ctx: IngestContext,
    channel: str,
    items: list[NormalisedItem],
    *,
    existing: dict[str, ExistingRow] | None = None,
) -> BatchResult:
    prepared = await prepare_batch(session, ctx, channel, items, existing=existing)
    return await write_batch(session, ctx, prepared)


def _card(item: NormalisedItem) -> dict[str, Any]:
    product = item.product
    assert product is not None
    return {
        "nm_id": product.nm_id,
        "imt_id": product.imt_id,
        "name": product.name[:500],
        "brand": product.brand[:200],
        "supplier_article": product.supplier_article[:100],
        "colour": product.colour[:100],
        "photo_url": "",
        "sizes": {"seen": [product.size] if product.size else []},
    }


def build_row(
    ctx: IngestContext,
    item: NormalisedItem,
    old: ExistingRow | None,
    held: bool,
    digest: str,
    now: datetime,
) -> dict[str, Any]:
    # A question the LLM fallback already saw with this very text keeps its verdict (and its
    # "tried" mark): a re-sync must not undo the LLM's intent nor pay for a second call.
    llm_mark = carried_llm_mark(item.channel, item.text, old.extra_data if old else None)
    verdict = triage(
        TriageInput(
            channel=item.channel,
            occurred_at=item.occurred_at,
            text=item.text,
            pros=item.pros,
            cons=item.cons,
            rating=item.rating,
            has_photos=item.has_photos,
            has_video=item.has_video,
            is_answered=item.is_answered,
            last_message_from_seller=item.last_message_from_seller,
            matching_size=item.matching_size,
        ),
        settings=ctx.triage_settings,
        sla_rules=ctx.sla_rules,
        intent_override=llm_mark.get(LLM_INTENT),
        intent_method="llm",
    )
    needs_response = verdict.needs_response and not held and not item.archived
    status = "responded" if held else "closed" if item.archived else item.status
    priority = verdict.priority
    # Keep an escalation while the deadline it was about still stands.
    escalated_at = (
        old.escalated_at if old is not None and old.sla_due_at == verdict.sla_due_at else None
    )
    if escalated_at is not None and needs_response:
        priority = NEXT_LEVEL[priority]  # type: ignore[assignment]
    extra = dict(old.extra_data) if old is not None else {}
    extra.update(item.extra)
    if item.archived:
        extra["archived"] = True
    extra["triage"] = {
        # WB's own verdict (moderation refused the answer, a rating WB calls processed)
        # explains the item better than triage's generic reason.
        "needs_response_reason": item.extra.get("wb_reason") or verdict.needs_response_reason,
        "signals": list(verdict.signals),
        "sla_minutes": verdict.sla_minutes,
        "sla_source": verdict.sla_source,
        "intent_method": verdict.intent_method,
        **llm_mark,
    }
    first_response = item.first_response_at or (old.first_response_at if old else None)
    return {
        "marketplace": ctx.marketplace,
        "channel": item.channel,
        "external_id": item.external_id,
        "connection_id": ctx.connection_id,
        "customer_id": item.customer_id,
        "order_id": item.order_id,
        "nm_id": item.nm_id,
        "product_article": item.product_article[:100] if item.product_article else None,
        "buyer_name": item.buyer_name[:200] if item.buyer_name else None,
        "text": item.text,
        "pros": item.pros,
        "cons": item.cons,
        "rating": item.rating,
        "status": status,
        "priority": priority,
        "priority_rank": PRIORITY_RANK[Priority(priority)],
        "priority_reason": verdict.priority_reason[:300],
        "intent": verdict.intent,
        "needs_response": needs_response,
        "unread": needs_response,
        "source": ctx.source,
        "occurred_at": item.occurred_at,
        "last_buyer_message_at": item.last_buyer_message_at,
        "sla_due_at": verdict.sla_due_at,
        "escalated_at": escalated_at,
        "first_response_at": first_response,
        "extra_data": extra,
        "content_hash": digest,
        "updated_at": now,
    }
