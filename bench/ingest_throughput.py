"""Ingestion throughput (items/s) against a plain bulk INSERT of the same rows, same run.

    .venv/bin/python bench/ingest_throughput.py --items 100000 [--database-url URL]

Items are generated WB feedbacks (the emulator's generator), validated into the connector's
models outside the timed part (that is the connector's work, measured by
`wb_connector_paging.py`). "sync" times what the sync engine does with a page: normalise,
change detection, triage, the batched upsert and the commit, 5 000 items per transaction,
pipelined as in the sync (page k+1 is prepared while page k is written).
"plain" times a bare multi-row INSERT of the same final rows (built by the sync's own row
builder outside the timed part), same batch size, into an empty table: a fresh database
(SQLite) or a truncated one (PostgreSQL). A third pass re-syncs the same items unchanged:
the overlap window re-reads items every run, so the skip path matters as much as inserts.

Prints items/s, the ratio sync / plain (aim ≥ 0.5) and the RSS of this process: its peak and
its spread over the run (min/max after the first batch), which shows whether memory is flat.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import insert, text

from agentiq.config import load_settings
from agentiq.db import unit_of_work
from agentiq.emulator import generator as gen
from agentiq.ingestion.ingest import (
    BatchResult,
    IngestContext,
    PreparedBatch,
    build_row,
    prepare_batch,
    write_batch,
)
from agentiq.ingestion.normalise import normalise_feedback
from agentiq.ingestion.pipeline import PagePipeline
from agentiq.kit.time import utcnow
from agentiq.marketplaces.wb.schemas import Feedback
from agentiq.migrate import upgrade
from agentiq.models import Interaction, Seller
from agentiq.runtime import Runtime, build_runtime

BATCH = 5000


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def wb_pages(dataset: gen.Dataset, n: int) -> Iterator[list[Feedback]]:
    """The connector's output: validated feedback models, one 5 000-item page at a time."""
    for start in range(0, n, BATCH):
        yield [
            Feedback.model_validate(dataset.base_feedback(i))
            for i in range(start, min(n, start + BATCH))
        ]


async def open_database(url: str | None, tmp: Path, name: str) -> Runtime:
    db = url or f"sqlite+aiosqlite:///{tmp / name}"
    await asyncio.to_thread(upgrade, db)
    runtime = build_runtime(
        load_settings(environment="test", var_dir=tmp, database_url=db, secret_key="b" * 40)
    )
    if url is not None:  # one PostgreSQL database for both passes: start each one empty
        async with unit_of_work(runtime.sessionmaker) as session:
            await session.execute(text("TRUNCATE interactions, product_cards, sellers CASCADE"))
    return runtime


async def new_seller(runtime: Runtime) -> int:
    async with unit_of_work(runtime.sessionmaker) as session:
        seller = Seller(name="bench")
        session.add(seller)
        await session.flush()
        return seller.id


async def sync_pass(
    runtime: Runtime, ctx: IngestContext, dataset: gen.Dataset, n: int, rss: list[float]
) -> tuple[float, int]:
    """Seconds spent normalising + ingesting + committing, and rows written."""
    elapsed, written = 0.0, 0
    analyzed_at = 0
    pipeline = PagePipeline()
    results: list[BatchResult] = []

    async def write(prepared: PreparedBatch) -> None:
        async with unit_of_work(runtime.sessionmaker) as session:
            results.append(await write_batch(session, ctx, prepared))

    for page in wb_pages(dataset, n):
        # As the sync does it: page k+1 is normalised and triaged while page k is written.
        started = time.perf_counter()
        items = [normalise_feedback(feedback) for feedback in page]
        async with runtime.sessionmaker() as session:
            prepared = await prepare_batch(session, ctx, "review", items)
        await pipeline.submit(write(prepared))
        elapsed += time.perf_counter() - started
        written += prepared.result.created + prepared.result.updated
        rss.append(current_rss_mb())
        if runtime.engine.dialect.name == "postgresql" and written > 50 + 1.1 * analyzed_at:
            await pipeline.drain()
            # PostgreSQL's autovacuum would analyze here (50 rows + 10 %); this machine's test
            # server runs with autovacuum off, and a table with no statistics gets a plan
            # that scans the seller's rows for every lookup. Not timed.
            async with unit_of_work(runtime.sessionmaker) as session:
                await session.execute(text("ANALYZE interactions"))
            analyzed_at = written
    started = time.perf_counter()
    await pipeline.drain()
    elapsed += time.perf_counter() - started
    assert sum(r.created + r.updated for r in results) == written
    return elapsed, written


async def plain_pass(runtime: Runtime, ctx: IngestContext, dataset: gen.Dataset, n: int) -> float:
    """Seconds spent bulk-inserting the same final rows (built outside the timed part)."""
    elapsed = 0.0
    now = utcnow()
    for page in wb_pages(dataset, n):
        rows = []
        for feedback in page:
            item = normalise_feedback(feedback)
            row = build_row(ctx, item, None, False, item.content_hash, now)
            rows.append({**row, "seller_id": ctx.seller_id})
        started = time.perf_counter()
        async with unit_of_work(runtime.sessionmaker) as session:
            await session.execute(insert(Interaction.__table__), rows)
        elapsed += time.perf_counter() - started
    return elapsed


async def main(n: int, url: str | None) -> None:
    tmp = Path(tempfile.mkdtemp())
    dataset = gen.make_dataset(7, n, 0, time.time())
    rss: list[float] = []

    synced = await open_database(url, tmp, "sync.db")
    seller_id = await new_seller(synced)
    ctx = IngestContext(seller_id=seller_id, connection_id=None)  # type: ignore[arg-type]
    sync_s, written = await sync_pass(synced, ctx, dataset, n, rss)
    resync_s, rewritten = await sync_pass(synced, ctx, dataset, n, rss)

    # The plain pass inserts the same final rows into an empty table.
    plain = synced if url is not None else await open_database(None, tmp, "plain.db")
    if url is not None:
        async with unit_of_work(plain.sessionmaker) as session:
            await session.execute(text("TRUNCATE interactions, product_cards CASCADE"))
    plain_ctx = IngestContext(seller_id=await new_seller(plain), connection_id=None)  # type: ignore[arg-type]
    plain_s = await plain_pass(plain, plain_ctx, dataset, n)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    steady = rss[1:] or rss
    backend = "postgresql" if url else "sqlite"
    print(f"backend {backend}, items {n:,}, batch {BATCH}")
    print(f"  sync (normalise+triage+upsert)  {n / sync_s:>9,.0f} items/s  ({sync_s:.1f} s)")
    print(f"  plain bulk INSERT, same rows    {n / plain_s:>9,.0f} rows/s   ({plain_s:.1f} s)")
    print(f"  ratio sync / plain              {plain_s / sync_s:>9.2f}   (aim >= 0.5)")
    print(f"  re-sync, nothing changed        {n / resync_s:>9,.0f} items/s  ({resync_s:.1f} s)")
    print(f"  rows written: sync {written:,}, re-sync {rewritten:,}")
    print(
        f"  RSS during the sync passes      {min(steady):.0f}-{max(steady):.0f} MB "
        f"(peak of the process incl. the plain pass {peak_mb:.0f} MB)"
    )
    await synced.close()
    if plain is not synced:
        await plain.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    asyncio.run(main(args.items, args.database_url))
