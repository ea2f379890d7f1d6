"""WB items a sync had to skip: recorded with their page, re-read by the next runs.

A malformed item is skipped so one broken item never sinks a page; it must not be forgotten
either. Each is recorded in the transaction of the page that skipped it. At the start of every
run of its channel it is read again — reviews and questions by id from WB (which may have fixed
it), chat events from the raw event we kept (WB cannot send an event twice) — until it parses
and is stored, or has failed `MAX_REREADS` times and is kept as permanently bad.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

from agentiq.db import unit_of_work
from agentiq.ingestion.ingest import IngestContext, ingest_batch
from agentiq.ingestion.normalise import NormalisedItem, normalise_feedback, normalise_question
from agentiq.ingestion.repository import MalformedItemRepository
from agentiq.kit.time import utcnow
from agentiq.marketplaces import MarketplaceClient
from agentiq.marketplaces.wb.errors import WBMalformedResponse, WBNotFound
from agentiq.marketplaces.wb.schemas import ChatEvent, InvalidItem
from agentiq.runtime import Runtime

log = logging.getLogger(__name__)

# Failed re-reads before an item is recorded as permanently bad.
MAX_REREADS = 5
# Re-reads per channel and run: each costs one request from WB's 3-per-second bucket.
REREADS_PER_RUN = 50

# What a normaliser could not digest (a parsed model with values it cannot use).
NORMALISE_ERRORS = (ValueError, TypeError, AttributeError, KeyError)


def invalid_rows(invalid: Sequence[InvalidItem]) -> list[dict[str, Any]]:
    """Rows for `MalformedItemRepository.record`; an item without an id gets a content key."""
    rows = []
    for bad in invalid:
        key = bad.external_id or "raw:" + _digest(bad.raw)
        rows.append({"external_id": key, "raw": _jsonable(bad.raw), "error": bad.error})
    return rows


def _digest(raw: Any) -> str:
    text = json.dumps(_jsonable(raw), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _jsonable(raw: Any) -> Any:
    try:
        json.dumps(raw)
        return raw
    except (TypeError, ValueError):
        return repr(raw)[:2000]


async def reread_dated(
    runtime: Runtime, ctx: IngestContext, client: MarketplaceClient, channel: str
) -> int:
    """Reviews or questions skipped earlier, asked for again by id. Returns how many parsed."""
    fetch: Callable[[str], Any]
    normalise: Callable[[Any], NormalisedItem]
    if channel == "review":
        fetch, normalise = client.get_feedback, normalise_feedback
    else:
        fetch, normalise = client.get_question, normalise_question
    async with runtime.sessionmaker() as session:
        repo = MalformedItemRepository(session, ctx.seller_id)
        pending = await repo.pending(ctx.connection_id, channel, REREADS_PER_RUN)
        records = [(r.external_id, r.attempts) for r in pending]
    parsed: list[NormalisedItem] = []
    gone: list[str] = []
    failed: dict[str, str] = {}
    for external_id, _ in records:
        if external_id.startswith("raw:"):  # no id: nothing to ask WB for
            failed[external_id] = "у элемента нет id: перечитать нельзя"
            continue
        try:
            parsed.append(normalise(await fetch(external_id)))
        except WBNotFound:
            gone.append(external_id)  # WB no longer has it: nothing to store
        except WBMalformedResponse as exc:
            failed[external_id] = exc.wb_text or exc.message
        except NORMALISE_ERRORS as exc:
            failed[external_id] = repr(exc)
    async with unit_of_work(runtime.sessionmaker) as session:
        if parsed:
            await ingest_batch(session, ctx, channel, parsed)
        await _settle(
            session, ctx, channel, records, [i.external_id for i in parsed] + gone, failed
        )
    return len(parsed)


async def reread_chat_events(
    runtime: Runtime,
    ctx: IngestContext,
    ingest_events: Callable[[Any, IngestContext, Sequence[ChatEvent]], Any],
) -> int:
    """Chat events skipped earlier, parsed again from the raw event kept for them."""
    async with runtime.sessionmaker() as session:
        repo = MalformedItemRepository(session, ctx.seller_id)
        pending = await repo.pending(ctx.connection_id, "chat", REREADS_PER_RUN)
        records = [(r.external_id, r.attempts, (r.raw or {}).get("item")) for r in pending]
    events: list[ChatEvent] = []
    failed: dict[str, str] = {}
    for external_id, _, raw in records:
        try:
            events.append(ChatEvent.model_validate(raw))
        except ValueError as exc:
            failed[external_id] = str(exc).replace("\n", " ")[:500]
    async with unit_of_work(runtime.sessionmaker) as session:
        if events:
            await ingest_events(session, ctx, events)
        done = [external_id for external_id, _, _ in records if external_id not in failed]
        await _settle(session, ctx, "chat", [(e, a) for e, a, _ in records], done, failed)
    return len(events)


async def _settle(
    session: Any,
    ctx: IngestContext,
    channel: str,
    records: Sequence[tuple[str, int]],
    done: Sequence[str],
    failed: dict[str, str],
) -> None:
    repo = MalformedItemRepository(session, ctx.seller_id)
    await repo.resolve(ctx.connection_id, channel, list(done))
    if not failed:
        return
    now = utcnow()
    rows = await repo.pending(ctx.connection_id, channel, REREADS_PER_RUN)
    for row in rows:
        if row.external_id not in failed:
            continue
        row.attempts += 1
        row.error = failed[row.external_id][:2000]
        row.last_tried_at = now
        if row.attempts > MAX_REREADS:
            row.permanent = True
            log.warning(
                "cabinet %s: %s item %s recorded as permanently malformed",
                ctx.connection_id,
                channel,
                row.external_id,
            )
