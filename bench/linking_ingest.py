"""Ingestion with cross-channel linking on vs off (items/s), measured in the same run.

    .venv/bin/python bench/linking_ingest.py --items 100000 --database-url URL

A seller's mix from the emulator's generator: reviews, questions and chats (chats written by
recent reviewers, by other buyers of the same product that day, or about anything), every
item through the sync's write path (normalise → change detection → triage → upsert →
WB answers into response_history → links), 5 000 items per transaction. "off" skips only the
link computation (`IngestContext.linking=False`); everything else is identical. The passes
alternate (off, on, off, on) on a freshly truncated database and the best of each is
compared, so a warm cache or a neighbour's load does not favour one side.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from agentiq.config import load_settings
from agentiq.db import unit_of_work
from agentiq.emulator import generator as gen
from agentiq.ingestion.ingest import IngestContext, prepare_batch, write_batch
from agentiq.ingestion.normalise import (
    ChatThread,
    NormalisedItem,
    normalise_chat,
    normalise_feedback,
    normalise_question,
)
from agentiq.marketplaces.wb.schemas import ChatEvent, Feedback, Question
from agentiq.migrate import upgrade
from agentiq.models import LinkCandidate, Seller
from agentiq.runtime import Runtime, build_runtime

BATCH = 5000
# (linking, channel) -> seconds per page, for the breakdown printed at the end.
PAGE_TIMES: dict[tuple[bool, str], list[float]] = {}


def items_for(n: int) -> list[tuple[str, list[NormalisedItem]]]:
    """Pages of normalised items: 85 % reviews, 10 % questions, 5 % chats (outside the timing)."""
    n_chats = max(1, n * 5 // 100)
    n_questions = n * 10 // 100
    n_feedbacks = n - n_chats - n_questions
    dataset = gen.make_dataset(7, n_feedbacks, n_questions, time.time())
    chats, _ = gen.make_chats(dataset, n_chats)
    reviews = [
        normalise_feedback(Feedback.model_validate(dataset.base_feedback(i)))
        for i in range(n_feedbacks)
    ]
    questions = [
        normalise_question(Question.model_validate(dataset.base_question(i)))
        for i in range(n_questions)
    ]
    threads = []
    for chat in chats:
        thread = ChatThread(chat_id=chat.chat_id)
        for event in chat.events:
            thread.apply_event(ChatEvent.model_validate(event))
        threads.append(normalise_chat(thread))
    pages: list[tuple[str, list[NormalisedItem]]] = []
    for channel, items in (("review", reviews), ("question", questions), ("chat", threads)):
        for start in range(0, len(items), BATCH):
            pages.append((channel, items[start : start + BATCH]))
    return pages


async def fresh_seller(runtime: Runtime) -> int:
    async with unit_of_work(runtime.sessionmaker) as session:
        if runtime.engine.dialect.name == "postgresql":
            await session.execute(text("TRUNCATE interactions, product_cards, sellers CASCADE"))
        seller = Seller(name="bench")
        session.add(seller)
        await session.flush()
        return seller.id


async def one_pass(
    runtime: Runtime, pages: list[tuple[str, list[NormalisedItem]]], *, linking: bool
) -> tuple[float, int, int]:
    """Seconds for all pages (prepare + write + commit), items written, links stored."""
    seller_id = await fresh_seller(runtime)
    ctx = IngestContext(seller_id=seller_id, connection_id=None, linking=linking)  # type: ignore[arg-type]
    elapsed, written, analyzed_at = 0.0, 0, 0
    for channel, items in pages:
        started = time.perf_counter()
        async with unit_of_work(runtime.sessionmaker) as session:
            prepared = await prepare_batch(session, ctx, channel, items)
            await write_batch(session, ctx, prepared)
        elapsed += time.perf_counter() - started
        PAGE_TIMES.setdefault((linking, channel), []).append(time.perf_counter() - started)
        written += prepared.result.created + prepared.result.updated
        if runtime.engine.dialect.name == "postgresql" and written > 50 + 1.1 * analyzed_at:
            # What autovacuum would do (this test server runs with it off). Not timed.
            async with unit_of_work(runtime.sessionmaker) as session:
                await session.execute(text("ANALYZE interactions"))
                await session.execute(text("ANALYZE link_candidates"))
            analyzed_at = written
    async with unit_of_work(runtime.sessionmaker) as session:
        links = await session.scalar(
            select(func.count())
            .select_from(LinkCandidate)
            .where(LinkCandidate.seller_id == seller_id)
        )
    return elapsed, written, int(links or 0)


async def main(n: int, url: str | None) -> None:
    tmp = Path(tempfile.mkdtemp())
    db = url or f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
    await asyncio.to_thread(upgrade, db)
    runtime = build_runtime(
        load_settings(environment="test", var_dir=tmp, database_url=db, secret_key="b" * 40)
    )
    pages = items_for(n)
    results: dict[bool, list[tuple[float, int, int]]] = {False: [], True: []}
    for linking in (False, True, False, True):
        results[linking].append(await one_pass(runtime, pages, linking=linking))
    await runtime.close()
    best: dict[bool, Any] = {k: min(v) for k, v in results.items()}
    off_s, total, _ = best[False]
    on_s, _, links = best[True]
    backend = "postgresql" if url else "sqlite"
    print(f"backend {backend}, items {total:,} (85 % reviews, 10 % questions, 5 % chats)")
    for label, linking, seconds in (("off", False, off_s), ("on ", True, on_s)):
        runs = [round(r[0], 1) for r in results[linking]]
        print(f"  linking {label}   {total / seconds:>8,.0f} items/s   runs: {runs} s")
    for channel in ("review", "question", "chat"):
        off = sum(PAGE_TIMES.get((False, channel), [])) / 2
        on = sum(PAGE_TIMES.get((True, channel), [])) / 2
        print(f"    {channel:8s} pages: off {off:6.1f} s, on {on:6.1f} s (mean of the two runs)")
    print(f"  ratio on/off  {off_s / on_s:>8.3f}   (aim >= 0.90), links stored: {links:,}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    asyncio.run(main(args.items, args.database_url))
