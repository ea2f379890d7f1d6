"""PagePipeline: writes run one at a time, in order, overlapping the caller's next step."""

from __future__ import annotations

import asyncio

import pytest

from agentiq.ingestion.pipeline import PagePipeline


async def test_writes_run_in_order_and_overlap_the_next_preparation() -> None:
    log: list[str] = []
    running = 0

    async def write(page: int) -> None:
        nonlocal running
        running += 1
        assert running == 1, "two writes at once"
        log.append(f"write {page} start")
        await asyncio.sleep(0.02)
        log.append(f"write {page} end")
        running -= 1

    async with PagePipeline() as pipeline:
        for page in range(3):
            await asyncio.sleep(0.005)  # preparing page k while page k-1 is being written
            log.append(f"prepared {page}")
            await pipeline.submit(write(page))
    assert log == [
        "prepared 0",
        "write 0 start",
        "prepared 1",
        "write 0 end",
        "write 1 start",
        "prepared 2",
        "write 1 end",
        "write 2 start",
        "write 2 end",
    ]


async def test_a_failed_write_surfaces_at_the_next_submit_and_the_next_never_starts() -> None:
    started: list[int] = []

    async def write(page: int) -> None:
        started.append(page)
        if page == 0:
            raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="went away"):
        async with PagePipeline() as pipeline:
            await pipeline.submit(write(0))
            await asyncio.sleep(0)
            await pipeline.submit(write(1))
    assert started == [0]


async def test_leaving_early_cancels_the_write_in_flight() -> None:
    cancelled = asyncio.Event()

    async def slow_write() -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with pytest.raises(KeyError):
        async with PagePipeline() as pipeline:
            await pipeline.submit(slow_write())
            await asyncio.sleep(0)
            raise KeyError("the walk failed")
    assert cancelled.is_set()
