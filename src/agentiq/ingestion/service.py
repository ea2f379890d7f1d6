"""The sync engine: walk WB, normalise, upsert, advance the watermark — page by page.

Each page is one transaction holding its rows AND the watermark/cursor it proves, so a sync
killed at any point resumes from the last committed page and never loses or duplicates an
item. Channels are independent: one failing never stops the others from committing.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update

from agentiq.cabinets.clients import build_client
from agentiq.cabinets.repository import CabinetRepository
from agentiq.cabinets.service import cabinet_token
from agentiq.db import after_commit, unit_of_work
from agentiq.ingestion.chats import ingest_events, sync_chats
from agentiq.ingestion.errors import STALE_MESSAGE, describe_sync_error
from agentiq.ingestion.figures import (
    ChannelFigures,
    normalise_all,
    publish,
    record_invalid,
    record_skipped,
    sync_event,
)
from agentiq.ingestion.ingest import (
    IngestContext,
    PreparedBatch,
    prepare_batch,
    write_batch,
)
from agentiq.ingestion.malformed import reread_chat_events, reread_dated
from agentiq.ingestion.normalise import (
    NormalisedItem,
    is_rating_only,
    normalise_feedback,
    normalise_question,
)
from agentiq.ingestion.pipeline import PagePipeline
from agentiq.ingestion.repository import (
    MalformedItemRepository,
    SyncRunRepository,
    SyncStateRepository,
    claim_sync_start,
)
from agentiq.kit.sanitize import clean_text, clean_value
from agentiq.kit.time import ensure_utc, utcnow
from agentiq.linking.service import window_days as link_window_days
from agentiq.marketplaces import MarketplaceClient
from agentiq.marketplaces.wb.schemas import ChatEvent, InvalidItem
from agentiq.models import MarketplaceConnection, SyncRun
from agentiq.runtime import Runtime
from agentiq.triage.service import load_sla_rules, load_triage_settings

log = logging.getLogger(__name__)

CHANNELS = ("review", "question", "chat")
WB_CHANNEL = {"review": "feedbacks", "question": "questions"}
# WB's history starts well after this; the window walker splits the range by counts.
HISTORY_START = datetime(2019, 1, 1, tzinfo=UTC)
# Re-read this much before the watermark: late answers, moderation verdicts, clock skew.
OVERLAP = timedelta(days=3)
# A "syncing" cabinet older than this was interrupted (killed worker, restart).
STALE_AFTER = timedelta(minutes=10)
# WB's largest page: the fewest requests against its 3-per-second bucket.
PAGE_SIZE = 5000
INTERRUPTED_MESSAGE = "Синхронизация прервалась (процесс был остановлен); следующая продолжила её"


@dataclass(slots=True)
class SyncReport:
    connection_id: int
    channels: dict[str, ChannelFigures] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(f.status in ("ok", "busy") for f in self.channels.values())


async def sync_cabinet(
    runtime: Runtime,
    seller_id: int,
    connection_id: int,
    *,
    full: bool = False,
    channels: Sequence[str] = CHANNELS,
    client: MarketplaceClient | None = None,
    page_size: int = PAGE_SIZE,
    requested_at: datetime | None = None,
) -> SyncReport:
    """Sync one cabinet; each channel under its own lock, each page in its own transaction.

    `page_size` is WB's `take` for the dated walks (WB allows up to 5 000). With
    `requested_at`, a channel that a run started since then has finished is left out: the
    check is made once its lock is held, so a run that ended a moment ago is seen.
    """
    report = SyncReport(connection_id)
    async with unit_of_work(runtime.sessionmaker) as session:
        cabinet = await CabinetRepository(session, seller_id).get(connection_id)
        token = cabinet_token(runtime.secrets, cabinet)
        ctx = IngestContext(
            seller_id=seller_id,
            connection_id=connection_id,
            marketplace=cabinet.marketplace,
            source="demo" if cabinet.is_demo else "wb_api",
            sla_rules=await load_sla_rules(session, seller_id),
            triage_settings=await load_triage_settings(session, seller_id),
            link_window_days=await link_window_days(session, seller_id),
        )
        client = client or build_client(runtime, cabinet, token)
    locks = runtime.locks
    async with contextlib.AsyncExitStack() as held:
        # Every channel lock is taken up front, so a second worker racing this one finds
        # them busy and does nothing, instead of re-running channels this one has finished.
        mine = []
        for channel in channels:
            figures = report.channels[channel] = ChannelFigures(channel)
            lock = _lock_name(connection_id, channel)
            if await held.enter_async_context(locks.hold(lock, runtime.settings.sync_lock_ttl_s)):
                mine.append(channel)
            else:
                figures.status = "busy"
        if requested_at is not None and mine:
            mine = await _drop_done_since(runtime, ctx, mine, requested_at, report)
        if mine:  # only a sync that will run says so; a busy or done one leaves the status
            async with unit_of_work(runtime.sessionmaker) as session:
                await claim_sync_start(session, connection_id, utcnow())
        for channel in mine:
            figures = report.channels[channel]
            await _run_channel(runtime, ctx, client, channel, figures, full=full, take=page_size)
    if not mine:
        return report  # another worker is on it and will write the cabinet's status
    await _finish(runtime, seller_id, connection_id, report)
    return report


async def _drop_done_since(
    runtime: Runtime,
    ctx: IngestContext,
    channels: list[str],
    requested_at: datetime,
    report: SyncReport,
) -> list[str]:
    """`channels` minus those synced by a run that started after the request (under lock)."""
    async with runtime.sessionmaker() as session:
        repo = SyncRunRepository(session, ctx.seller_id)
        done = await repo.channels_finished_since(ctx.connection_id, requested_at)
    skipped = [channel for channel in channels if channel in done]
    if skipped:
        log.info(
            "sync of cabinet %s: %s already done since it was requested",
            ctx.connection_id,
            ", ".join(skipped),
        )
        for channel in skipped:
            report.channels[channel].status = "ok"
    return [channel for channel in channels if channel not in done]


def _lock_name(connection_id: int, channel: str) -> str:
    return f"sync:{connection_id}:{channel}"


async def sync_in_progress(
    runtime: Runtime, connection_id: int, channels: Sequence[str] = CHANNELS
) -> bool:
    """Whether a live process is syncing the cabinet: it holds one of the channel locks.

    A "syncing" status alone can be a leftover of a killed process; its in-process locks died
    with it and its Redis locks expire, so the locks are what tell a live sync.
    """
    locks = runtime.locks
    for channel in channels:
        async with locks.hold(_lock_name(connection_id, channel), ttl_s=5.0) as taken:
            if not taken:
                return True
    return False


async def _run_channel(
    runtime: Runtime,
    ctx: IngestContext,
    client: MarketplaceClient,
    channel: str,
    figures: ChannelFigures,
    *,
    full: bool,
    take: int,
) -> None:
    started = time.monotonic()
    waited_before = client.stats.rate_limit_wait_s
    async with unit_of_work(runtime.sessionmaker) as session:
        await _close_interrupted_runs(session, ctx, channel)
        run = SyncRunRepository(session, ctx.seller_id).add(
            SyncRun(connection_id=ctx.connection_id, channel=channel)
        )
        await session.flush()
        run_id = run.id
    try:
        await _reread_malformed(runtime, ctx, client, channel, figures)
        if channel == "chat":
            await sync_chats(runtime, ctx, client, figures, full=full)
        else:
            await _sync_dated(runtime, ctx, client, channel, figures, full=full, take=take)
            if channel == "review":
                await _sync_review_archive(runtime, ctx, client, figures, full=full)
        figures.status = "ok"
    except Exception as exc:  # recorded on the run and the cabinet; other channels go on
        figures.status = "error"
        figures.error_message = describe_sync_error(exc, channel)
        # The type and our own description only: an exception's text may quote WB items.
        log.warning(
            "sync of cabinet %s channel %s failed: %s (%s)",
            ctx.connection_id,
            channel,
            type(exc).__name__,
            figures.error_message,
        )
    figures.rate_limited_wait_s = client.stats.rate_limit_wait_s - waited_before
    async with unit_of_work(runtime.sessionmaker) as session:
        run = await SyncRunRepository(session, ctx.seller_id).get(run_id)
        run.status = figures.status
        run.finished_at = utcnow()
        run.fetched, run.created, run.updated = figures.fetched, figures.created, figures.updated
        run.skipped, run.errors = figures.skipped, figures.errors
        run.rate_limited_wait_s = round(figures.rate_limited_wait_s, 3)
        run.duration_ms = int((time.monotonic() - started) * 1000)
        run.error_message = clean_text(figures.error_message) if figures.error_message else None
        # Raw WB items as they came: they may hold the very NUL that made them malformed.
        run.malformed_samples = clean_value({"items": figures.samples}) if figures.samples else {}


async def _close_interrupted_runs(session: Any, ctx: IngestContext, channel: str) -> None:
    """Runs still "running" under a lock we now hold belong to a killed process: close them."""
    await session.execute(
        update(SyncRun)
        .where(
            SyncRun.seller_id == ctx.seller_id,
            SyncRun.connection_id == ctx.connection_id,
            SyncRun.channel == channel,
            SyncRun.status == "running",
        )
        .values(status="interrupted", finished_at=utcnow(), error_message=INTERRUPTED_MESSAGE)
    )


async def _reread_malformed(
    runtime: Runtime,
    ctx: IngestContext,
    client: MarketplaceClient,
    channel: str,
    figures: ChannelFigures,
) -> None:
    """Items earlier runs skipped, read again before the walk (see ingestion/malformed.py)."""
    if channel == "chat":

        async def ingest(session: Any, ctx: IngestContext, events: Sequence[ChatEvent]) -> Any:
            return await ingest_events(session, ctx, events, figures)

        figures.fetched += await reread_chat_events(runtime, ctx, ingest)
    else:
        figures.fetched += await reread_dated(runtime, ctx, client, channel)


async def _sync_dated(
    runtime: Runtime,
    ctx: IngestContext,
    client: MarketplaceClient,
    channel: str,
    figures: ChannelFigures,
    *,
    full: bool,
    take: int,
) -> None:
    """Reviews and questions: date windows from the watermark (minus overlap) to now."""
    async with unit_of_work(runtime.sessionmaker) as session:
        state = await SyncStateRepository(session, ctx.seller_id).for_channel(
            ctx.connection_id, channel
        )
        watermark = state.watermark
    date_from = HISTORY_START if full or watermark is None else ensure_utc(watermark) - OVERLAP
    normalise = normalise_feedback if channel == "review" else normalise_question
    walker = client.walk(WB_CHANNEL[channel], date_from=max(date_from, HISTORY_START), take=take)
    async with runtime.sessionmaker() as session:
        # Items skipped before may come back whole in this walk: then they are done.
        pending = await MalformedItemRepository(session, ctx.seller_id).has_pending(
            ctx.connection_id, channel
        )
    async with PagePipeline() as pipeline:
        async for page in walker.pages():
            figures.fetched += len(page.items) + len(page.invalid)
            record_invalid(page.invalid, figures)
            items = normalise_all(page.items, normalise, figures)
            page.items = []  # the WB models are not needed past this point: free them early
            prepared = await _prepare(runtime, ctx, channel, items)
            parsed = [item.external_id for item in items] if pending else []
            await pipeline.submit(
                _write_dated_page(
                    runtime,
                    ctx,
                    prepared,
                    page.watermark,
                    figures,
                    figures.take_unrecorded(),
                    parsed,
                )
            )


async def _prepare(
    runtime: Runtime, ctx: IngestContext, channel: str, items: list[NormalisedItem]
) -> PreparedBatch:
    """Reads and triage for a page, on a session of its own (it writes nothing)."""
    async with runtime.sessionmaker() as session:
        return await prepare_batch(session, ctx, channel, items)


async def _write_dated_page(
    runtime: Runtime,
    ctx: IngestContext,
    prepared: PreparedBatch,
    watermark: datetime | None,
    figures: ChannelFigures,
    invalid: list[InvalidItem],
    parsed: list[str],
) -> None:
    """One transaction: the page's rows, its skipped items and the watermark they prove."""
    channel = prepared.channel
    async with unit_of_work(runtime.sessionmaker) as session:
        batch = await write_batch(session, ctx, prepared)
        figures.add(batch)
        await record_skipped(session, ctx, channel, invalid)
        if parsed:
            await MalformedItemRepository(session, ctx.seller_id).resolve(
                ctx.connection_id, channel, parsed
            )
        if watermark is not None:
            state = await SyncStateRepository(session, ctx.seller_id).for_channel(
                ctx.connection_id, channel
            )
            old = ensure_utc(state.watermark) if state.watermark else None
            state.watermark = max(watermark, old) if old else watermark
            state.backfill_done = True
        if batch.created or batch.updated:
            publish(session, runtime, ctx.seller_id, sync_event(channel, batch))


ARCHIVE_STATE = "review_archive"
ARCHIVE_TAKE = 5000


async def _sync_review_archive(
    runtime: Runtime,
    ctx: IngestContext,
    client: MarketplaceClient,
    figures: ChannelFigures,
    *,
    full: bool,
) -> None:
    """Old unanswered reviews live only in WB's archive: read it once, for history.

    Answered (and WB-processed rating-only) archive items are skipped here: the answered date
    walk already brings them.
    The skip offset is the resume point, committed with each page.
    """
    async with unit_of_work(runtime.sessionmaker) as session:
        state = await SyncStateRepository(session, ctx.seller_id).for_channel(
            ctx.connection_id, ARCHIVE_STATE
        )
        if state.backfill_done and not full:
            return
        skip = 0 if full or not state.cursor else int(state.cursor)
    async with PagePipeline() as pipeline:
        while True:
            page = await client.list_archived_feedbacks(
                take=ARCHIVE_TAKE, skip=skip, order="dateAsc", unanswered_only=True
            )
            figures.fetched += page.size
            record_invalid(page.invalid, figures)
            # WB lists ratings without text among the processed ones: the dated walk over
            # isAnswered=true brings them; taking them here too would make the two walks
            # disagree and the 3-day re-read reopen them.
            fresh = [
                item
                for item in page.items
                if not item.is_answered and not (item.state == "wbRu" and is_rating_only(item))
            ]
            items = normalise_all(fresh, normalise_feedback, figures)
            for item in items:
                item.archived = True
            skip += page.size
            done = page.size < ARCHIVE_TAKE
            prepared = await _prepare(runtime, ctx, "review", items)
            await pipeline.submit(
                _write_archive_page(
                    runtime, ctx, prepared, skip, done, figures, figures.take_unrecorded()
                )
            )
            if done:
                return


async def _write_archive_page(
    runtime: Runtime,
    ctx: IngestContext,
    prepared: PreparedBatch,
    skip: int,
    done: bool,
    figures: ChannelFigures,
    invalid: list[InvalidItem],
) -> None:
    """One transaction: the page's rows, its skipped items and the offset to resume from."""
    async with unit_of_work(runtime.sessionmaker) as session:
        figures.add(await write_batch(session, ctx, prepared))
        await record_skipped(session, ctx, "review", invalid)
        state = await SyncStateRepository(session, ctx.seller_id).for_channel(
            ctx.connection_id, ARCHIVE_STATE
        )
        state.cursor = str(skip)
        state.backfill_done = done


async def _finish(runtime: Runtime, seller_id: int, connection_id: int, report: SyncReport) -> None:
    errors = [f.error_message for f in report.channels.values() if f.error_message]
    async with unit_of_work(runtime.sessionmaker) as session:
        cabinet = await CabinetRepository(session, seller_id).find(connection_id)
        if cabinet is None:  # removed while syncing
            return
        now = utcnow()
        cabinet.sync_status = "error" if errors else "ok"
        cabinet.sync_error = errors[0] if errors else None
        cabinet.sync_started_at = None
        cabinet.last_sync_at = now
        publish(
            session, runtime, seller_id, {"type": "cabinet.synced", "cabinet_id": connection_id}
        )


def effective_status(
    cabinet: MarketplaceConnection, now: datetime | None = None
) -> tuple[str, str | None]:
    """(status, error) as the seller should see them: a stale "syncing" is an error."""
    now = now or utcnow()
    if (
        cabinet.sync_status == "syncing"
        and cabinet.sync_started_at is not None
        and now - ensure_utc(cabinet.sync_started_at) > STALE_AFTER
    ):
        return "error", STALE_MESSAGE
    return cabinet.sync_status, cabinet.sync_error


async def expire_stale_syncs(runtime: Runtime) -> int:
    """Turn interrupted "syncing" cabinets into errors (called by the scheduler)."""
    cutoff = utcnow() - STALE_AFTER
    async with unit_of_work(runtime.sessionmaker) as session:
        result = await session.execute(
            update(MarketplaceConnection)
            .where(
                MarketplaceConnection.sync_status == "syncing",
                MarketplaceConnection.sync_started_at < cutoff,
            )
            .values(sync_status="error", sync_error=STALE_MESSAGE)
        )
    return int(getattr(result, "rowcount", 0) or 0)


__all__ = [
    "CHANNELS",
    "ChannelFigures",
    "SyncReport",
    "after_commit",
    "effective_status",
    "expire_stale_syncs",
    "sync_cabinet",
]
