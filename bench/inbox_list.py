"""Inbox list and item benchmark: server time of the service functions the API calls.

    .venv/bin/python bench/inbox_list.py --rows 100000 --backend sqlite|postgres

Bulk-generates interactions (deterministic Russian texts; executemany on SQLite, COPY on
PostgreSQL) for one measured seller plus a second seller (10 %), then measures p50/p95 of:
first page, a deep page (cursor after --deep pages), filtered pages, search, an item detail,
and the capped counts — with the number of SQL statements each request executes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from agentiq.config import load_settings
from agentiq.db import create_engine, create_sessionmaker
from agentiq.interactions import service
from agentiq.interactions.schemas import InboxFilter
from agentiq.migrate import upgrade

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/agentiq_bench_inbox"
SQLITE_PATH = Path("/tmp/agentiq_bench_inbox.db")

OPENINGS = [
    "Размеры не совпадают с таблицей",
    "Отличное качество, спасибо продавцу",
    "Маломерит на один размер",
    "Пришло быстро, упаковка целая",
    "Цвет отличается от фото",
    "Брак: шов разошёлся после стирки",
    "Подскажите, есть ли размер побольше",
    "Когда будет поставка",
    "Ткань приятная, сидит хорошо",
    "Не подошёл размер, оформила возврат",
    "Курьер опоздал на два дня",
    "Запах химии, пришлось стирать",
]
TAILS = ["", " Рекомендую.", " Не советую.", " Буду заказывать ещё.", " Жаль.", " В целом норм."]
NAMES = ["Анна", "Мария", "Иван", "Ольга", "Сергей", "Елена", "Дмитрий", "Наталья", "Алексей"]
PRODUCTS = ["Платье", "Куртка", "Джинсы", "Футболка", "Кроссовки", "Сумка", "Свитер", "Шарф"]
ADJ = ["летнее", "зимняя", "классические", "хлопковая", "беговые", "кожаная", "вязаный"]
CHANNELS = ["review"] * 6 + ["question"] * 3 + ["chat"]
PRIORITIES = [("urgent", 0)] + [("high", 1)] * 3 + [("normal", 2)] * 10 + [("low", 3)] * 4
N_PRODUCTS = 2000


def generate(rows: int, seed: int = 7) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(interaction tuples, product tuples) — deterministic for a seed."""
    rnd = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    products = [
        (
            1 if i % 10 else 2,
            100000 + i,
            f"{rnd.choice(PRODUCTS)} {rnd.choice(ADJ)} модель {i}",
            f"ART-{i}",
        )
        for i in range(N_PRODUCTS)
    ]
    out = []
    for i in range(rows):
        seller_id = 2 if rnd.random() < 0.1 else 1
        channel = CHANNELS[i % len(CHANNELS)]
        occurred = now - timedelta(minutes=rows - i)
        priority, rank = PRIORITIES[rnd.randrange(len(PRIORITIES))]
        needs = rnd.random() < 0.35
        due = occurred + timedelta(hours=24) if needs or rnd.random() < 0.5 else None
        text = rnd.choice(OPENINGS) + rnd.choice(TAILS)
        rating = rnd.randint(1, 5) if channel == "review" else None
        nm = 100000 + rnd.randrange(N_PRODUCTS)
        out.append(
            (
                seller_id,
                "wb",
                channel,
                f"x{i}",
                f"c{rnd.randrange(rows // 4 + 1)}",
                None,
                nm,
                f"ART-{nm - 100000}",
                rnd.choice(NAMES),
                text,
                "" if channel != "review" else "Качество",
                "",
                rating,
                "open" if needs else "responded",
                priority,
                rank,
                "",
                None,
                needs,
                needs,
                "wb_api",
                occurred,
                due,
                "{}",
                "",
                occurred,
                occurred,
            )
        )
    return out, products


COLUMNS = (
    "seller_id, marketplace, channel, external_id, customer_id, order_id, nm_id, "
    "product_article, buyer_name, text, pros, cons, rating, status, priority, priority_rank, "
    "priority_reason, intent, needs_response, unread, source, occurred_at, sla_due_at, "
    "extra_data, content_hash, created_at, updated_at"
)


def sqlite_ts(value: datetime | None) -> str | None:
    return None if value is None else value.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def load_sqlite(rows: list[tuple[Any, ...]], products: list[tuple[Any, ...]]) -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    url = f"sqlite+aiosqlite:///{SQLITE_PATH}"
    upgrade(url)
    conn = sqlite3.connect(SQLITE_PATH)
    now = sqlite_ts(datetime.now(UTC))
    conn.executemany(
        "INSERT INTO sellers (id, name, is_demo, created_at, updated_at) VALUES (?, ?, 0, ?, ?)",
        [(1, "Бенчмарк", now, now), (2, "Сосед", now, now)],
    )
    conn.executemany(
        "INSERT INTO product_cards (seller_id, marketplace, nm_id, name, supplier_article, brand,"
        " colour, photo_url, sizes, created_at, updated_at) "
        f"VALUES (?, 'wb', ?, ?, ?, '', '', '', '{{}}', '{now}', '{now}')",
        products,
    )
    marks = ", ".join("?" * len(rows[0]))
    converted = (tuple(sqlite_ts(v) if isinstance(v, datetime) else v for v in row) for row in rows)
    conn.executemany(f"INSERT INTO interactions ({COLUMNS}) VALUES ({marks})", converted)
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    return url


async def load_postgres(rows: list[tuple[Any, ...]], products: list[tuple[Any, ...]]) -> str:
    import asyncpg

    admin = await asyncpg.connect(PG_ADMIN)
    await admin.execute("DROP DATABASE IF EXISTS agentiq_bench_inbox WITH (FORCE)")
    await admin.execute("CREATE DATABASE agentiq_bench_inbox")
    await admin.close()
    await asyncio.to_thread(upgrade, PG_URL)
    conn = await asyncpg.connect(PG_URL.replace("+asyncpg", ""))
    now = datetime.now(UTC)
    await conn.executemany(
        "INSERT INTO sellers (id, name, is_demo, created_at, updated_at) "
        "VALUES ($1, $2, false, $3, $3)",
        [(1, "Бенчмарк", now), (2, "Сосед", now)],
    )
    await conn.copy_records_to_table(
        "product_cards",
        columns=[
            "seller_id",
            "marketplace",
            "nm_id",
            "name",
            "supplier_article",
            "brand",
            "colour",
            "photo_url",
            "sizes",
            "created_at",
            "updated_at",
        ],
        records=[
            (s, "wb", nm, name, art, "", "", "", "{}", now, now) for s, nm, name, art in products
        ],
    )
    await conn.copy_records_to_table(
        "interactions", columns=[c.strip() for c in COLUMNS.split(",")], records=rows
    )
    await conn.execute("ANALYZE")
    await conn.close()
    return PG_URL


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(url: str, repeat: int, deep: int) -> list[dict[str, Any]]:
    settings = load_settings(environment="test", database_url=url, log_json=False)
    engine = create_engine(settings)
    sessions = create_sessionmaker(engine)
    statements = {"n": 0}

    def count(*_args: Any) -> None:
        statements["n"] += 1

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    seller = 1

    async def first_cursor_after(flt: InboxFilter, pages: int) -> str | None:
        cursor = None
        async with sessions() as session:
            for _ in range(pages):
                page = await service.list_interactions(session, seller, flt, cursor=cursor)
                cursor = page.next_cursor
        return cursor

    deep_priority = await first_cursor_after(InboxFilter(), deep)
    deep_newest = await first_cursor_after(InboxFilter(sort="newest", channel="review"), deep)
    async with sessions() as session:
        item_id = (await service.list_interactions(session, seller, InboxFilter())).items[7].id

    cases: list[tuple[str, Callable[[Any], Awaitable[Any]]]] = [
        ("first page (priority)", lambda s: service.list_interactions(s, seller, InboxFilter())),
        (
            f"deep page (after {deep} pages)",
            lambda s: service.list_interactions(s, seller, InboxFilter(), cursor=deep_priority),
        ),
        (
            f"deep page, reviews newest (after {deep})",
            lambda s: service.list_interactions(
                s, seller, InboxFilter(sort="newest", channel="review"), cursor=deep_newest
            ),
        ),
        (
            "filter: questions, unanswered",
            lambda s: service.list_interactions(
                s, seller, InboxFilter(channel="question", queue="unanswered")
            ),
        ),
        (
            "filter: reviews rating 1-2, urgent",
            lambda s: service.list_interactions(
                s, seller, InboxFilter(channel="review", rating=(1, 2), queue="urgent")
            ),
        ),
        (
            "search «размера»",
            lambda s: service.list_interactions(s, seller, InboxFilter(q="размера")),
        ),
        (
            "search «брак» + unanswered",
            lambda s: service.list_interactions(
                s, seller, InboxFilter(q="брак", queue="unanswered")
            ),
        ),
        (
            "search product «куртка»",
            lambda s: service.list_interactions(s, seller, InboxFilter(q="куртка")),
        ),
        ("counts (capped)", lambda s: service.channel_counts(s, seller, InboxFilter())),
        ("open item (detail)", lambda s: service.get_interaction_detail(s, seller, item_id)),
    ]
    results = []
    for name, call in cases:
        timings: list[float] = []
        per_call = 0
        for _ in range(repeat):
            async with sessions() as session:
                statements["n"] = 0
                started = time.perf_counter()
                await call(session)
                timings.append((time.perf_counter() - started) * 1000)
                per_call = statements["n"]
        results.append(
            {
                "case": name,
                "p50_ms": round(statistics.median(timings), 2),
                "p95_ms": round(pct(timings, 0.95), 2),
                "statements": per_call,
            }
        )
        print(
            f"{name:45s} p50 {results[-1]['p50_ms']:8.2f} ms  p95 "
            f"{results[-1]['p95_ms']:8.2f} ms  sql {per_call}",
            flush=True,
        )
    await engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--deep", type=int, default=200, help="pages walked for the deep page")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    started = time.perf_counter()
    rows, products = generate(args.rows)
    generated = time.perf_counter()
    if args.backend == "sqlite":
        url = load_sqlite(rows, products)
    else:
        url = asyncio.run(load_postgres(rows, products))
    del rows
    loaded = time.perf_counter()
    print(
        f"{args.backend}: {args.rows} rows generated in {generated - started:.1f}s, "
        f"loaded+indexed in {loaded - generated:.1f}s",
        flush=True,
    )
    results = asyncio.run(measure(url, args.repeat, args.deep))
    if args.json:
        args.json.write_text(
            json.dumps(
                {"backend": args.backend, "rows": args.rows, "results": results},
                ensure_ascii=False,
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
