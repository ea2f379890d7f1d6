"""Аналитика benchmark on PostgreSQL: /api/analytics/communication and the Аналитика page
for 90 days, beside the inbox list's first page, in the same run.

    .venv/bin/python bench/analytics_page.py --rows 1000000 [--days 100] [--repeat 30]

Generates the inbox benchmark's interactions (bench/inbox_list.py: 90 % one seller, 10 % a
neighbour) spread over --days days, marks the answered ones with a first response, gives a
third of the low-rated reviews a complaint signal and 30 % of the answers a reply event with
its quality class; then builds the facts with the real backfill (`backfill_seller`, timed)
and measures server time (p50/p95): the KPI service, the JSON endpoint and the full
Аналитика page through the app in-process (HTTP + template), and the inbox's first page.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from inbox_list import COLUMNS, generate, pct  # noqa: E402

from agentiq.analytics import service as analytics  # noqa: E402
from agentiq.analytics.backfill import backfill_seller  # noqa: E402
from agentiq.config import load_settings  # noqa: E402
from agentiq.db import create_engine, create_sessionmaker  # noqa: E402
from agentiq.interactions import service as inbox  # noqa: E402
from agentiq.interactions.schemas import InboxFilter  # noqa: E402
from agentiq.migrate import upgrade  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/agentiq_bench_analytics"
CSRF = "bench-csrf-token-0123456789abcdef"


async def load(rows: int, days: int) -> None:
    import asyncpg

    data, products = generate(rows)
    now = datetime.now(UTC).replace(microsecond=0)
    step = timedelta(days=days) / rows
    spread = []
    for i, row in enumerate(data):
        occurred = now - step * (rows - i)
        due = None if row[22] is None else occurred + timedelta(hours=24)
        spread.append((*row[:21], occurred, due, row[23], row[24], occurred, occurred))
    admin = await asyncpg.connect(PG_ADMIN)
    await admin.execute("DROP DATABASE IF EXISTS agentiq_bench_analytics WITH (FORCE)")
    await admin.execute("CREATE DATABASE agentiq_bench_analytics")
    await admin.close()
    await asyncio.to_thread(upgrade, PG_URL)
    conn = await asyncpg.connect(PG_URL.replace("+asyncpg", ""))
    await conn.executemany(
        "INSERT INTO sellers (id, name, is_demo, created_at, updated_at) "
        "VALUES ($1, $2, false, $3, $3)",
        [(1, "Бенчмарк", now), (2, "Сосед", now)],
    )
    await conn.execute("SELECT setval('sellers_id_seq', 10)")
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
        "interactions", columns=[c.strip() for c in COLUMNS.split(",")], records=spread
    )
    # Answered items got a first response 1..600 minutes after receipt.
    await conn.execute(
        "UPDATE interactions SET first_response_at = occurred_at + (id % 600 + 1) * interval "
        "'1 minute' WHERE status = 'responded'"
    )
    await conn.execute(
        """UPDATE interactions SET extra_data = '{"triage": {"signals": ["defect"]}}'::jsonb
           WHERE channel = 'review' AND rating <= 2 AND id % 3 = 0"""
    )
    # 30 % of the answers were sent from AgentIQ: a reply event and its quality class.
    await conn.execute(
        """INSERT INTO interaction_events (seller_id, interaction_id, kind, actor_user_id,
                  payload, created_at)
           SELECT seller_id, id, 'reply_sent', NULL,
                  jsonb_build_object('outbox_id', id, 'is_auto', id % 10 = 0), first_response_at
           FROM interactions WHERE status = 'responded' AND id % 10 < 3"""
    )
    await conn.execute(
        """INSERT INTO interaction_events (seller_id, interaction_id, kind, actor_user_id,
                  payload, created_at)
           SELECT seller_id, id,
                  (ARRAY['draft_accepted', 'draft_edited', 'reply_manual'])[id % 3 + 1],
                  NULL, jsonb_build_object('outbox_id', id), first_response_at
           FROM interactions WHERE status = 'responded' AND id % 10 < 3 AND id % 10 <> 0"""
    )
    await conn.execute("ANALYZE")
    await conn.close()


async def backfill(url: str) -> dict[str, Any]:
    settings = load_settings(environment="test", database_url=url, log_json=False)
    engine = create_engine(settings)
    sessions = create_sessionmaker(engine)
    figures: dict[str, Any] = {}
    for seller in (1, 2):
        started = time.perf_counter()
        async with sessions() as session:
            report = await backfill_seller(session, seller)
            await session.commit()
        figures[seller] = (report.interactions, report.facts, time.perf_counter() - started)
    async with engine.connect() as conn:
        await conn.exec_driver_sql("ANALYZE")
        daily = (await conn.exec_driver_sql("SELECT count(*) FROM metric_daily")).scalar()
    figures["daily_rows"] = daily
    await engine.dispose()
    return figures


def timings(values: list[float]) -> str:
    return f"p50 {statistics.median(values):8.2f} ms  p95 {pct(values, 0.95):8.2f} ms"


async def measure(url: str, repeat: int) -> dict[str, list[float]]:
    from agentiq.app import create_app
    from agentiq.models import Membership

    settings = load_settings(
        environment="test",
        database_url=url,
        log_json=False,
        scheduler_enabled=False,
        emulator_enabled=False,
        secret_key="bench-secret-key-" + "x" * 32,
    )
    engine = create_engine(settings)
    sessions = create_sessionmaker(engine)
    results: dict[str, list[float]] = {}

    async def timed(name: str, call: Any) -> None:
        results[name] = []
        for _ in range(repeat):
            started = time.perf_counter()
            await call()
            results[name].append((time.perf_counter() - started) * 1000)
        print(f"{name:52s} {timings(results[name])}", flush=True)

    async def kpis() -> None:
        async with sessions() as session:
            await analytics.communication(session, 1, analytics.make_scope(90, None, None))

    async def inbox_first_page() -> None:
        async with sessions() as session:
            await inbox.list_interactions(session, 1, InboxFilter())

    app = create_app(settings)
    async with app.router.lifespan_context(app):
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="https://bench",
            headers={"x-csrf-token": CSRF},
        )
        client.cookies.set("agentiq_csrf", CSRF)
        r = await client.post(
            "/api/auth/register",
            json={"email": "bench@example.com", "password": "password-123", "seller_name": "Б"},
        )
        user_id = r.json()["user_id"]
        async with sessions() as session:
            session.add(Membership(user_id=user_id, seller_id=1, role="owner"))
            await session.commit()
        await client.post("/switch-seller", data={"seller_id": "1", "csrf_token": CSRF})

        async def api() -> None:
            r = await client.get("/api/analytics/communication", params={"days": 90})
            assert r.status_code == 200 and r.json()["kpis"]["received"]["value"] > 0

        async def page() -> None:
            r = await client.get("/analytics", params={"days": 90, "mode": "full"})
            assert r.status_code == 200 and 'id="chart-volume"' in r.text

        async def home() -> None:
            r = await client.get("/home")
            assert r.status_code == 200

        async def inbox_api() -> None:
            r = await client.get("/api/interactions")
            assert r.status_code == 200

        for _ in range(3):  # warm caches and pools
            await api()
            await page()
            await inbox_api()
        await timed("KPI service, 90 days (service time)", kpis)
        await timed("inbox first page (service time)", inbox_first_page)
        await timed("GET /api/analytics/communication?days=90", api)
        await timed("GET /analytics?days=90&mode=full (page)", page)
        await timed("GET /home (page)", home)
        await timed("GET /api/interactions (inbox list)", inbox_api)
        await client.aclose()
    await engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    started = time.perf_counter()
    asyncio.run(load(args.rows, args.days))
    loaded = time.perf_counter()
    print(
        f"postgres: {args.rows} interactions over {args.days} days loaded in "
        f"{loaded - started:.1f}s",
        flush=True,
    )
    figures = asyncio.run(backfill(PG_URL))
    for seller in (1, 2):
        items, facts, seconds = figures[seller]
        print(
            f"backfill seller {seller}: {items} interactions → {facts} facts in {seconds:.1f}s "
            f"({items / seconds:,.0f} interactions/s)",
            flush=True,
        )
    print(f"metric_daily rows (both sellers): {figures['daily_rows']}", flush=True)
    results = asyncio.run(measure(PG_URL, args.repeat))
    api = pct(results["GET /api/analytics/communication?days=90"], 0.95)
    page = pct(results["GET /analytics?days=90&mode=full (page)"], 0.95)
    inbox_p95 = pct(results["GET /api/interactions (inbox list)"], 0.95)
    print(
        f"ratio p95 analytics API / inbox list API: {api / inbox_p95:.2f}; "
        f"page / inbox list: {page / inbox_p95:.2f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
