"""A whole review sync against the WB emulator over HTTP: wall time, floor, memory.

    .venv/bin/python bench/sync_backfill.py --items 200000 --limits on [--take 1000]
    .venv/bin/python bench/sync_backfill.py --items 1000000 --limits off [--database-url URL]

The emulator runs in a separate process (its CPU is WB's). This process runs the real
`sync_cabinet` for the review channel — the dated walks (unanswered and answered) and WB's
archive — with the real WB client, into a fresh SQLite file (or a PostgreSQL database).

- `--limits on`: WB's own limits (feedbacks bucket 3 requests/s, burst 6) on both sides. The
  floor is the time that bucket alone forces: (requests − burst) ÷ 3 per second, requests
  counted by the client. The aim is a wall time within 1.2× of it.
- `--limits off`: nothing throttles, so the figure is the sync's own throughput.

RSS of this process is sampled every 0.25 s; the figures show its spread once the first page
is in (flat means memory does not grow with the history) and the peak.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from emulator_process import start_emulator, wait_until_up  # noqa: E402
from sqlalchemy import text  # noqa: E402

from agentiq.config import load_settings  # noqa: E402
from agentiq.db import unit_of_work  # noqa: E402
from agentiq.ingestion.service import sync_cabinet  # noqa: E402
from agentiq.kit.http import build_http_client  # noqa: E402
from agentiq.marketplaces.wb.client import WBClient, WBHosts  # noqa: E402
from agentiq.marketplaces.wb.limits import RateLimit, WBLimits  # noqa: E402
from agentiq.migrate import upgrade  # noqa: E402
from agentiq.models import MarketplaceConnection, Seller  # noqa: E402
from agentiq.runtime import Runtime, build_runtime  # noqa: E402

RATE, BURST = 3.0, 6
UNLIMITED = RateLimit(rate=100_000, burst=100_000)
NO_LIMITS = WBLimits(feedbacks=UNLIMITED, chat=UNLIMITED, download=UNLIMITED, ping=UNLIMITED)


class RssSampler(threading.Thread):
    """Samples this process's resident memory (MB) from /proc every `period` seconds."""

    def __init__(self, period: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.period = period
        self.samples: list[tuple[float, float]] = []
        self._done = threading.Event()

    @staticmethod
    def rss_mb() -> float:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() / 2**20

    def run(self) -> None:
        started = time.perf_counter()
        while not self._done.wait(self.period):
            self.samples.append((time.perf_counter() - started, self.rss_mb()))

    def stop(self) -> None:
        self._done.set()
        self.join()


async def prepare(url: str | None, tmp: Path, token: str) -> tuple[Runtime, int, int]:
    db = url or f"sqlite+aiosqlite:///{tmp / 'sync.db'}"
    await asyncio.to_thread(upgrade, db)
    runtime = build_runtime(
        load_settings(environment="test", var_dir=tmp, database_url=db, secret_key="b" * 40)
    )
    async with unit_of_work(runtime.sessionmaker) as session:
        if url is not None:
            await session.execute(text("TRUNCATE interactions, sync_state, sync_runs CASCADE"))
        seller = Seller(name="bench")
        session.add(seller)
        await session.flush()
        cabinet = MarketplaceConnection(
            seller_id=seller.id,
            name="WB",
            token_encrypted=runtime.secrets.encrypt(token),
            token_type="personal",
        )
        session.add(cabinet)
        await session.flush()
        return runtime, seller.id, cabinet.id


async def emulate_autoanalyze(runtime: Runtime, naptime_s: float = 5.0) -> None:
    """What PostgreSQL's autovacuum does by default (analyze after 50 rows + 10 % changed),
    checked every few seconds: this machine's test server runs with autovacuum off, and
    without statistics the sync's lookups get a plan that scans the seller's rows."""
    analyzed_at = 0
    while True:
        await asyncio.sleep(naptime_s)
        async with unit_of_work(runtime.sessionmaker) as session:
            rows = int(await session.scalar(text("SELECT count(*) FROM interactions")) or 0)
            if rows > 50 + 1.1 * analyzed_at:
                await session.execute(text("ANALYZE interactions"))
                analyzed_at = rows


async def run(args: argparse.Namespace, info: dict[str, str]) -> None:
    base = f"http://127.0.0.1:{info['port']}"
    http = build_http_client(timeout=120.0)
    await wait_until_up(http, base)
    await asyncio.sleep(1.0)  # the ping above drew on its own bucket; feedbacks starts full
    tmp = Path(tempfile.mkdtemp())
    runtime, seller_id, cabinet_id = await prepare(args.database_url, tmp, info["token"])
    client_box: list[WBClient] = []

    def factory(cabinet: MarketplaceConnection, token: str) -> WBClient:
        options = {} if args.limits == "on" else {"limits": NO_LIMITS}
        client = WBClient(
            token,
            http=http,
            hosts=WBHosts.emulator(base),
            cabinet_key=f"cabinet{cabinet.id}",
            **options,  # type: ignore[arg-type]
        )
        client_box.append(client)
        return client

    runtime.wb_client_factory = factory
    runtime.wb_client_options = {}
    sampler = RssSampler()
    sampler.start()
    autovacuum = asyncio.create_task(emulate_autoanalyze(runtime)) if args.database_url else None
    started = time.perf_counter()
    report = await sync_cabinet(
        runtime, seller_id, cabinet_id, channels=("review",), page_size=args.take
    )
    wall = time.perf_counter() - started
    sampler.stop()
    if autovacuum is not None:
        autovacuum.cancel()
    figures = report.channels["review"]
    stats = client_box[0].stats
    async with runtime.sessionmaker() as session:
        stored = await session.scalar(text("SELECT count(*) FROM interactions"))
    await runtime.close()
    await http.aclose()

    rss = [mb for _, mb in sampler.samples]
    steady = rss[len(rss) // 10 :] or rss
    deciles = [rss[min(len(rss) - 1, len(rss) * k // 10)] for k in range(11)] if rss else []
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    floor = max(0, stats.requests - BURST) / RATE
    backend = "postgresql" if args.database_url else "sqlite"
    print(f"review sync of {args.items:,} generated feedbacks, limits {args.limits}, {backend}")
    print(f"  status {figures.status}, fetched {figures.fetched:,}, stored {stored:,}")
    print(f"  created {figures.created:,}, updated {figures.updated:,}, errors {figures.errors}")
    print(f"  requests {stats.requests} (page size {args.take}), 429s {stats.throttled}")
    print(f"  wall {wall:.1f} s = {figures.fetched / wall:,.0f} items/s")
    if args.limits == "on":
        print(f"  rate-limit floor {floor:.1f} s ((requests - {BURST}) / {RATE:g} per s)")
        print(f"  wall / floor {wall / floor:.2f}   (aim <= 1.2)")
    print(
        f"  RSS after the first 10 % of the run: {min(steady):.0f}-{max(steady):.0f} MB "
        f"(median {statistics.median(steady):.0f}); process peak {peak:.0f} MB"
    )
    print("  RSS by decile of the run (MB): " + " ".join(f"{mb:.0f}" for mb in deciles))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--limits", choices=("on", "off"), default="on")
    parser.add_argument("--take", type=int, default=5000, help="WB page size (max 5000)")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    proc, info = start_emulator(feedbacks=args.items, rate_limits=args.limits == "on")
    try:
        asyncio.run(run(args, info))
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
