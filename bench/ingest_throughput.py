"""Ingestion throughput (items/s) vs a plain bulk INSERT of the same rows, same run.

    .venv/bin/python bench/ingest_throughput.py --items 100000 [--database-url URL]

Items are generated WB feedbacks (the emulator's generator), parsed and normalised outside the
timed part; "sync" times triage + change detection + upsert; "plain" times an INSERT of the
final rows with no conflict handling. Prints items/s, the ratio and peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete, insert

from agentiq.config import load_settings
from agentiq.db import unit_of_work
from agentiq.emulator import generator as gen
from agentiq.ingestion.ingest import IngestContext, _row, ingest_batch
from agentiq.ingestion.normalise import normalise_feedback
from agentiq.kit.time import utcnow
from agentiq.marketplaces.wb.schemas import Feedback
from agentiq.migrate import upgrade
from agentiq.models import Interaction, Seller
from agentiq.runtime import build_runtime

BATCH = 5000


def items(dataset: gen.Dataset, start: int, stop: int):  # type: ignore[no-untyped-def]
    return [
        normalise_feedback(Feedback.model_validate(dataset.base_feedback(i)))
        for i in range(start, stop)
    ]


async def main(n: int, url: str | None) -> None:
    tmp = Path(tempfile.mkdtemp())
    db = url or f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
    await asyncio.to_thread(upgrade, db)
    runtime = build_runtime(
        load_settings(environment="test", var_dir=tmp, database_url=db, secret_key="b" * 40)
    )
    async with unit_of_work(runtime.sessionmaker) as session:
        seller = Seller(name="bench")
        session.add(seller)
        await session.flush()
        seller_id = seller.id
    ctx = IngestContext(seller_id=seller_id, connection_id=None)  # type: ignore[arg-type]
    dataset = gen.make_dataset(7, n, 0, time.time())
    sync_s = plain_s = 0.0
    for start in range(0, n, BATCH):
        batch = items(dataset, start, min(n, start + BATCH))
        t = time.perf_counter()
        async with unit_of_work(runtime.sessionmaker) as session:
            await ingest_batch(session, ctx, "review", batch)
        sync_s += time.perf_counter() - t
    async with unit_of_work(runtime.sessionmaker) as session:
        await session.execute(delete(Interaction).where(Interaction.seller_id == seller_id))
    now = utcnow()
    for start in range(0, n, BATCH):
        rows = [
            {**_row(ctx, it, None, False, it.content_hash, now), "seller_id": seller_id}
            for it in items(dataset, start, min(n, start + BATCH))
        ]
        t = time.perf_counter()
        async with unit_of_work(runtime.sessionmaker) as session:
            await session.execute(insert(Interaction.__table__), rows)
        plain_s += time.perf_counter() - t
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    backend = "postgresql" if "postgresql" in db else "sqlite"
    print(
        f"{backend} n={n}: sync {n / sync_s:,.0f} items/s ({sync_s:.1f}s), plain insert "
        f"{n / plain_s:,.0f} rows/s ({plain_s:.1f}s), ratio {plain_s / sync_s:.2f}, "
        f"peak RSS {rss_mb:.0f} MB"
    )
    await runtime.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    asyncio.run(main(args.items, args.database_url))
