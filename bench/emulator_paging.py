"""Bench: walk 200 000 feedbacks of one emulated seller over HTTP, 5 000 per page.

Run: .venv/bin/python bench/emulator_paging.py [feedbacks]
Prints seller build time, per-page latency (p50/max) and peak RSS.
"""

from __future__ import annotations

import socket
import statistics
import sys
import threading
import time

import httpx
import psutil
import uvicorn

from agentiq.emulator import Emulator
from agentiq.emulator.app import create_emulator_app


def main(n: int) -> None:
    em = Emulator(rate_limits=False)
    started = time.perf_counter()
    seller = em.add_seller(seed=1, feedbacks=n, questions=1000, chats=10)
    build_s = time.perf_counter() - started
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_emulator_app(em), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    url = f"http://127.0.0.1:{port}/feedbacks-api/api/v1/feedbacks"
    latencies, total = [], 0
    with httpx.Client(headers={"Authorization": seller.token}, timeout=30) as client:
        for answered in ("true", "false"):
            skip = 0
            while skip <= 199_990:
                params = {"isAnswered": answered, "take": 5000, "skip": skip, "order": "dateAsc"}
                t = time.perf_counter()
                page = client.get(url, params=params).json()["data"]["feedbacks"]
                latencies.append(time.perf_counter() - t)
                total += len(page)
                if len(page) < 5000:
                    break
                skip += 5000
    server.should_exit = True
    rss = psutil.Process().memory_info().rss / 2**20
    print(f"seller with {n} feedbacks built in {build_s:.2f}s")
    print(f"{len(latencies)} pages, {total} feedbacks")
    print(f"page latency p50 {statistics.median(latencies):.3f}s, max {max(latencies):.3f}s")
    print(f"peak RSS {rss:.0f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
