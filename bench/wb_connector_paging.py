"""Benchmark: page through a big WB feedback history with WB's rate limits ON.

Starts the WB emulator in a separate process (so this process's CPU time is the connector's
own: HTTP, JSON, validation), generates a seller with `--items` feedbacks, walks every listed
feedback (isAnswered=false and true) with the date-window walker, and prints:
- wall time against the rate-limit floor: requests beyond the burst ÷ 3 per second;
- the connector's CPU time per 5 000-item page.

    .venv/bin/python bench/wb_connector_paging.py [--items 200000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from emulator_process import start_emulator, wait_until_up  # noqa: E402

from agentiq.kit.http import build_http_client  # noqa: E402
from agentiq.kit.ratelimit import MemoryRateLimiter  # noqa: E402
from agentiq.marketplaces.wb.client import WBClient, WBHosts  # noqa: E402
from agentiq.marketplaces.wb.windows import walk_feedbacks  # noqa: E402

RATE, BURST = 3.0, 6


async def run(items: int, take: int, info: dict[str, str]) -> dict[str, float]:
    base = f"http://127.0.0.1:{info['port']}"
    http = build_http_client(timeout=60.0)
    await wait_until_up(http, base)
    await asyncio.sleep(1.0)  # let the ping bucket be; feedbacks bucket starts full
    client = WBClient(
        info["token"],
        http=http,
        hosts=WBHosts.emulator(base),
        limiter=MemoryRateLimiter(),
        cabinet_key=info["seller_id"],
    )
    walker = walk_feedbacks(client, date_from=datetime(2020, 1, 1, tzinfo=UTC), take=take)
    cpu_started = time.process_time()
    wall_started = time.perf_counter()
    paged = 0
    async for page in walker.pages():
        paged += len(page.items) + len(page.invalid)
    wall = time.perf_counter() - wall_started
    cpu = time.process_time() - cpu_started
    await http.aclose()

    requests = client.stats.requests
    floor = max(0, requests - BURST) / RATE
    list_pages = walker.stats.pages
    full_pages = paged / 5000
    return {
        "generated": items,
        "paged": paged,
        "requests": requests,
        "list_pages": list_pages,
        "count_requests": requests - list_pages,
        "splits": walker.stats.splits,
        "throttled_429": client.stats.throttled,
        "rate_limit_waits": client.stats.rate_limit_waits,
        "rate_limit_wait_s": client.stats.rate_limit_wait_s,
        "wall_s": wall,
        "floor_s": floor,
        "ratio": wall / floor if floor else float("nan"),
        "cpu_s": cpu,
        "cpu_ms_per_5000_page": 1000 * cpu / full_pages if full_pages else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200_000, help="feedbacks to generate")
    parser.add_argument("--take", type=int, default=5000, help="page size (WB max 5000)")
    args = parser.parse_args()
    proc, info = start_emulator(feedbacks=args.items)
    try:
        r = asyncio.run(run(args.items, args.take, info))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"generated feedbacks        {r['generated']:>10,}   (page size {args.take})")
    print(f"paged (listed by WB)       {r['paged']:>10,}   (the rest is WB's archive)")
    print(
        f"requests                   {r['requests']:>10}   "
        f"({r['list_pages']} list pages, {r['count_requests']} counts, "
        f"{r['splits']} window splits)"
    )
    print(f"429 responses              {r['throttled_429']:>10}")
    print(
        f"rate-limited waits         {r['rate_limit_waits']:>10}   ({r['rate_limit_wait_s']:.1f} s)"
    )
    print(f"wall time                  {r['wall_s']:>10.2f} s")
    print(
        f"rate-limit floor           {r['floor_s']:>10.2f} s   "
        f"((requests - burst {BURST}) / {RATE:g} per s)"
    )
    print(f"wall / floor               {r['ratio']:>10.2f}")
    print(
        f"connector CPU              {r['cpu_s']:>10.2f} s   "
        f"= {r['cpu_ms_per_5000_page']:.0f} ms per 5 000-item page"
    )


if __name__ == "__main__":
    main()
