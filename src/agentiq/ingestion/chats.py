"""The chat channel: the chat list (reply signatures, cards), then the events feed.

WB has no webhooks for chats: the events feed is read from the saved `next` cursor, each
batch in one transaction with the cursor it proves (see service.py for the run around it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agentiq.db import unit_of_work
from agentiq.ingestion.figures import (
    ChannelFigures,
    publish,
    record_invalid,
    record_skipped,
    sync_event,
)
from agentiq.ingestion.ingest import BatchResult, IngestContext, ingest_batch
from agentiq.ingestion.normalise import ChatThread, chat_message_row, normalise_chat
from agentiq.ingestion.repository import IngestionRepository, SyncStateRepository
from agentiq.marketplaces import MarketplaceClient
from agentiq.marketplaces.wb.schemas import ChatEvent
from agentiq.runtime import Runtime


async def sync_chats(
    runtime: Runtime,
    ctx: IngestContext,
    client: MarketplaceClient,
    figures: ChannelFigures,
    *,
    full: bool,
) -> None:
    """Chat list (reply signatures, cards), then the events feed from the saved cursor."""
    async with unit_of_work(runtime.sessionmaker) as session:
        state = await SyncStateRepository(session, ctx.seller_id).for_channel(
            ctx.connection_id, "chat"
        )
        cursor = None if full or not state.cursor else int(state.cursor)
    listing = await client.list_chats()
    figures.fetched += listing.size
    record_invalid(listing.invalid, figures)
    figures.take_unrecorded()  # the whole list is read again by every run
    async with unit_of_work(runtime.sessionmaker) as session:
        threads, existing = await load_threads(session, ctx, [c.chat_id for c in listing.items])
        for chat in listing.items:
            threads[chat.chat_id].apply_listing(chat)
        batch = await ingest_batch(
            session, ctx, "chat", [normalise_chat(t) for t in threads.values()], existing=existing
        )
        figures.add(batch)
    async for events in client.iter_chat_events(cursor):
        figures.fetched += events.size
        record_invalid(events.invalid, figures)
        async with unit_of_work(runtime.sessionmaker) as session:
            batch = await ingest_events(session, ctx, events.items, figures)
            figures.add(batch)
            # WB never sends an event twice: keep the raw ones that did not parse, before
            # the cursor moves past them.
            await record_skipped(session, ctx, "chat", figures.take_unrecorded())
            state = await SyncStateRepository(session, ctx.seller_id).for_channel(
                ctx.connection_id, "chat"
            )
            if events.next is not None:
                state.cursor = str(events.next)
            if batch.created or batch.updated:
                publish(session, runtime, ctx.seller_id, sync_event("chat", batch))


async def load_threads(
    session: Any, ctx: IngestContext, chat_ids: Sequence[str]
) -> tuple[dict[str, ChatThread], dict[str, Any]]:
    repo = IngestionRepository(session, ctx.seller_id)
    existing = await repo.existing(ctx.marketplace, "chat", list(dict.fromkeys(chat_ids)))
    threads = {
        chat_id: ChatThread.from_extra(
            chat_id, existing[chat_id].extra_data if chat_id in existing else None
        )
        for chat_id in dict.fromkeys(chat_ids)
    }
    return threads, existing


async def ingest_events(
    session: Any, ctx: IngestContext, events: Sequence[ChatEvent], figures: ChannelFigures
) -> BatchResult:
    ordered = sorted(events, key=lambda e: e.add_timestamp)
    threads, existing = await load_threads(session, ctx, [e.chat_id for e in ordered])
    for event in ordered:
        threads[event.chat_id].apply_event(event)
    items = [normalise_chat(t) for t in threads.values()]
    batch = await ingest_batch(session, ctx, "chat", items, existing=existing)
    repo = IngestionRepository(session, ctx.seller_id)
    ids = await repo.ids_for(ctx.marketplace, "chat", list(threads))
    rows = []
    for event in ordered:
        try:
            rows.append({**chat_message_row(event), "interaction_id": ids[event.chat_id]})
        except (ValueError, TypeError, KeyError) as exc:
            figures.malformed(event.model_dump(mode="json", by_alias=True), repr(exc))
    await repo.add_chat_messages(rows)
    return batch
